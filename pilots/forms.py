"""Forms check and convert only (docs/style.md); the rules of a KPI day live in
`kpis.days.KpiDayForm`, the other rules in `services`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common.dates import SaneDateField
from common.forms import form_conventions
from common.strict import StrictIntegerField
from kpis.forms import (
    DateInput,
    TrackedKpisForm,
    decimal_field,
    extra_target_fields,
    must_meet_field,
)
from kpis.models import TARGET_FIELDS
from procurement.models import Channel, Quote, QuoteStatus, Vendor
from procurement.widgets import VendorSearchSelect

from .models import Pilot, PilotStatus


def _manager_queryset():
    return User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True).order_by(
        "full_name", "email"
    )


class QuoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quote: Quote) -> str:
        return f"{quote.vendor.name} — {quote.rfq.reference} {quote.rfq.title}"


class PilotForm(TrackedKpisForm):
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
    target_csat_pct = decimal_field(capfirst(Pilot._meta.get_field("target_csat_pct").verbose_name))
    target_frt_minutes = decimal_field(
        capfirst(Pilot._meta.get_field("target_frt_minutes").verbose_name)
    )
    target_aht_minutes = decimal_field(
        capfirst(Pilot._meta.get_field("target_aht_minutes").verbose_name)
    )
    target_fcr_pct = decimal_field(capfirst(Pilot._meta.get_field("target_fcr_pct").verbose_name))
    target_cost_per_ticket = decimal_field(
        capfirst(Pilot._meta.get_field("target_cost_per_ticket").verbose_name)
    )
    # The KPI library (docs/domain.md §5): an extra KPI's target (empty: not tracked), one field
    # per extra of the KPI table; and the must-meet KPIs.
    vars().update(extra_target_fields())
    must_meet = must_meet_field(
        _(
            "A must-meet KPI missed at the decision checkpoint stops the pilot, whatever the "
            "count. Only KPIs the pilot tracks."
        )
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
