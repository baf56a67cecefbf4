"""Workload and staffing by hours (DOMAIN.md §1) — e-mail and tickets are a backlog."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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

# DOMAIN.md §1: the whitepaper counts a month as 4.2 weeks.
WEEKS_PER_MONTH = Decimal("4.2")
DAYS_PER_MONTH = WEEKS_PER_MONTH * 7
HOURS_PER_WEEK = Decimal(168)
FULL_TIME_HOURS_PER_WEEK = Decimal(40)
DEFAULT_PRODUCTIVE_HOURS_PER_FTE_MONTH = Decimal(160)
# The cost article's other starting point: 1,000 productive hours a year per agent.
DEFAULT_PRODUCTIVE_HOURS_PER_FTE_YEAR = Decimal(1000)


@dataclass(frozen=True, slots=True)
class Workload:
    """Monthly contact volume. Numbers may be given as Decimal, int or numeric str."""

    volume_per_month: Decimal
    aht_minutes: Decimal
    productive_hours_per_fte_month: Decimal = DEFAULT_PRODUCTIVE_HOURS_PER_FTE_MONTH
    coverage_hours_per_week: Decimal | None = None
    automation_deflection_pct: Decimal = ZERO

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

    @property
    @precise
    def handled(self) -> Decimal:
        """Contacts a person handles after bots and scripts take their share."""
        return self.volume_per_month * (ONE - self.automation_deflection_pct / HUNDRED)

    @property
    @precise
    def workload_hours_per_month(self) -> Decimal:
        return self.handled * self.aht_minutes / 60

    @property
    @precise
    def fte_required(self) -> Decimal:
        return self.workload_hours_per_month / self.productive_hours_per_fte_month

    @property
    @precise
    def coverage_fte(self) -> Decimal:
        """People needed to keep the desk open, even with an empty queue (DOMAIN.md §1)."""
        if self.coverage_hours_per_week is None:
            return ZERO
        return self.coverage_hours_per_week * WEEKS_PER_MONTH / self.productive_hours_per_fte_month


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
