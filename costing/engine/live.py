"""Live channels (chat, phone) staffed seat by seat per open hour (docs/domain.md §1,
"Live channels in the cost comparison").

A queue is staffed for its arrivals hour by hour: each open hour gets the smallest number
of seats that answers the target share within the answer time (Erlang C), at least one
(an open desk is staffed). E-mail stays a backlog (`costing.engine.workload`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from costing.engine.erlang import (
    MAX_AGENTS,
    TOO_LARGE_FOR_ONE_QUEUE,
    _erlang_c_from_b,
    _next_erlang_b,
    _service_level,
)
from costing.engine.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    EngineInputError,
    ceil_whole,
    non_negative,
    positive,
    precise,
    s2,
    to_decimal,
    whole_number,
)

# docs/domain.md §1: the whitepaper counts a month as 4.2 weeks (same constant as workload.py,
# which imports this module; kept here so the two never import each other in a cycle).
WEEKS_PER_MONTH = Decimal("4.2")
SECONDS_PER_HOUR = Decimal(3600)


class Channel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"


LIVE_CHANNELS = frozenset({Channel.CHAT, Channel.PHONE})

# docs/domain.md §1 defaults: 80% answered within 20 s (phone) or 60 s (chat); an agent
# carries 1 call or 1.7 chats at once (callcentrehelper's chat table: two chats ≈ 1.7).
DEFAULT_SERVICE_LEVEL_PCT = Decimal(80)
DEFAULT_ANSWER_SECONDS: dict[Channel, Decimal] = {
    Channel.PHONE: Decimal(20),
    Channel.CHAT: Decimal(60),
}
DEFAULT_CONCURRENCY: dict[Channel, Decimal] = {
    Channel.PHONE: Decimal(1),
    Channel.CHAT: Decimal("1.7"),
}


def channel_of(value: object, field: str = "channel") -> Channel:
    try:
        return Channel(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(c.value for c in Channel)
        raise EngineInputError(field, f"must be one of {choices}") from None


@dataclass(frozen=True, slots=True)
class OpenHours:
    """How a live channel is open and how its contacts arrive over an open day.

    `None` for service level, answer time and concurrency takes the channel's default;
    `hourly_weights=None` spreads the day's contacts equally over its open hours."""

    channel: Channel
    open_hours_per_day: int
    open_days_per_week: int
    hourly_weights: tuple[Decimal, ...] | None = None
    service_level_pct: Decimal | None = None
    answer_seconds: Decimal | None = None
    concurrency: Decimal | None = None
    max_occupancy_pct: Decimal | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        channel = channel_of(self.channel)
        if channel not in LIVE_CHANNELS:
            raise EngineInputError("channel", "open hours staff a live channel: chat or phone")
        set_(self, "channel", channel)
        hours = whole_number(self.open_hours_per_day, "open_hours_per_day", minimum=1)
        if hours > 24:
            raise EngineInputError("open_hours_per_day", "must be between 1 and 24")
        set_(self, "open_hours_per_day", hours)
        days = whole_number(self.open_days_per_week, "open_days_per_week", minimum=1)
        if days > 7:
            raise EngineInputError("open_days_per_week", "must be between 1 and 7")
        set_(self, "open_days_per_week", days)
        if self.hourly_weights is None:
            set_(self, "hourly_weights", (ONE,) * hours)
        else:
            weights = tuple(positive(w, "hourly_weights") for w in self.hourly_weights)
            if len(weights) != hours:
                raise EngineInputError("hourly_weights", f"needs one weight per open hour: {hours}")
            set_(self, "hourly_weights", weights)
        level = to_decimal(
            DEFAULT_SERVICE_LEVEL_PCT if self.service_level_pct is None else self.service_level_pct,
            "service_level_pct",
        )
        if not ZERO < level < HUNDRED:
            raise EngineInputError("service_level_pct", "must be above 0 and below 100")
        set_(self, "service_level_pct", level)
        answer = (
            DEFAULT_ANSWER_SECONDS[channel] if self.answer_seconds is None else self.answer_seconds
        )
        set_(self, "answer_seconds", non_negative(answer, "answer_seconds"))
        set_(
            self,
            "concurrency",
            positive(
                DEFAULT_CONCURRENCY[channel] if self.concurrency is None else self.concurrency,
                "concurrency",
            ),
        )
        if self.max_occupancy_pct is not None:
            cap = to_decimal(self.max_occupancy_pct, "max_occupancy_pct")
            if not ZERO < cap <= HUNDRED:
                raise EngineInputError("max_occupancy_pct", "must be above 0 and at most 100")
            set_(self, "max_occupancy_pct", cap)


