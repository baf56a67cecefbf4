"""Query helpers that keep list pages flat in data size."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(related: QuerySet, fk: str) -> Coalesce:
    """The number of `related` rows whose `fk` points at the outer row, as a correlated
    subquery (0 when there are none).

    Unlike `Count` over a join it groups nothing before the page is taken: the database
    computes it only for the rows it returns (a page of 25), whatever the table sizes.
    """
    counted = (
        related.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def count_up_to(queryset: QuerySet, cap: int | None) -> int:
    """How many rows, counted no further than `cap + 1` (a home page says "99+"): the count
    stops early instead of reading every row as the data grows. `cap=None` counts all."""
    if cap is None:
        return queryset.count()
    return queryset.order_by()[: cap + 1].count()
