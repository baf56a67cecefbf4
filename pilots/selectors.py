"""Reads for pilots, KPI entries, scorecards and alerts."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.shortcuts import get_object_or_404

from .kpis import KpiTotals
from .models import Alert, KpiEntry, Pilot


def open_alert_count() -> int:
    return Alert.objects.filter(closed_at__isnull=True).count()


def kpi_totals(
    *, pilot_ids: Iterable[int], date_from: date | None = None, date_to: date | None = None
) -> dict[int, KpiTotals]:
    """Sum the daily entries per pilot in the database (one query, whatever the number of days).

    Pilots without an entry in the window are absent from the result: use `KpiTotals()`.
    """
    entries = KpiEntry.objects.filter(pilot_id__in=list(pilot_ids))
    if date_from is not None:
        entries = entries.filter(day__gte=date_from)
    if date_to is not None:
        entries = entries.filter(day__lte=date_to)
    money = DecimalField(max_digits=20, decimal_places=4)
    # Aliases differ from the field names: an annotation named "tickets" would shadow the
    # field inside F("tickets").
    sums = {
        "days_with_entry": Count("id"),
        "tickets": Sum("tickets"),
        "csat_responses": Sum("csat_responses"),
        "csat_positive": Sum("csat_positive"),
        "frt_weighted": Sum(ExpressionWrapper(F("frt_minutes") * F("tickets"), output_field=money)),
        "aht_weighted": Sum(ExpressionWrapper(F("aht_minutes") * F("tickets"), output_field=money)),
        "fcr_resolved": Sum("fcr_resolved"),
        "cost": Sum("cost"),
        "qa_sampled": Sum("qa_sampled"),
    }
    rows = entries.values("pilot_id").annotate(**{f"sum_{name}": agg for name, agg in sums.items()})
    return {
        row["pilot_id"]: KpiTotals.from_row({name: row[f"sum_{name}"] for name in sums})
        for row in rows
    }


def pilots_for_user(user) -> QuerySet[Pilot]:
    """Internal roles see every pilot; a vendor only its own (DEVELOPERS.md: never anything else)."""
    pilots = Pilot.objects.select_related("vendor")
    if user.is_vendor:
        return pilots.filter(vendor_id=user.vendor_id)
    return pilots


def get_pilot_for_user(user, pk: int) -> Pilot:
    """404 for a pilot outside the user's reach, so existence does not leak."""
    return get_object_or_404(pilots_for_user(user), pk=pk)
