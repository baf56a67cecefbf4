"""Forms check and convert only (docs/style.md); the rules live in `services`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.dates import SaneDateField
from common.strict import StrictIntegerField
from kpis.forms import (
    DateInput,
    KpiEntryForm,
    TrackedKpisForm,
    extra_target_fields,
    must_meet_field,
)
from kpis.forms import decimal_field as _decimal_field
from kpis.models import TARGET_FIELDS
from pilots.forms import QuoteChoiceField
from pilots.models import Pilot
from procurement.models import Channel, Quote, QuoteStatus, Vendor

from .models import Contract, ContractStatus, ReviewKind
from .validators import (
    ACTION_TEXT_MAX,
    ATTENDEES_MAX,
    NO_SUCH_PILOT,
    NOTES_MAX,
    OWNER_MAX,
    TextValidator,
    validate_months,
    validate_percentage,
)


def _label(name: str) -> str:
    return capfirst(Contract._meta.get_field(name).verbose_name)


class ContractForm(TrackedKpisForm):
    """A contract for a vendor and channel; `?pilot=` or `?quote=` prefills it."""

    pilot = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quote = QuoteChoiceField(
        label=_("Quote"),
        queryset=Quote.objects.none(),
        required=False,
        help_text=_("Optional: the awarded quote the contract follows."),
    )
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    start_date = SaneDateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("May lie in the past, for a contract recorded after it began."),
    )
    months = StrictIntegerField(
        label=_("Term (months)"),
        initial=12,
        validators=[validate_months],  # the API's words (contracts.validators)
        help_text=_("1 to 60 months. Every calendar month in the term gets a scorecard."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    target_csat_pct = _decimal_field(_label("target_csat_pct"))
    target_frt_minutes = _decimal_field(_label("target_frt_minutes"))
    target_aht_minutes = _decimal_field(_label("target_aht_minutes"))
    target_fcr_pct = _decimal_field(_label("target_fcr_pct"))
    target_cost_per_ticket = _decimal_field(_label("target_cost_per_ticket"))
    # The KPI library (docs/domain.md §5, §6): the pilot form's extras and must-meet choice.
    vars().update(extra_target_fields())
    must_meet = must_meet_field(
        _(
            "A must-meet KPI missed in a month adds one more credit step, whatever the count. "
            "Only KPIs the contract tracks."
        )
    )
    monthly_charge = _decimal_field(
        _label("monthly_charge"),
        _(
            "What the vendor bills a month for this channel. Empty with a quote: the quote's "
            "monthly charge for the channel. Service credits are a share of it."
        ),
        required=False,
    )
    credit_pct_per_missed_kpi = _decimal_field(
        _label("credit_pct_per_missed_kpi"),
        _("Percent of the monthly charge credited for each KPI missed."),
    )
    credit_cap_pct = _decimal_field(
        _label("credit_cap_pct"),
        _("The most a month's credit may be, in percent of the monthly charge."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = (
            Quote.objects.filter(status=QuoteStatus.SUBMITTED)
            .select_related("vendor", "rfq")
            .order_by("-rfq__created_at", "vendor__name")
        )
        self.fields["monthly_charge"].validators += [MinValueValidator(0)]
        for name in ("credit_pct_per_missed_kpi", "credit_cap_pct"):
            # Checked here too, so a submit shows every error at once.
            self.fields[name].initial = Decimal(0)
            self.fields[name].validators += [validate_percentage]

    def clean_pilot(self) -> Pilot | None:
        # The hidden `pilot` names the pilot the contract follows: one that does not exist
        # is an error, as in the API (never silently a contract without its pilot).
        pilot_id = self.cleaned_data.get("pilot")
        if pilot_id is None:
            return None
        pilot = Pilot.objects.select_related("vendor", "quote").filter(pk=pilot_id).first()
        if pilot is None:
            raise forms.ValidationError(str(NO_SUCH_PILOT), code="no_pilot")
        return pilot

    def clean(self):
        data = super().clean()
        # Without a quote (or a pilot, whose quote the service reads) there is nothing to take
        # the monthly charge from: said here too, so a submit shows every error at once.
        no_source = not data.get("quote") and not data.get("pilot")
        if no_source and data.get("monthly_charge") is None and "monthly_charge" not in self.errors:
            self.add_error("monthly_charge", gettext("Enter what the vendor bills a month."))
        return data

    def targets(self) -> dict[str, Decimal | None]:
        return {key: self.cleaned_data.get(name) for key, name in TARGET_FIELDS.items()}


class ContractStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ContractStatus.choices)


class ReviewForm(forms.Form):
    # Each field's check is the API's (contracts.validators); the service checks the date
    # lies within the contract, for both.
    date = SaneDateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    attendees = forms.CharField(
        label=_("Attendees"),
        validators=[TextValidator(ATTENDEES_MAX)],
        help_text=_("Names, separated by commas."),
    )
    notes = forms.CharField(
        label=_("Notes (internal)"),
        required=False,
        validators=[TextValidator(NOTES_MAX, lines=True)],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Never shown to the vendor."),
    )


class ActionForm(forms.Form):
    text = forms.CharField(
        label=_("Action"), required=False, validators=[TextValidator(ACTION_TEXT_MAX)]
    )
    owner = forms.CharField(label=_("Owner"), required=False, validators=[TextValidator(OWNER_MAX)])
    due_date = SaneDateField(label=_("Due date"), widget=DateInput(), required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(name) for name in ("text", "owner", "due_date"))


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=50, absolute_max=50)


class ContractKpiEntryForm(KpiEntryForm):
    """The pilots' KPI entry form (the one validator, `KpiDayForm`) worded for a contract."""

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, period=period, **kwargs)
        self.fields["day"].help_text = gettext(
            "A day of the contract (%(start)s – %(end)s), today or earlier."
        ) % {
            "start": date_format(period.start_date, "DATE_FORMAT"),
            "end": date_format(period.end_date, "DATE_FORMAT"),
        }
        self.fields["cost"].help_text = gettext("The day's total cost for this contract, in euros.")
