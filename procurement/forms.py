"""Forms check and convert only (docs/style.md); the rules live in services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from common.forms import CHOOSE, NOT_ANSWERED, form_conventions
from common.strict import MAX_TEXT_LENGTH, StrictDecimalField, StrictIntegerField, strict_formfield
from costing.engine import CHECKLIST_KEYS

from .checks import GAP_LABELS
from .fees import other_fees_as_text, parse_other_fees
from .models import (
    LIVE_CHANNEL_VALUES,
    WEIGHT_KEYS,
    Channel,
    Invitation,
    InvitationStatus,
    PricingModel,
    Quote,
    QuoteStatus,
    Rfq,
    RiskItem,
    TestCase,
    Vendor,
)
from .quote_template import SECTIONS, SLA_FIELD_BY_CHANNEL, TEMPLATE_FIELDS
from .scope import parse_hourly_weights, weights_as_text
from .services import RFQ_FIELDS, VENDOR_FIELDS
from .standing import StandingNote, vendor_standings
from .validators import validate_offer_document, validate_quote_deadline_in_future

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(
    form: forms.Form, exc: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the field it names (or above the form)."""
    mapping = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in mapping.items():
        field = (rename or {}).get(field, field)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class AnsweredSelect(forms.NullBooleanSelect):
    """Yes / No / not answered: an unanswered GDPR question is a gap, not a "no"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", NOT_ANSWERED),
            ("true", _("Yes")),
            ("false", _("No")),
        ]


# --- vendors -------------------------------------------------------------------------------


class VendorForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        formfield_callback = strict_formfield
        fields = list(VENDOR_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class VendorUserForm(forms.Form):
    email = forms.EmailField(label=_("e-mail address"))
    full_name = forms.CharField(label=_("full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES, initial="nl")


# --- RFQs ----------------------------------------------------------------------------------

RFQ_FORM_SECTIONS = (
    (_("Request"), ("title", "reference", "description", "quote_deadline")),
    (
        _("Opening hours, languages and term"),
        (
            "opens_at",
            "closes_at",
            "days_per_week",
            "languages",
            "term_months",
            "transition_months",
        ),
    ),
    (
        _("KPI targets for the pilot"),
        (
            "target_csat_pct",
            "target_frt_minutes",
            "target_aht_minutes",
            "target_fcr_pct",
            "target_cost_per_ticket",
        ),
    ),
    (
        _("In-house baseline"),
        (
            "ih_gross_salary_month",
            "ih_employer_costs_pct",
            "ih_overhead_per_fte_month",
            "ih_licences_per_fte_month",
            "ih_absence_pct",
            "ih_productive_hours_per_fte_month",
            "ih_one_time",
            "ih_fte",
            "ih_live_staffing",
            "ih_hours_per_week",
            "ih_shrinkage_pct",
            "own_management_per_month",
            "automation_deflection_pct",
            "strategic",
        ),
    ),
)


# The in-house live desk's settings (docs/domain.md §1) and the defaults an empty field takes.
LIVE_DESK_DEFAULTS = {
    "ih_live_staffing": "dedicated",
    "ih_hours_per_week": Decimal("40"),
    "ih_shrinkage_pct": Decimal("0"),
}


class RfqForm(forms.ModelForm):
    class Meta:
        model = Rfq
        formfield_callback = strict_formfield
        fields = list(RFQ_FIELDS)
        localized_fields = "__all__"
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "quote_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "reference": _("Leave empty to number it automatically."),
            "closes_at": _("00:00 means midnight."),
            "automation_deflection_pct": _(
                "Share of simple questions FAQ bots and scripts take: typically 30–40%."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_conventions(self)
        self.fields["reference"].required = False
        self.fields["transition_months"].required = False
        # docs/domain.md §1's live-desk settings: empty takes the default their help text states.
        for name in LIVE_DESK_DEFAULTS:
            self.fields[name].required = False
        self.fields["quote_deadline"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        self.fields["quote_deadline"].localize = False
        self.fields["quote_deadline"].widget.is_localized = False
        for name in ("opens_at", "closes_at"):
            self.fields[name].localize = False
            self.fields[name].widget.is_localized = False

    def clean_quote_deadline(self):
        # Checked here too, so a past deadline shows with the other errors, not after them.
        deadline = self.cleaned_data.get("quote_deadline")
        if self.instance.pk is None or deadline != self.instance.quote_deadline:
            validate_quote_deadline_in_future(deadline)
        return deadline

    def clean_transition_months(self) -> int:
        return self.cleaned_data.get("transition_months") or 0

    def clean(self):
        data = super().clean()
        for name, default in LIVE_DESK_DEFAULTS.items():
            if name in data and data[name] in (None, ""):
                data[name] = default
        return data

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in RFQ_FORM_SECTIONS]


class ChannelForm(forms.Form):
    """One channel of the scope; the RFQ form shows one per channel (e-mail, chat, phone).
    A live channel (chat, phone) also takes its queue settings (docs/domain.md §1): contacts an
    agent carries at once, the service level, the answer time and optional hourly weights."""

    BASE_FIELDS = ("volume_per_month", "aht_minutes", "sla_response_minutes")
    LIVE_FIELDS = ("concurrency", "service_level_pct", "answer_seconds", "hourly_weights")

    included = forms.BooleanField(label=_("In scope"), required=False)
    volume_per_month = StrictIntegerField(label=_("volume a month"), min_value=1, required=False)
    aht_minutes = StrictDecimalField(
        label=_("handle time (min)"),
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        required=False,
        localize=True,
    )
    sla_response_minutes = StrictDecimalField(
        label=_("required response time (min)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=False,
        localize=True,
    )
    concurrency = StrictDecimalField(
        label=_("contacts an agent carries at once"),
        min_value=Decimal("0.01"),
        max_value=Decimal(20),
        max_digits=4,
        decimal_places=2,
        required=False,
        localize=True,
        help_text=_("Empty: 1 for phone, 1.7 for chat (two chats at once)."),
    )
    service_level_pct = StrictDecimalField(
        label=_("service level target (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("99.99"),
        max_digits=5,
        decimal_places=2,
        required=False,
        localize=True,
        help_text=_("Empty: 80%."),
    )
    answer_seconds = StrictDecimalField(
        label=_("answered within (seconds)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=False,
        localize=True,
        help_text=_("Empty: 20 s for phone, 60 s for chat."),
    )
    hourly_weights = forms.CharField(
        label=_("hourly weights"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional: one number per open hour, from your own hourly history (paste a column "
            "from a spreadsheet). Empty: the contacts spread equally over the open hours."
        ),
    )

    def __init__(self, *args, channel: str, **kwargs):
        kwargs.setdefault("prefix", channel)
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.channel_label = Channel(channel).label
        self.is_live = channel in LIVE_CHANNEL_VALUES
        if not self.is_live:
            for name in self.LIVE_FIELDS:
                del self.fields[name]
        self.error_summary_prefix = self.channel_label  # "Phone — Volume a month: …"
        form_conventions(self)
        for name, field in self.fields.items():
            if name == "included":
                field.widget.attrs["class"] = "form-check-input"
                continue
            field.widget.attrs.update(
                {
                    "class": "form-control form-control-sm",
                    "aria-label": f"{self.channel_label}: {field.label}",
                }
            )
            if name != "hourly_weights":
                field.widget.attrs["inputmode"] = "decimal"

    def base_fields_bound(self):
        return [self[name] for name in self.BASE_FIELDS]

    def live_fields_bound(self):
        return [self[name] for name in self.LIVE_FIELDS if name in self.fields]

    def clean_hourly_weights(self) -> list[Decimal]:
        # A pasted column is normalised here; its count is checked against the RFQ's open
        # hours by the service (one rule, shared with the API).
        return parse_hourly_weights(self.cleaned_data.get("hourly_weights"))

    def clean(self):
        data = super().clean()
        if data.get("included"):
            for name in ("volume_per_month", "aht_minutes"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Required for a channel in scope."))
        return data

    def as_row(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("included"):
            return None
        row = {
            "channel": self.channel,
            "volume_per_month": self.cleaned_data["volume_per_month"],
            "aht_minutes": self.cleaned_data["aht_minutes"],
            "sla_response_minutes": self.cleaned_data.get("sla_response_minutes"),
        }
        if self.is_live:
            for name in self.LIVE_FIELDS:
                row[name] = self.cleaned_data.get(name)
        return row


def channel_forms(data=None, rfq: Rfq | None = None) -> list[ChannelForm]:
    existing = {c.channel: c for c in rfq.channels.all()} if rfq and rfq.pk else {}
    forms_ = []
    for channel in Channel.values:
        row = existing.get(channel)
        initial = (
            {
                "included": True,
                "volume_per_month": row.volume_per_month,
                "aht_minutes": row.aht_minutes,
                "sla_response_minutes": row.sla_response_minutes,
                "concurrency": row.concurrency,
                "service_level_pct": row.service_level_pct,
                "answer_seconds": row.answer_seconds,
                "hourly_weights": weights_as_text(row.hourly_weights),
            }
            if row
            else {}
        )
        forms_.append(ChannelForm(data, channel=channel, initial=initial))
    return forms_


def add_channel_errors(
    form: forms.Form, channels: list[ChannelForm], exc: ValidationError
) -> ValidationError | None:
    """Put a service's `channels.<i>.<field>` errors on the channel form they concern (the
    i-th channel in scope); returns the rest for the RFQ form, or None."""
    if not hasattr(exc, "error_dict"):
        return exc
    in_scope = [c for c in channels if c.cleaned_data.get("included")]
    rest: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "channels" and len(parts) == 3 and parts[1].isdigit():
            index, field = int(parts[1]), parts[2]
            if index < len(in_scope) and field in in_scope[index].fields:
                for message in messages:
                    in_scope[index].add_error(field, message)
                continue
        rest[key] = messages
    return ValidationError(rest) if rest else None


INVITE_PICKER_LIMIT = 24  # vendors shown at once; a search finds the others


class InviteForm(forms.Form):
    """The vendors to invite. The field validates posted ids against every vendor that may be
    invited (in SQL); the page shows only the first `limit` of them by name that match
    `search`, plus the ones already ticked: a page for 3 vendors or 30,000 alike."""

    vendors = forms.ModelMultipleChoiceField(
        label=_("Vendors"),
        queryset=Vendor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one vendor.")},
    )

    def __init__(self, *args, queryset, search: str = "", chosen=(), limit=INVITE_PICKER_LIMIT, **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        field = self.fields["vendors"]
        field.queryset = queryset
        self.search = search.strip()[:200]
        matching = queryset.filter(name__icontains=self.search) if self.search else queryset
        ticked = [int(v) for v in chosen if str(v).isdigit()]
        shown = list(matching[:limit])
        shown_ids = {v.pk for v in shown}
        extra = [v for v in queryset.filter(pk__in=ticked) if v.pk not in shown_ids]
        self.shown = sorted([*extra, *shown], key=lambda v: (v.name.lower(), v.pk))
        self.shown_matching = len(shown)
        self.matching_count = len(shown) if len(shown) < limit else matching.count()
        self.initial.setdefault("vendors", ticked)
        field.widget.choices = [(v.pk, self._label(v)) for v in self.shown]

    @property
    def has_more(self) -> bool:
        return self.matching_count > self.shown_matching

    @staticmethod
    def _label(vendor: Vendor) -> str:
        return f"{vendor.name} ({vendor.get_region_display()}, {vendor.country})"

    def vendor_rows(self) -> list[tuple[Any, list[StandingNote]]]:
        """Each checkbox shown with the vendor's standing (docs/domain.md §6: shown where it is
        picked)."""
        choices = list(self["vendors"])
        standings = vendor_standings(int(str(c.data["value"])) for c in choices)
        return [(c, standings.get(int(str(c.data["value"])), [])) for c in choices]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


# --- quotes --------------------------------------------------------------------------------


class QuoteForm(forms.ModelForm):
    """The standard quote template, section by section (quote_template.SECTIONS)."""

    offer_document = forms.FileField(
        label=_("offer document (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("PDF, at most 10 MB. A new upload replaces the current document."),
    )

    class Meta:
        model = Quote
        formfield_callback = strict_formfield
        fields = list(TEMPLATE_FIELDS)
        localized_fields = "__all__"
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "penalties",
                "disaster_recovery",
                "volume_commitment",
                "performance_based_pricing",
                "data_return",
                "escalation_routes",
                "access_levels",
                "notes",
            )
        } | {
            name: AnsweredSelect()
            for name in (
                "dpa",
                "encryption_at_rest",
                "encryption_in_transit",
                "audit_rights",
                "incident_response_plan",
            )
        }

    other_fees = forms.CharField(
        label=_("other fees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One fee a line: label; amount; month or once. "
            "For example: Reporting module; 250; month"
        ),
    )

    def __init__(self, *args, rfq: Rfq, hide_answers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        form_conventions(self)
        if self.instance.pk and "other_fees" not in self.initial:
            self.initial["other_fees"] = other_fees_as_text(self.instance.other_fees)
        elif isinstance(self.initial.get("other_fees"), list):
            self.initial["other_fees"] = other_fees_as_text(self.initial["other_fees"])
        self.fields["onboarding_hourly_rate"].help_text = _(
            "Prices the onboarding and training hours; empty: the hourly rate; 0 when they are "
            "included in the onboarding fee."
        )
        self.rfq = rfq
        in_scope = {c.channel for c in rfq.channels.all()}
        for channel, field in SLA_FIELD_BY_CHANNEL.items():
            if channel not in in_scope:
                del self.fields[field]
        self.fields["pricing_model"].choices = [
            ("", CHOOSE),
            *PricingModel.choices,
        ]
        # Pilot step 2: the RFQ's test cases are answered in the quote itself. Left out for
        # the buyer while the blind review runs (issue 21): nothing pairs answers with a vendor.
        self.test_cases = (
            []
            if hide_answers
            else add_test_case_fields(
                self, rfq=rfq, quote=self.instance if self.instance.pk else None
            )
        )

    def clean_other_fees(self) -> list[dict[str, str]]:
        try:
            return parse_other_fees(self.cleaned_data.get("other_fees"))
        except ValidationError as exc:
            messages = []
            for key, texts in exc.message_dict.items():
                parts = key.split(".")
                for text in texts:
                    if len(parts) == 3:
                        text = _("Line %(line)s: %(error)s") % {
                            "line": int(parts[1]) + 1,
                            "error": text,
                        }
                    messages.append(text)
            raise ValidationError(messages) from exc

    def clean_offer_document(self):
        upload = self.cleaned_data.get("offer_document")
        if upload:
            validate_offer_document(upload)
        return upload or None

    def template_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TEMPLATE_FIELDS if name in self.fields}

    def test_case_answers(self) -> dict[int, str]:
        return {tc.pk: self.cleaned_data[f"answer_{tc.pk}"] for tc in self.test_cases}

    def test_case_fields(self):
        return [self[f"answer_{tc.pk}"] for tc in self.test_cases]

    def sections(self):
        return [
            (section, [self[name] for name in section.fields if name in self.fields])
            for section in SECTIONS
        ]


class ProcurementQuoteForm(QuoteForm):
    """Procurement enters a quote it received for an invited vendor."""

    vendor = forms.ModelChoiceField(label=_("vendor"), queryset=Vendor.objects.none())

    def __init__(self, *args, rfq: Rfq, **kwargs):
        super().__init__(*args, rfq=rfq, **kwargs)
        invited = Invitation.objects.filter(rfq=rfq).exclude(status=InvitationStatus.DECLINED)
        submitted = Quote.objects.filter(rfq=rfq, status=QuoteStatus.SUBMITTED)
        self.fields["vendor"].queryset = (
            Vendor.objects.filter(pk__in=invited.values("vendor_id"))
            .exclude(pk__in=submitted.values("vendor_id"))
            .order_by("name")
        )


class RiskItemForm(forms.ModelForm):
    class Meta:
        model = RiskItem
        formfield_callback = strict_formfield
        fields = ["name", "probability_pct", "impact"]
        localized_fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_conventions(self)


STATE_LABELS = {
    "invited": _("Invited"),
    "viewed": _("Viewed"),
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    "declined": _("Declined"),
}


# --- best value: weights, must-haves, test cases, ratings, award (docs/domain.md §4) -------------

WEIGHT_LABELS = {
    "cost": _("Cost"),
    "service": _("Service levels"),
    "compliance": _("Compliance"),
    "scalability": _("Scalability"),
    "risk": _("Risk"),
    "test_cases": _("Test cases"),
}


class CriteriaForm(forms.Form):
    """The RFQ's weights (whole numbers summing to 100) and its must-haves."""

    must_haves = forms.MultipleChoiceField(
        label=_("Must-haves"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A quote that leaves one of these open is excluded: never the best value, and "
            "awarded only with a written reason."
        ),
    )

    def __init__(self, *args, rfq: Rfq, **kwargs):
        kwargs.setdefault(
            "initial",
            {**{f"weight_{k}": v for k, v in rfq.weights.items()}, "must_haves": rfq.must_haves},
        )
        super().__init__(*args, **kwargs)
        for key in WEIGHT_KEYS:
            self.fields[f"weight_{key}"] = StrictIntegerField(
                label=WEIGHT_LABELS[key], min_value=0, max_value=100
            )
        self.fields["must_haves"].choices = [(key, GAP_LABELS[key]) for key in CHECKLIST_KEYS]
        self.order_fields([*(f"weight_{k}" for k in WEIGHT_KEYS), "must_haves"])

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in WEIGHT_KEYS]

    def clean(self):
        data = super().clean()
        weights = {key: data.get(f"weight_{key}") for key in WEIGHT_KEYS}
        if None not in weights.values():
            total = sum(weights.values())
            if total != 100:
                self.add_error(
                    None,
                    _("The weights must add up to 100; they add up to %(total)s.")
                    % {"total": total},
                )
        return data

    @property
    def weights(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"weight_{key}"] for key in WEIGHT_KEYS}


