"""Seat hours next to workload hours, per channel of a scope (docs/domain.md §1 "Live channels in
the cost comparison"), and the hour-by-hour rows a workforce planner reads.

Pure over engine objects: the comparison, the calculator, the API and the exports all show
the same rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costing.engine import LiveStaffing, OpenHourRow, Scope, Workload
from costing.engine.live import WEEKS_PER_MONTH
from costing.engine.numbers import s2


@dataclass(frozen=True)
class ChannelStaffing:
    """One channel of a scope: what its agents work (workload hours) against what must be
    staffed (seat hours for a queue; the workload itself for a backlog)."""

    channel: str
    label: str
    workload: Workload

    @property
    def is_live(self) -> bool:
        return self.workload.is_live

    @property
    def staffing(self) -> LiveStaffing | None:
        return self.workload.staffing

    @property
    def handled(self) -> Decimal:
        return self.workload.handled

    @property
    def workload_hours_per_month(self) -> Decimal:
        return self.workload.workload_hours_per_month

    @property
    def seat_hours_per_month(self) -> Decimal | None:
        staffing = self.staffing
        return None if staffing is None else staffing.seat_hours_per_month

    @property
    def billable_hours_per_month(self) -> Decimal:
        return self.workload.billable_hours_per_month

    @property
    def peak_seats(self) -> int | None:
        staffing = self.staffing
        return None if staffing is None else staffing.peak_seats

    def as_dict(self) -> dict[str, Any]:
        staffing = self.staffing
        return {
            "channel": self.channel,
            "handled": s2(self.handled),
            "workload_hours_per_month": s2(self.workload_hours_per_month),
            "seat_hours_per_month": None if staffing is None else s2(staffing.seat_hours_per_month),
            "billable_hours_per_month": s2(self.billable_hours_per_month),
            "staffing": None if staffing is None else staffing.as_dict(),
        }


def channel_staffing(
    *, channels: list[tuple[str, str]], scope: Scope
) -> tuple[ChannelStaffing, ...]:
    """`channels`: (code, label) in the scope's order."""
    return tuple(
        ChannelStaffing(channel=code, label=label, workload=workload)
        for (code, label), workload in zip(channels, scope.channels, strict=True)
    )


def combined_staffing(scope: Scope | Workload) -> LiveStaffing | None:
    """The live desk of a scope, open hour by open hour: the seats (and contacts, Erlangs) of
    its live channels added up (dedicated teams sharing the RFQ's opening hours); the
    service level is the lowest of them. None when nothing in scope is live."""
    if isinstance(scope, Workload):
        return scope.staffing
    live = [c.staffing for c in scope.channels if c.staffing is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    days = {c.open_hours.open_days_per_week for c in scope.channels if c.open_hours}
    hours = []
    for rows in zip(*(s.hours for s in live), strict=True):
        hours.append(
            OpenHourRow(
                hour=rows[0].hour,
                contacts=sum((r.contacts for r in rows), Decimal(0)),
                erlangs=sum((r.erlangs for r in rows), Decimal(0)),
                seats=sum(r.seats for r in rows),
                service_level_pct=min(r.service_level_pct for r in rows),
            )
        )
    seats_per_day = sum(row.seats for row in hours)
    return LiveStaffing(
        seat_hours_per_month=WEEKS_PER_MONTH * days.pop() * seats_per_day,
        peak_seats=max(row.seats for row in hours),
        hours=tuple(hours),
    )


@dataclass(frozen=True)
class StaffingRow:
    """One open hour as the table shows it: `09:00–10:00` when the opening time is known."""

    hour: int
    period: str
    contacts: Decimal
    erlangs: Decimal
    seats: int
    service_level_pct: Decimal


def staffing_rows(staffing: LiveStaffing, *, opens_at_hour: int | None = None) -> list[StaffingRow]:
    rows = []
    for row in staffing.hours:
        if opens_at_hour is None:
            period = str(row.hour)
        else:
            start = (opens_at_hour + row.hour - 1) % 24
            period = f"{start:02d}:00–{(start + 1) % 24:02d}:00"
        rows.append(
            StaffingRow(
                hour=row.hour,
                period=period,
                contacts=row.contacts,
                erlangs=row.erlangs,
                seats=row.seats,
                service_level_pct=row.service_level_pct,
            )
        )
    return rows
