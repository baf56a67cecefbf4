"""Forms check and convert only (STYLE.md); the rules of a KPI day live in
`pilots.kpi_days.KpiDayForm`, the other rules in `services`."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common.dates import SaneDateField
from common.forms import form_conventions
from common.strict import StrictDecimalField, StrictIntegerField
from procurement.models import Channel, Quote, QuoteStatus, Vendor
from procurement.widgets import VendorSearchSelect

from .csv_import import MAX_ROWS
from .kpi_days import (
    MAX_AHT_MINUTES,
    MAX_FRT_MINUTES,
    MAX_NOTE_LENGTH,
    MAX_TICKETS_PER_DAY,
    KpiDayForm,
    KpiPeriod,
)
from .models import TARGET_FIELDS, Pilot, PilotStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _decimal_field(label: str, help_text: str = "", required: bool = True) -> forms.DecimalField:
    # localize: a Dutch user types 35,5.
    return StrictDecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _grouped(value: int | Decimal) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


class KpiEntryForm(KpiDayForm):
    """The KPI entry page: `KpiDayForm` (every rule of a valid day) with its layout and the
    period's dates and caps in the help texts. Saving a day that has an entry edits it."""

    def __init__(self, *args, period: KpiPeriod, **kwargs):
        super().__init__(*args, period=period, **kwargs)
        correcting = self.may_correct_final and getattr(period, "final_until", None) is not None
        if not correcting:
            del self.fields["reason"]  # asked only of procurement once days are final
        end = period.end_date
        self.fields["day"].widget = DateInput(
            attrs={"min": period.start_date.isoformat(), "max": end.isoformat()}
        )
        self.fields["day"].help_text = _(
            "A day of the pilot (%(start)s – %(end)s), today or earlier."
        ) % {
            "start": date_format(period.start_date, "DATE_FORMAT"),
            "end": date_format(end, "DATE_FORMAT"),
        }
        final_until = getattr(period, "final_until", None)
        if final_until is not None:
            self.fields["day"].help_text = _(
                "%(help)s Days up to %(final)s are final: the decision was based on them."
            ) % {
                "help": self.fields["day"].help_text,
                "final": date_format(final_until, "DATE_FORMAT"),
            }
        self.fields["frt_minutes"].help_text = _(
            "Average over the day's tickets; at most %(max)s minutes."
        ) % {"max": _grouped(MAX_FRT_MINUTES)}
        self.fields["aht_minutes"].help_text = _(
            "Average over the day's tickets; at most %(max)s minutes."
        ) % {"max": _grouped(MAX_AHT_MINUTES)}
        self.fields["tickets"].help_text = _("Tickets handled on the day; at most %(max)s.") % {
            "max": _grouped(MAX_TICKETS_PER_DAY)
        }
        self.fields["note"].widget.attrs["maxlength"] = MAX_NOTE_LENGTH
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("day", css_class="col-md-6")),
            Row(
                Column("tickets", css_class="col-md-4"),
                Column("csat_responses", css_class="col-md-4"),
                Column("csat_positive", css_class="col-md-4"),
            ),
            Row(
                Column("frt_minutes", css_class="col-md-4"),
                Column("aht_minutes", css_class="col-md-4"),
                Column("fcr_resolved", css_class="col-md-4"),
            ),
            Row(Column("cost", css_class="col-md-4"), Column("qa_sampled", css_class="col-md-8")),
            "note",
            *(["reason"] if correcting else []),
        )


class KpiCsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        allow_empty_file=True,  # the parser says "The file is empty." in its own words
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy string formatted at import would be English only.
        self.fields["file"].help_text = _(
            "UTF-8, separated by commas or semicolons, at most 1 MB and %(rows)s rows."
        ) % {"rows": MAX_ROWS}


def _manager_queryset():
    return User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True).order_by(
        "full_name", "email"
    )


class QuoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quote: Quote) -> str:
        return f"{quote.vendor.name} — {quote.rfq.reference} {quote.rfq.title}"


class PilotForm(forms.Form):
    """A pilot: from a quote (`?quote=<id>` prefills) or for a vendor directly."""

    quote = QuoteChoiceField(
        label=_("Quote"),
        queryset=Quote.objects.none(),
        required=False,
        help_text=_("Optional: the awarded quote this pilot tests."),
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.order_by("name"), widget=VendorSearchSelect
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    start_date = SaneDateField(
        label=_("Start date (day 1)"),
        widget=DateInput(),
        help_text=_("May lie in the past, for a pilot recorded after it began."),
    )
    length_days = StrictIntegerField(
        label=_("Length (days)"),
        initial=90,
        help_text=_("30 to 90 days. The decision checkpoint is day 60 (or the last day)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    target_csat_pct = _decimal_field(
        capfirst(Pilot._meta.get_field("target_csat_pct").verbose_name)
    )
    target_frt_minutes = _decimal_field(
        capfirst(Pilot._meta.get_field("target_frt_minutes").verbose_name)
    )
    target_aht_minutes = _decimal_field(
        capfirst(Pilot._meta.get_field("target_aht_minutes").verbose_name)
    )
    target_fcr_pct = _decimal_field(capfirst(Pilot._meta.get_field("target_fcr_pct").verbose_name))
    target_cost_per_ticket = _decimal_field(
        capfirst(Pilot._meta.get_field("target_cost_per_ticket").verbose_name)
    )
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers to inform"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every manager."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_conventions(self)
        self.fields["quote"].queryset = (
            Quote.objects.filter(status=QuoteStatus.SUBMITTED)
            .select_related("vendor", "rfq")
            .order_by("-rfq__created_at", "vendor__name")
        )
        self.fields["managers"].queryset = _manager_queryset()
        self.fields["target_csat_pct"].initial = Decimal("85")
        self.fields["target_frt_minutes"].initial = Decimal("60")
        self.fields["target_fcr_pct"].initial = Decimal("70")

    def targets(self) -> dict[str, Decimal | None]:
        return {key: self.cleaned_data.get(name) for key, name in TARGET_FIELDS.items()}


class PilotFilterForm(forms.Form):
    """The manager's pilot list filters (GET)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(PilotStatus.choices), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All"))] + list(Channel.choices), required=False
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        queryset=Vendor.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=VendorSearchSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
