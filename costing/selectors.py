"""Reads for the costing pages and endpoints: a constant number of queries, whatever the
number of quotes (BRIEF: pages run a constant number of SQL queries)."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from procurement.models import Quote, QuoteStatus, Rfq
from procurement.selectors import submitted_quotes_for_comparison

__all__ = ["quote_for_costing", "rfq_for_costing", "submitted_quotes_for_comparison"]


def rfq_for_costing(*, pk: int) -> Rfq:
    """One RFQ with its scope's channels; 404 when it does not exist."""
    return get_object_or_404(Rfq.objects.prefetch_related("channels", "test_cases"), pk=pk)


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
