"""Workload and staffing by hours (docs/domain.md §1) — e-mail and tickets are a backlog."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from costing.engine.live import WEEKS_PER_MONTH, LiveStaffing, OpenHours, live_staffing
from costing.engine.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    EngineInputError,
    non_negative,
    percentage,
    positive,
    precise,
)

# docs/domain.md §1: the whitepaper counts a month as 4.2 weeks (WEEKS_PER_MONTH, from live.py).
DAYS_PER_MONTH = WEEKS_PER_MONTH * 7
HOURS_PER_WEEK = Decimal(168)
FULL_TIME_HOURS_PER_WEEK = Decimal(40)
DEFAULT_PRODUCTIVE_HOURS_PER_FTE_MONTH = Decimal(160)
# The cost article's other starting point: 1,000 productive hours a year per agent.
DEFAULT_PRODUCTIVE_HOURS_PER_FTE_YEAR = Decimal(1000)


@dataclass(frozen=True, slots=True)
class Workload:
    """Monthly contact volume of one channel. Numbers may be Decimal, int or numeric str.

    Without `open_hours` the channel is a backlog (e-mail, tickets): staffed by workload
    hours, with `coverage_hours_per_week` as an optional floor. With `open_hours` it is a
    live queue (chat, phone): staffed by seats per open hour (docs/domain.md §1), and coverage
    hours must be left out (the one-seat floor is the coverage)."""

    volume_per_month: Decimal
    aht_minutes: Decimal
    productive_hours_per_fte_month: Decimal = DEFAULT_PRODUCTIVE_HOURS_PER_FTE_MONTH
    coverage_hours_per_week: Decimal | None = None
    automation_deflection_pct: Decimal = ZERO
    open_hours: OpenHours | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "volume_per_month", positive(self.volume_per_month, "volume_per_month"))
        set_(self, "aht_minutes", positive(self.aht_minutes, "aht_minutes"))
        set_(
            self,
            "productive_hours_per_fte_month",
            positive(self.productive_hours_per_fte_month, "productive_hours_per_fte_month"),
        )
        if self.coverage_hours_per_week is not None:
            coverage = non_negative(self.coverage_hours_per_week, "coverage_hours_per_week")
            if coverage > HOURS_PER_WEEK:
                raise EngineInputError("coverage_hours_per_week", "a week has only 168 hours")
            set_(self, "coverage_hours_per_week", coverage)
        set_(
            self,
            "automation_deflection_pct",
            percentage(self.automation_deflection_pct, "automation_deflection_pct"),
        )
        if self.open_hours is not None:
            if not isinstance(self.open_hours, OpenHours):
                raise EngineInputError("open_hours", "must be OpenHours")
            if self.coverage_hours_per_week is not None:
                raise EngineInputError(
                    "coverage_hours_per_week",
                    "must be left out for a live channel: its open hours staff it",
                )

    @property
    def is_live(self) -> bool:
        return self.open_hours is not None

    @property
    def concurrency(self) -> Decimal:
        """Contacts an agent carries at once: 1 for a backlog and phone, 1.7 for chat."""
        return ONE if self.open_hours is None else self.open_hours.concurrency  # type: ignore[return-value]

    @property
    @precise
    def handled(self) -> Decimal:
        """Contacts a person handles after bots and scripts take their share."""
        return self.volume_per_month * (ONE - self.automation_deflection_pct / HUNDRED)

    @property
    @precise
    def workload_hours_per_month(self) -> Decimal:
        # docs/domain.md §1: an agent carries `concurrency` chats at once (phone and e-mail: 1).
        hours = self.handled * self.aht_minutes / 60
        return hours if self.open_hours is None else hours / self.concurrency

    @property
    def staffing(self) -> LiveStaffing | None:
        """Seats per open hour of a live channel; None for a backlog."""
        if self.open_hours is None:
            return None
        return live_staffing(
            handled=self.handled, aht_minutes=self.aht_minutes, open_hours=self.open_hours
        )

    @property
    def billable_hours_per_month(self) -> Decimal:
        """What an hourly vendor bills: seat hours for a live channel (agents signed in to
        the queue), workload hours for a backlog (docs/domain.md §1–§2)."""
        staffing = self.staffing
        return self.workload_hours_per_month if staffing is None else staffing.seat_hours_per_month

    @property
    @precise
    def in_house_hours_per_month(self) -> Decimal:
        """Hours the in-house desk staffs: seat hours for a live channel (its one-seat floor
        is the opening-hours coverage), else the workload with the coverage as a floor."""
        if self.open_hours is not None:
            return self.billable_hours_per_month
        coverage = self.coverage_hours_per_week
        hours = self.workload_hours_per_month
        return hours if coverage is None else max(hours, coverage * WEEKS_PER_MONTH)

    @property
    @precise
    def fte_required(self) -> Decimal:
        """Workload hours (backlog) or seat hours (live) over the productive hours."""
        return self.billable_hours_per_month / self.productive_hours_per_fte_month

    @property
    @precise
    def coverage_fte(self) -> Decimal:
        """People needed to keep the desk open, even with an empty queue (docs/domain.md §1)."""
        if self.coverage_hours_per_week is None:
            return ZERO
        return self.coverage_hours_per_week * WEEKS_PER_MONTH / self.productive_hours_per_fte_month

    @precise
    def scaled(self, *, volume: Decimal, aht: Decimal) -> Workload:
        """The same channel with volume and AHT multiplied (a scenario, docs/domain.md §2)."""
        return dataclasses.replace(
            self,
            volume_per_month=self.volume_per_month * volume,
            aht_minutes=self.aht_minutes * aht,
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """Several channels of one scope, each staffed by its own rule; their hours add up
    (dedicated teams, docs/domain.md §1). Quacks like a `Workload` for the TCO."""

    channels: tuple[Workload, ...]

    def __post_init__(self) -> None:
        channels = tuple(self.channels)
        if not channels:
            raise EngineInputError("channels", "the scope needs at least one channel")
        if any(not isinstance(c, Workload) for c in channels):
            raise EngineInputError("channels", "each channel must be a Workload")
        productive = {c.productive_hours_per_fte_month for c in channels}
        if len(productive) > 1:
            raise EngineInputError(
                "productive_hours_per_fte_month", "must be the same for every channel"
            )
        object.__setattr__(self, "channels", channels)

    @property
    def productive_hours_per_fte_month(self) -> Decimal:
        return self.channels[0].productive_hours_per_fte_month

    @property
    def staffing(self) -> LiveStaffing | None:
        """A scope's staffing is per channel (`channels[i].staffing`)."""
        return None

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(c, name) for c in self.channels), ZERO)

    @property
    @precise
    def volume_per_month(self) -> Decimal:
        return self._sum("volume_per_month")

    @property
    @precise
    def handled(self) -> Decimal:
        return self._sum("handled")

    @property
    @precise
    def workload_hours_per_month(self) -> Decimal:
        return self._sum("workload_hours_per_month")

    @property
    @precise
    def billable_hours_per_month(self) -> Decimal:
        return self._sum("billable_hours_per_month")

    @property
    @precise
    def in_house_hours_per_month(self) -> Decimal:
        return self._sum("in_house_hours_per_month")

    @property
    @precise
    def fte_required(self) -> Decimal:
        return self.billable_hours_per_month / self.productive_hours_per_fte_month

    def scaled(self, *, volume: Decimal, aht: Decimal) -> Scope:
        return Scope(tuple(c.scaled(volume=volume, aht=aht) for c in self.channels))


