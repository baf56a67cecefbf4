"""Reads for the costing pages and endpoints: a constant number of queries, whatever the
number of quotes (BRIEF: pages run a constant number of SQL queries)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from procurement.models import Quote, QuoteStatus, Rfq


def rfq_for_costing(*, pk: int) -> Rfq:
    """One RFQ with its scope's channels; 404 when it does not exist."""
    return get_object_or_404(Rfq.objects.prefetch_related("channels"), pk=pk)


def submitted_quotes_for_comparison(rfq: Rfq) -> QuerySet[Quote]:
    """Every submitted quote of the RFQ, with what the comparison reads about it: the
    vendor (name, region for the rate bands), the risk register and the RFQ's channels
    (the response-time-per-channel check). Ranking by TCO happens after pricing."""
    return (
        Quote.objects.filter(rfq=rfq, status=QuoteStatus.SUBMITTED)
        .select_related("vendor", "rfq")
        .prefetch_related("risks", "rfq__channels")
        .order_by("vendor__name", "pk")
    )


def quote_for_costing(*, pk: int) -> Quote:
    """A quote an internal user may price: submitted, or entered by procurement itself.
    A vendor's unsent draft is its own business until it submits (404, existence does
    not leak either)."""
    quotes = (
        Quote.objects.filter(Q(status=QuoteStatus.SUBMITTED) | Q(entered_by_procurement=True))
        .select_related("vendor", "rfq")
        .prefetch_related("risks", "rfq__channels")
    )
    return get_object_or_404(quotes, pk=pk)
