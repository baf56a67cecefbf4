"""The list filters of the procurement pages and the API (django-filter).

Each FilterSet narrows a selector's queryset (already scoped to the user, with its counts
annotated and relations prefetched), so filtering never adds a query. The URL parameters are
the filter names: `?q=…&status=…`. A value outside the choices is ignored, not an error.
"""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from costing.engine import RATE_BANDS

from .forms import STATE_LABELS
from .models import Invitation, PricingModel, Quote, QuoteStatus, Region, Rfq, RfqStatus, Vendor
from .selectors import INVITATION_STATES


def _search(*lookups: str):
    """A `method` for a CharFilter: the words match any of the lookups (icontains)."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{f"{lookup}__icontains": value})
        return queryset.filter(condition)

    return search


def rate_flag_q(code: str) -> Q:
    """Quotes whose rate lies outside their vendor's region band (docs/domain.md §2), as SQL."""
    condition = Q(pk__in=[])
    for region, bands in RATE_BANDS.items():
        for rate, band in bands.items():
            if code == "below_market":
                outside = Q(**{f"{rate}__lt": band.low})
            else:
                outside = Q(**{f"{rate}__gt": band.high})
            condition |= Q(vendor__region=region.value) & outside
    return condition


class RfqFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=_search("title", "reference", "description")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RfqStatus.choices, empty_label=_("All statuses")
    )
    mine = django_filters.BooleanFilter(
        label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Rfq
        fields: list[str] = []

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(owner=self.request.user) if value else queryset


class QuoteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=_search("vendor__name", "rfq__title", "rfq__reference")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=QuoteStatus.choices, empty_label=_("All statuses")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="vendor__region",
        choices=Region.choices,
        empty_label=_("All regions"),
    )
    pricing_model = django_filters.ChoiceFilter(
        label=_("Pricing model"), choices=PricingModel.choices, empty_label=_("All pricing models")
    )
    rate_flag = django_filters.ChoiceFilter(
        label=_("Rates"),
        method="filter_rate_flag",
        empty_label=_("All rates"),
        choices=[
            ("any", _("Outside the market band")),
            ("below_market", _("Below market")),
            ("above_market", _("Above market")),
        ],
    )

    class Meta:
        model = Quote
        fields: list[str] = []

    def filter_rate_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "any":
            return queryset.filter(rate_flag_q("below_market") | rate_flag_q("above_market"))
        return queryset.filter(rate_flag_q(value))


class VendorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=_search("name", "country", "contact_email")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Region.choices, empty_label=_("All regions")
    )
    certified = django_filters.ChoiceFilter(
        label=_("Certification"),
        method="filter_certified",
        empty_label=_("Any"),
        choices=[("iso27001", _("ISO 27001")), ("soc2", _("SOC 2")), ("none", _("None"))],
    )

    class Meta:
        model = Vendor
        fields: list[str] = []

    def filter_certified(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "iso27001":
            return queryset.filter(cert_iso27001=True)
        if value == "soc2":
            return queryset.filter(cert_soc2=True)
        return queryset.filter(cert_iso27001=False, cert_soc2=False, other_certifications="")


class PortalInvitationFilter(django_filters.FilterSet):
    """A vendor's own invitations; `state` is the annotation of selectors.portal_invitations."""

    q = django_filters.CharFilter(label=_("Search"), method=_search("rfq__title", "rfq__reference"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(code, STATE_LABELS[code]) for code in INVITATION_STATES],
        empty_label=_("All"),
    )

    class Meta:
        model = Invitation
        fields: list[str] = []