# What the TCO prices: one channel or a scope of several.
Demand = Workload | Scope


@precise
def productive_hours_per_month_from_year(
    hours_per_year: Decimal | int | str = DEFAULT_PRODUCTIVE_HOURS_PER_FTE_YEAR,
) -> Decimal:
    """1,000 productive hours a year → 83.33… a month (the cost article's starting point)."""
    return positive(hours_per_year, "productive_hours_per_fte_year") / 12


@precise
def fte_from_hours_per_week(
    hours_per_week: Decimal | int | str,
    *,
    full_time_hours_per_week: Decimal | int | str = FULL_TIME_HOURS_PER_WEEK,
) -> Decimal:
    """A part-timer as a fraction of a 40-hour week: 30 h/week → 0.75 FTE."""
    hours = non_negative(hours_per_week, "hours_per_week")
    full_time = positive(full_time_hours_per_week, "full_time_hours_per_week")
    return hours / full_time


@precise
def chats_per_day(
    *, visitors_per_day: Decimal | int | str, chat_rate_pct: Decimal | int | str
) -> Decimal:
    """Whitepaper: 2–5% of website visitors start a chat; 1,000 a day at 3% → 30 chats."""
    visitors = non_negative(visitors_per_day, "visitors_per_day")
    return visitors * percentage(chat_rate_pct, "chat_rate_pct") / HUNDRED


@precise
def chat_volume_per_month(
    *,
    visitors_per_day: Decimal | int | str,
    chat_rate_pct: Decimal | int | str,
    days_per_month: Decimal | int | str = DAYS_PER_MONTH,
) -> Decimal:
    """Monthly chat volume for a `Workload`; default month = 4.2 weeks × 7 days = 29.4 days."""
    days = positive(days_per_month, "days_per_month")
    return chats_per_day(visitors_per_day=visitors_per_day, chat_rate_pct=chat_rate_pct) * days