class TestCaseForm(forms.ModelForm):
    class Meta:
        model = TestCase
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


def add_test_case_fields(form: forms.Form, *, rfq: Rfq, quote: Quote | None) -> list[TestCase]:
    """One text area per test case of the RFQ (`answer_<id>`), with the quote's answers."""
    test_cases = list(rfq.test_cases.all())
    current = {a.test_case_id: a.answer for a in quote.test_case_answers.all()} if quote else {}
    for test_case in test_cases:
        form.fields[f"answer_{test_case.pk}"] = forms.CharField(
            label=test_case.title,
            # User text: escaped here too, whatever renders the help text (Django's own
            # field templates mark help texts safe).
            help_text=escape(test_case.description),
            required=False,
            max_length=10000,
            initial=current.get(test_case.pk, ""),
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    return test_cases


class TestCaseAnswersForm(forms.Form):
    """The quote's answers to the RFQ's test cases, on their own page."""

    def __init__(self, *args, quote: Quote, hide_answers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.test_cases = (
            [] if hide_answers else add_test_case_fields(self, rfq=quote.rfq, quote=quote)
        )

    @property
    def answers(self) -> dict[int, str]:
        return {tc.pk: self.cleaned_data[f"answer_{tc.pk}"] for tc in self.test_cases}


RATING_CHOICES = [("", _("Not rated")), *((str(n), str(n)) for n in range(1, 6))]


class RatingsForm(forms.Form):
    """The blind review: one 1–5 choice per answer (field `rating_<opaque ref>`: the page
    shows no answer id, which would tell the order the vendors answered in)."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)  # selectors.ReviewAnswer
        for item in self.items:
            answer = item.answer
            self.fields[f"rating_{item.ref}"] = forms.TypedChoiceField(
                label=_("Rating"),
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=answer.rating,
            )

    def ratings_by_quote(self) -> dict[Quote, dict[int, int | None]]:
        result: dict[int, tuple[Quote, dict[int, int | None]]] = {}
        for item in self.items:
            answer = item.answer
            _quote, ratings = result.setdefault(answer.quote_id, (answer.quote, {}))
            ratings[answer.test_case_id] = self.cleaned_data[f"rating_{item.ref}"]
        return dict(result.values())


class AwardProposeForm(forms.Form):
    quote = forms.ModelChoiceField(label=_("Quote to award"), queryset=Quote.objects.none())
    reason = forms.CharField(
        label=_("Why this quote"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    override_reason = forms.CharField(
        label=_("Reason to award it anyway"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
        help_text=_("Required when the quote is excluded or not the best value."),
    )

    def __init__(self, *args, rfq: Rfq, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = Quote.objects.filter(
            rfq=rfq, status=QuoteStatus.SUBMITTED
        ).select_related("vendor")
        self.fields["quote"].label_from_instance = lambda q: f"{q.vendor.name} (rev. {q.revision})"


class AwardDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
