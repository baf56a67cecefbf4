"""Forms of the costing pages. They check and convert only: `clean()` turns the input into
the engine's typed inputs (`Workload`, `InHouse`, `VendorOffer`, scenario factors), and an
`EngineInputError` the engine raises lands on the field it names."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import form_conventions
from common.strict import StrictDecimalField, StrictIntegerField
from costing.engine import (
    DEFAULT_ANSWER_SECONDS,
    DEFAULT_CONCURRENCY,
    DEFAULT_SCENARIOS,
    LIVE_CHANNELS,
    WEEKS_PER_MONTH,
    Channel,
    EngineInputError,
    FeePer,
    InHouse,
    OpenHours,
    OtherFee,
    ScenarioFactors,
    VendorOffer,
    Workload,
    chat_volume_per_month,
    productive_hours_per_month_from_year,
)
from costing.messages import engine_error_text
from procurement.fees import parse_other_fees
from procurement.models import Channel as ChannelChoice
from procurement.models import LiveStaffing as LiveStaffingChoices
from procurement.models import PricingModel
from procurement.scope import parse_hourly_weights, weights_count_error

TERM_CHOICES = [(m, str(m)) for m in range(12, 25)]  # the UI offers 12–24 months
SCENARIO_NAMES = tuple(DEFAULT_SCENARIOS)  # pessimistic, realistic, optimistic


def _decimal(label, *, required: bool = True, min_value=None, max_value=None, help_text=""):
    # The upper bounds come from common.bounds (in words), attached in each form's __init__.
    # localize: Dutch users type 2.500 and 18,50; the input shows the same format back.
    return StrictDecimalField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _percentage(label, *, required: bool = True, help_text=""):
    return _decimal(
        label, required=required, min_value=0, max_value=Decimal(100), help_text=help_text
    )


class EngineErrorsMixin:
    """Put an engine error on the form field it concerns (the form-level error if none)."""

    engine_fields: Mapping[str, str] = {}

    def add_engine_error(self, exc: EngineInputError) -> None:
        field = self.engine_fields.get(exc.field, exc.field)
        if field not in self.fields:  # type: ignore[attr-defined]
            field = None
        self.add_error(field, engine_error_text(exc))  # type: ignore[attr-defined]


class CalculatorForm(EngineErrorsMixin, forms.Form):
    """The cost article's spreadsheet recipe (docs/domain.md §1–§2) with one vendor offer."""

    VOLUME_PER_MONTH = "month"
    VOLUME_FROM_VISITORS = "visitors"
    HOURS_PER_MONTH = "month"
    HOURS_PER_YEAR = "year"

    # Workload
    volume_basis = forms.ChoiceField(
        label=_("Volume"),
        choices=[
            (VOLUME_PER_MONTH, _("Contacts a month")),
            (VOLUME_FROM_VISITORS, _("Website visitors a day × chat rate")),
        ],
        widget=forms.RadioSelect,
    )
    volume_per_month = _decimal(_("Contacts a month"), required=False, min_value=0)
    visitors_per_day = _decimal(_("Website visitors a day"), required=False, min_value=0)
    chat_rate_pct = _percentage(
        _("Chat rate (%)"),
        required=False,
        # xgettext:no-python-format
        help_text=_("2–5% of website visitors start a chat (whitepaper)."),
    )
    aht_minutes = _decimal(
        _("Average handle time (minutes)"),
        min_value=0,
        help_text=_("A chat takes at least 10 minutes (whitepaper)."),
    )
    hours_basis = forms.ChoiceField(
        label=_("Productive hours per FTE"),
        choices=[(HOURS_PER_MONTH, _("A month")), (HOURS_PER_YEAR, _("A year"))],
        widget=forms.RadioSelect,
    )
    productive_hours_per_month = _decimal(
        _("Productive hours a month"), required=False, min_value=0
    )
    productive_hours_per_year = _decimal(
        _("Productive hours a year"),
        required=False,
        min_value=0,
        help_text=_("1,000 productive hours a year is the cost article's starting point."),
    )
    automation_deflection_pct = _percentage(
        _("Handled by automation (%)"),
        # xgettext:no-python-format
        help_text=_("FAQ bots and scripts take 30–40% of simple questions."),
    )
    coverage_hours_per_week = _decimal(
        _("Opening hours a week"),
        required=False,
        min_value=0,
        max_value=Decimal(168),
        help_text=_("Staffed even when the queue is empty: 09:00–23:00, 7 days is 98 hours."),
    )
    months = forms.TypedChoiceField(label=_("Term (months)"), choices=TERM_CHOICES, coerce=int)
    transition_months = StrictIntegerField(
        label=_("Transition (months of double running)"),
        min_value=0,
        max_value=24,
        required=False,
        help_text=_("The in-house desk keeps running while the vendor ramps up."),
    )

    # Channel: e-mail is a backlog; chat and phone are queues staffed per open hour.
    channel = forms.ChoiceField(
        label=_("Channel"), choices=ChannelChoice.choices, widget=forms.RadioSelect
    )
    opens_at_hour = StrictIntegerField(
        label=_("Opens at (hour)"), min_value=0, max_value=23, required=False
    )
    open_hours_per_day = StrictIntegerField(
        label=_("Open hours a day"), min_value=1, max_value=24, required=False
    )
    open_days_per_week = StrictIntegerField(
        label=_("Open days a week"), min_value=1, max_value=7, required=False
    )
    service_level_pct = _decimal(
        _("Service level target (%)"),
        required=False,
        min_value=0,
        max_value=Decimal(100),
        help_text=_("Empty: 80%."),
    )
    answer_seconds = _decimal(
        _("Answered within (seconds)"),
        required=False,
        min_value=0,
        help_text=_("Empty: 20 s for phone, 60 s for chat."),
    )
    concurrency = _decimal(
        _("Contacts an agent carries at once"),
        required=False,
        min_value=0,
        max_value=Decimal(20),
        help_text=_("Empty: 1 for phone, 1.7 for chat (two chats at once)."),
    )
    max_occupancy_pct = _percentage(
        _("Maximum occupancy (%)"), required=False, help_text=_("Empty: no cap.")
    )
    hourly_weights = forms.CharField(
        label=_("Hourly weights"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional: one number per open hour from your own history (paste a column). "
            "Empty: equal."
        ),
    )

    # In-house
    in_house_fte = _decimal(
        _("In-house FTE"),
        required=False,
        min_value=0,
        help_text=_(
            "Empty: e-mail in whole people (workload or opening hours); chat and phone by seat "
            "hours over paid hours, to two decimals."
        ),
    )
    gross_salary_month = _decimal(_("Gross salary a month (€)"), min_value=0)
    employer_costs_pct = _decimal(
        _("Employer costs (%)"), min_value=0, help_text=_("Usually 30–40%.")
    )
    overhead_per_fte_month = _decimal(_("Overhead per FTE a month (€)"), min_value=0)
    licences_per_fte_month = _decimal(_("Licences per FTE a month (€)"), min_value=0)
    absence_pct = _percentage(
        _("Absence (%)"),
        help_text=_("Vacation and sickness add about 10% on a full-time employee."),
    )
    in_house_one_time = _decimal(
        _("One-time costs (€)"),
        min_value=0,
        help_text=_("Recruitment, workplace set-up; none when nobody is hired (combined)."),
    )
    # docs/domain.md §1: a live channel's in-house desk.
    live_staffing = forms.ChoiceField(
        label=_("In-house chat and phone"),
        choices=LiveStaffingChoices.choices,
        required=False,
        help_text=_("Empty: a dedicated desk. Both options are shown; this one is compared."),
    )
    hours_per_week = _decimal(
        _("Paid hours a week per FTE"),
        required=False,
        min_value=0,
        max_value=Decimal(168),
        help_text=_("Empty: 40. A live desk's paid hours a month are hours a week × 4.2."),
    )
    shrinkage_pct = _decimal(
        _("Shrinkage (%)"),
        required=False,
        min_value=0,
        max_value=Decimal(60),
        help_text=_("Empty: 0%. Breaks, meetings and training during paid hours (20–35%)."),
    )

    # Vendor offer
    pricing_model = forms.ChoiceField(label=_("Pricing model"), choices=PricingModel.choices)
    hourly_rate = _decimal(_("Hourly rate (€)"), required=False, min_value=0)
    per_ticket_rate = _decimal(_("Rate per ticket (€)"), required=False, min_value=0)
    monthly_fee = _decimal(_("Monthly fee (€)"), required=False, min_value=0)
    agents = StrictIntegerField(
        label=_("Agents"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Empty: enough agents for the workload."),
    )
    onboarding_fee = _decimal(_("Onboarding fee (€)"), min_value=0)
    onboarding_hours_per_agent = _decimal(
        _("Onboarding hours per agent"),
        min_value=0,
        help_text=_("40–80 hours per agent, at the training rate."),
    )
    onboarding_hourly_rate = _decimal(
        _("Training rate an hour (€)"),
        required=False,
        min_value=0,
        help_text=_("Prices the onboarding hours; empty: the hourly rate."),
    )
    other_fees = forms.CharField(
        label=_("Other fees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One fee a line: label; amount; month or once."),
    )
    licences_per_agent_month = _decimal(
        _("Licences per agent a month (€)"), min_value=0, help_text=_("CRM/CCaaS: €10–50.")
    )
    integration_one_time = _decimal(
        _("Integration, one-time (€)"), min_value=0, help_text=_("CRM, telephony: €1,000–10,000.")
    )
    management_per_month = _decimal(
        _("Management and QA a month (€)"),
        min_value=0,
        help_text=_("The vendor's fee plus your own vendor management."),
    )
    exit_fee = _decimal(_("Exit fee (€)"), min_value=0)

    # Scenario factors (editable in the scenarios table)
    pessimistic_volume = _decimal(_("Volume ×"), min_value=0, max_value=Decimal(100))
    pessimistic_aht = _decimal(_("AHT ×"), min_value=0, max_value=Decimal(100))
    realistic_volume = _decimal(_("Volume ×"), min_value=0, max_value=Decimal(100))
    realistic_aht = _decimal(_("AHT ×"), min_value=0, max_value=Decimal(100))
    optimistic_volume = _decimal(_("Volume ×"), min_value=0, max_value=Decimal(100))
    optimistic_aht = _decimal(_("AHT ×"), min_value=0, max_value=Decimal(100))

    IN_HOUSE_FIELDS = (
        "in_house_fte",
        "gross_salary_month",
        "employer_costs_pct",
        "overhead_per_fte_month",
        "licences_per_fte_month",
        "absence_pct",
        "in_house_one_time",
    )
    VENDOR_FIELDS = (
        "pricing_model",
        "hourly_rate",
        "per_ticket_rate",
        "monthly_fee",
        "agents",
        "onboarding_fee",
        "onboarding_hours_per_agent",
        "licences_per_agent_month",
        "integration_one_time",
        "management_per_month",
        "exit_fee",
        "onboarding_hourly_rate",
    )
    LIVE_FIELDS = (
        "opens_at_hour",
        "open_hours_per_day",
        "open_days_per_week",
        "service_level_pct",
        "answer_seconds",
        "concurrency",
        "max_occupancy_pct",
        "hourly_weights",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_conventions(self)
        # The factors sit in the cells of the scenarios table, rendered without crispy.
        for name in SCENARIO_NAMES:
            for part in ("volume", "aht"):
                self.fields[f"{name}_{part}"].widget.attrs["class"] = (
                    "form-control form-control-sm text-end"
                )

    def full_clean(self) -> None:
        super().full_clean()
        # Crispy marks its own fields; the raw scenario inputs are marked here.
        for name in SCENARIO_NAMES:
            for part in ("volume", "aht"):
                field_name = f"{name}_{part}"
                if field_name in self.errors:
                    attrs = self.fields[field_name].widget.attrs
                    attrs["class"] += " is-invalid"
                    attrs["aria-invalid"] = "true"

    @classmethod
    def default_data(cls) -> dict[str, Any]:
        """The cost article's worked example: 500 tickets at 10 minutes, 160 productive
        hours, in-house €2,500 + 35%, a nearshore offer at €18/h with €2,000 onboarding."""
        data: dict[str, Any] = {
            "volume_basis": cls.VOLUME_PER_MONTH,
            "volume_per_month": Decimal(500),
            "visitors_per_day": Decimal(1000),
            "chat_rate_pct": Decimal(3),
            "aht_minutes": Decimal(10),
            "hours_basis": cls.HOURS_PER_MONTH,
            "productive_hours_per_month": Decimal(160),
            "productive_hours_per_year": Decimal(1000),
            "automation_deflection_pct": Decimal(0),
            "coverage_hours_per_week": None,
            "months": 12,
            "transition_months": 0,
            # E-mail: the cost article's worked example. For chat and phone, the whitepaper's
            # live chat from 09:00 to 23:00, 7 days a week.
            "channel": "email",
            "opens_at_hour": 9,
            "open_hours_per_day": 14,
            "open_days_per_week": 7,
            "service_level_pct": None,
            "answer_seconds": None,
            "concurrency": None,
            "max_occupancy_pct": None,
            "hourly_weights": "",
            "onboarding_hourly_rate": None,
            "other_fees": "",
            "in_house_fte": None,
            "gross_salary_month": Decimal(2500),
            "employer_costs_pct": Decimal(35),
            "overhead_per_fte_month": Decimal(0),
            "licences_per_fte_month": Decimal(0),
            "absence_pct": Decimal(0),
            "in_house_one_time": Decimal(0),
            "live_staffing": "dedicated",
            "hours_per_week": Decimal(40),
            "shrinkage_pct": Decimal(0),
            "pricing_model": PricingModel.HOURLY.value,
            "hourly_rate": Decimal(18),
            "per_ticket_rate": None,
            "monthly_fee": None,
            "agents": None,
            "onboarding_fee": Decimal(2000),
            "onboarding_hours_per_agent": Decimal(0),
            "licences_per_agent_month": Decimal(0),
            "integration_one_time": Decimal(0),
            "management_per_month": Decimal(0),
            "exit_fee": Decimal(0),
        }
        for name, factors in DEFAULT_SCENARIOS.items():
            data[f"{name}_volume"] = factors.volume
            data[f"{name}_aht"] = factors.aht
        return {key: "" if value is None else value for key, value in data.items()}

    @property
    def engine_fields(self) -> dict[str, str]:  # type: ignore[override]
        volume_field = (
            "visitors_per_day"
            if self.cleaned_data.get("volume_basis") == self.VOLUME_FROM_VISITORS
            else "volume_per_month"
        )
        hours_field = (
            "productive_hours_per_year"
            if self.cleaned_data.get("hours_basis") == self.HOURS_PER_YEAR
            else "productive_hours_per_month"
        )
        return {
            "volume_per_month": volume_field,
            "productive_hours_per_fte_month": hours_field,
            "productive_hours_per_fte_year": "productive_hours_per_year",
            "in_house.fte": "in_house_fte",
            "in_house.one_time": "in_house_one_time",
            "in_house.live_staffing": "live_staffing",
            "in_house.hours_per_week": "hours_per_week",
            "in_house.shrinkage_pct": "shrinkage_pct",
            "vendor.agents": "agents",
            "channel": "channel",
            **{f"vendor.other_fees.{part}": "other_fees" for part in ("label", "amount", "per")},
            **{f"in_house.{name}": name for name in self.IN_HOUSE_FIELDS},
            **{f"vendor.{name}": name for name in self.VENDOR_FIELDS if name != "agents"},
        }

    def _require(self, *names: str) -> bool:
        missing = [name for name in names if self.cleaned_data.get(name) is None]
        for name in missing:
            if name not in self.errors:
                self.add_error(name, _("Enter a value."))
        return not missing

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            self._cross_field_beside_errors(data)
            return data
        try:
            self._build(data)
        except EngineInputError as exc:
            self.add_engine_error(exc)
        return data

    def _cross_field_beside_errors(self, data: dict[str, Any]) -> None:
        """The cross-field rules whose inputs were read, shown with the field errors (all at
        once): one hourly weight per open hour, as the engine and the RFQ require."""
        if data.get("channel") not in LIVE_CHANNELS or "hourly_weights" in self.errors:
            return
        try:
            weights = parse_hourly_weights(data.get("hourly_weights"))
        except ValidationError as exc:
            self.add_error("hourly_weights", exc.messages)
            return
        message = weights_count_error(weights, data.get("open_hours_per_day"))
        if message:
            self.add_error("hourly_weights", message)

    @property
    def is_live(self) -> bool:
        return self.cleaned_data.get("channel") in LIVE_CHANNELS

    def _open_hours(self, data: dict[str, Any]) -> OpenHours | None | bool:
        """Chat and phone: the open hours and queue settings (docs/domain.md §1); e-mail: None.
        False when a required input is missing (its field then carries the error)."""
        if data["channel"] not in LIVE_CHANNELS:
            return None
        if not self._require("open_hours_per_day", "open_days_per_week"):
            return False
        try:
            weights = parse_hourly_weights(data.get("hourly_weights"))
        except ValidationError as exc:
            self.add_error("hourly_weights", exc.messages)
            return False
        data["hourly_weights"] = weights
        return OpenHours(
            channel=Channel(data["channel"]),
            open_hours_per_day=data["open_hours_per_day"],
            open_days_per_week=data["open_days_per_week"],
            hourly_weights=tuple(weights) or None,
            service_level_pct=data["service_level_pct"],
            answer_seconds=data["answer_seconds"],
            concurrency=data["concurrency"],
            max_occupancy_pct=data["max_occupancy_pct"],
        )

    def _build(self, data: dict[str, Any]) -> None:
        if data["volume_basis"] == self.VOLUME_FROM_VISITORS:
            if not self._require("visitors_per_day", "chat_rate_pct"):
                return
            volume = chat_volume_per_month(
                visitors_per_day=data["visitors_per_day"], chat_rate_pct=data["chat_rate_pct"]
            )
        else:
            if not self._require("volume_per_month"):
                return
            volume = data["volume_per_month"]
        if data["hours_basis"] == self.HOURS_PER_YEAR:
            if not self._require("productive_hours_per_year"):
                return
            hours = productive_hours_per_month_from_year(data["productive_hours_per_year"])
        else:
            if not self._require("productive_hours_per_month"):
                return
            hours = data["productive_hours_per_month"]

        open_hours = self._open_hours(data)
        if open_hours is False:
            return
        data["workload"] = Workload(
            volume_per_month=volume,
            aht_minutes=data["aht_minutes"],
            productive_hours_per_fte_month=hours,
            coverage_hours_per_week=data["coverage_hours_per_week"],
            automation_deflection_pct=data["automation_deflection_pct"],
            open_hours=open_hours,
        )
        data["transition_months"] = data.get("transition_months") or 0
        data["in_house"] = InHouse(
            fte=data["in_house_fte"] or None,
            gross_salary_month=data["gross_salary_month"],
            employer_costs_pct=data["employer_costs_pct"],
            overhead_per_fte_month=data["overhead_per_fte_month"],
            licences_per_fte_month=data["licences_per_fte_month"],
            absence_pct=data["absence_pct"],
            one_time=data["in_house_one_time"],
            live_staffing=data.get("live_staffing") or "dedicated",
            hours_per_week=data.get("hours_per_week") or Decimal(40),
            shrinkage_pct=data.get("shrinkage_pct") or Decimal(0),
        )
        try:
            fees = parse_other_fees(data.get("other_fees"))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    self.add_error("other_fees", message)
            return
        data["offer"] = VendorOffer(
            **{name: data[name] for name in self.VENDOR_FIELDS},
            other_fees=tuple(
                OtherFee(label=f["label"], amount=Decimal(f["amount"]), per=FeePer(f["per"]))
                for f in fees
            ),
        )
        factors = {}
        for name in SCENARIO_NAMES:
            try:
                factors[name] = ScenarioFactors(
                    volume=data[f"{name}_volume"], aht=data[f"{name}_aht"]
                )
            except EngineInputError as exc:
                part = "volume" if exc.field.endswith("volume") else "aht"
                self.add_error(f"{name}_{part}", engine_error_text(exc))
                return
        data["scenario_factors"] = factors


class TermForm(forms.Form):
    """The comparison's term, 12–24 months (GET)."""

    months = forms.TypedChoiceField(label=_("Term (months)"), choices=TERM_CHOICES, coerce=int)


class StaffingForm(EngineErrorsMixin, forms.Form):
    """Erlang C for one live channel (docs/domain.md §1). Used twice, with prefix chat/phone."""

    contacts_per_interval = _decimal(_("Contacts per interval"), min_value=0)
    interval_minutes = _decimal(_("Interval (minutes)"), min_value=0, max_value=Decimal(1440))
    aht_seconds = _decimal(_("Handle time (seconds)"), min_value=0)
    target_service_level_pct = _percentage(_("Service level target (%)"))
    target_answer_seconds = _decimal(_("Answered within (seconds)"), min_value=0)
    max_occupancy_pct = _percentage(
        _("Maximum occupancy (%)"), required=False, help_text=_("Empty: no cap.")
    )
    shrinkage_pct = _percentage(
        _("Shrinkage (%)"), help_text=_("Breaks, training, absence: time not on the queue.")
    )
    concurrency = _decimal(
        _("Contacts at once"),
        min_value=0,
        max_value=Decimal(20),
        help_text=_("1 for phone; chat: 2 chats ≈ 1.7, 3 ≈ 2.5."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_conventions(self)

    DEFAULTS: Mapping[str, Mapping[str, Decimal]] = {
        # callcentrehelper.com's worked example: 14 agents, 20.00 FTE.
        "phone": {
            "contacts_per_interval": Decimal(100),
            "interval_minutes": Decimal(30),
            "aht_seconds": Decimal(180),
            "target_service_level_pct": Decimal(80),
            "target_answer_seconds": Decimal(20),
            "max_occupancy_pct": Decimal(85),
            "shrinkage_pct": Decimal(30),
            "concurrency": Decimal(1),
        },
        # Whitepaper: a chat takes at least 10 minutes; two chats at once ≈ 1.7.
        "chat": {
            "contacts_per_interval": Decimal(20),
            "interval_minutes": Decimal(30),
            "aht_seconds": Decimal(600),
            "target_service_level_pct": Decimal(80),
            "target_answer_seconds": Decimal(60),
            "max_occupancy_pct": Decimal(85),
            "shrinkage_pct": Decimal(30),
            "concurrency": Decimal("1.7"),
        },
    }

    @classmethod
    def default_data(
        cls, prefix: str, calculator: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The panel's starting values. With the calculator's own inputs (volume, AHT, open
        hours) the interval is one open hour and its contacts those of an average one:
        volume / (days × 4.2 × hours a day)."""
        values = dict(cls.DEFAULTS[prefix])
        if calculator is not None:
            values.update(cls.from_calculator(prefix, calculator))
        return {f"{prefix}-{name}": value for name, value in values.items()}

    @staticmethod
    def from_calculator(prefix: str, calculator: Mapping[str, Any]) -> dict[str, Any]:
        try:
            volume = Decimal(str(calculator["volume_per_month"]))
            aht = Decimal(str(calculator["aht_minutes"]))
            hours = Decimal(str(calculator["open_hours_per_day"]))
            days = Decimal(str(calculator["open_days_per_week"]))
        except (KeyError, ArithmeticError, ValueError):
            return {}
        if hours <= 0 or days <= 0:
            return {}
        channel = Channel(prefix)
        per_hour = volume / (days * WEEKS_PER_MONTH * hours)
        return {
            "contacts_per_interval": per_hour.quantize(Decimal("0.01")),
            "interval_minutes": Decimal(60),
            "aht_seconds": aht * 60,
            "target_service_level_pct": Decimal(80),
            "target_answer_seconds": DEFAULT_ANSWER_SECONDS[channel],
            "max_occupancy_pct": calculator.get("max_occupancy_pct") or "",
            "concurrency": DEFAULT_CONCURRENCY[channel],
        }
