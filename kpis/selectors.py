"""Reads every measured period shares: one day's history (who changed what, when) and the
daily chart series of its KPIs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .days import KpiPeriod
from .definitions import KPI_KEYS
from .models import KpiDay
from .rules import KpiTotals

# --- One day's entry and its history (who, when, what) ---------------------------------------

# The values a person enters; the history shows how each changed.
HISTORY_FIELDS = (
    "tickets",
    "csat_responses",
    "csat_positive",
    "frt_minutes",
    "aht_minutes",
    "fcr_resolved",
    "cost",
    "qa_sampled",
    "note",
    "correction_reason",
)


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: object  # the user, or None for a change made outside a request (e.g. the admin shell)
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    source: str  # the change reason: form, CSV, API
    changes: list[tuple[str, object, object]]  # (field, old, new); on "+" the values entered


def kpi_entry_history(entry: KpiDay) -> list[HistoryRow]:
    """Every version of the entry, newest first, with what changed from the one before (one query)."""
    records = list(
        entry.history.select_related("history_user").order_by("history_date", "history_id")
    )
    rows, previous = [], None
    for record in records:
        if previous is None:
            changes = [(name, None, getattr(record, name)) for name in HISTORY_FIELDS]
        else:
            changes = [
                (name, getattr(previous, name), getattr(record, name))
                for name in HISTORY_FIELDS
                if getattr(previous, name) != getattr(record, name)
            ]
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=record.history_user,
                kind=record.history_type,
                source=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(rows))


def daily_series(entries: Iterable[KpiDay], *, period: KpiPeriod) -> dict[str, list]:
    """Per KPI: [(day number, daily value, pooled value so far)], from the day's entries.

    Daily values are shown to see the trend; the pooled value is what a checkpoint judges.
    """
    series: dict[str, list] = {key: [] for key in KPI_KEYS}
    running = KpiTotals()
    for entry in entries:
        day = KpiTotals.from_entry(entry)
        running = running + day
        daily, pooled = day.pooled(), running.pooled()
        number = period.day_number(entry.day)
        for key in KPI_KEYS:
            series[key].append((number, daily[key], pooled[key]))
    return series
