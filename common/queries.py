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