@dataclass(frozen=True, slots=True)
class OpenHourRow:
    """One open hour of an average open day; `hour` counts from 1 (the opening hour)."""

    hour: int
    contacts: Decimal
    erlangs: Decimal
    seats: int
    service_level_pct: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "hour": self.hour,
            "contacts": s2(self.contacts),
            "erlangs": s2(self.erlangs),
            "seats": self.seats,
            "service_level_pct": s2(self.service_level_pct),
        }


@dataclass(frozen=True, slots=True)
class LiveStaffing:
    seat_hours_per_month: Decimal
    peak_seats: int
    hours: tuple[OpenHourRow, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seat_hours_per_month": s2(self.seat_hours_per_month),
            "peak_seats": self.peak_seats,
            "hours": [row.as_dict() for row in self.hours],
        }


@functools.lru_cache(maxsize=4096)
@precise
def seats_for_hour(
    traffic: Decimal,
    effective_aht_seconds: Decimal,
    answer_seconds: Decimal,
    target_share: Decimal,
    max_occupancy_pct: Decimal | None,
) -> tuple[int, Decimal]:
    """The smallest N ≥ 1 with N > A, SL ≥ target and A/N ≤ the cap; returns (N, SL).

    Erlang B by its recurrence stays in [0, 1]: exact Decimal, no factorial, no overflow
    for thousands of Erlangs. Memoised: a day repeats its (A, target) pairs, and so do
    the scenarios and the quotes of one comparison."""
    seats, blocking = 0, ONE

    def add_seat(field: str, message: str) -> None:
        nonlocal seats, blocking
        seats += 1
        if seats > MAX_AGENTS:
            raise EngineInputError(field, message)
        blocking = _next_erlang_b(blocking, seats, traffic)

    # Issue 20: any target below 100% is reachable with enough seats, so the cap is hit by
    # the SIZE of the queue: the error names the volume (and says how to split the queue).
    size = ("volume_per_month", TOO_LARGE_FOR_ONE_QUEUE)
    add_seat(*size)
    while seats <= traffic:
        add_seat(*size)
    # The service level rises with every seat: the smallest N meeting it, then the cap.
    while True:
        pw = _erlang_c_from_b(blocking, seats, traffic)
        level = _service_level(pw, seats, traffic, effective_aht_seconds, answer_seconds)
        if level >= target_share:
            break
        add_seat(*size)
    if max_occupancy_pct is not None:
        needed = ceil_whole(traffic * HUNDRED / max_occupancy_pct)
        if needed > seats:
            for _ in range(seats, needed):
                add_seat(
                    "max_occupancy_pct", f"unreachable with at most {MAX_AGENTS} seats an hour"
                )
            pw = _erlang_c_from_b(blocking, seats, traffic)
            level = _service_level(pw, seats, traffic, effective_aht_seconds, answer_seconds)
    return seats, level


@functools.lru_cache(maxsize=1024)
@precise
def live_staffing(*, handled: Decimal, aht_minutes: Decimal, open_hours: OpenHours) -> LiveStaffing:
    """Seats per open hour and the month's seat hours (docs/domain.md §1).

    contacts per open day = handled / (days × 4.2), shared out by the hourly weights;
    A_i = contacts_i × (AHT s / concurrency) / 3600; seat hours = 4.2 × days × Σ seats_i."""
    handled = non_negative(handled, "volume_per_month")
    aht_minutes = positive(aht_minutes, "aht_minutes")
    days = open_hours.open_days_per_week
    weights = open_hours.hourly_weights or ()
    total_weight = sum(weights, ZERO)
    per_day = handled / (days * WEEKS_PER_MONTH)
    effective_aht = aht_minutes * 60 / open_hours.concurrency  # type: ignore[operator]
    target_share = open_hours.service_level_pct / HUNDRED  # type: ignore[operator]
    rows = []
    for hour, weight in enumerate(weights, start=1):
        contacts = per_day * weight / total_weight
        traffic = contacts * effective_aht / SECONDS_PER_HOUR
        seats, level = seats_for_hour(
            traffic,
            effective_aht,
            open_hours.answer_seconds,
            target_share,
            open_hours.max_occupancy_pct,
        )
        rows.append(OpenHourRow(hour, contacts, traffic, seats, level * HUNDRED))
    seats_per_day = sum(row.seats for row in rows)
    return LiveStaffing(
        seat_hours_per_month=WEEKS_PER_MONTH * days * seats_per_day,
        peak_seats=max(row.seats for row in rows),
        hours=tuple(rows),
    )
