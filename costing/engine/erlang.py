"""Erlang C staffing for live channels: phone and chat (docs/domain.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
)

# Past this a queue is too large to staff as one (more agents at once than any centre
# seats); it is refused rather than searched for ever.
MAX_AGENTS = 10_000
# Issue 20: beyond the cap the SIZE is the problem, never the service level: the error names
# the volume field, says the cap and how to split the queue.
TOO_LARGE_FOR_ONE_QUEUE = (
    f"too large for one queue: it needs more than {MAX_AGENTS} agents at once; "
    "split it (by language, product or region) and staff each part as its own queue"
)


@dataclass(frozen=True, slots=True)
class Staffing:
    traffic_erlangs: Decimal
    agents: int
    service_level_pct: Decimal
    asa_seconds: Decimal
    occupancy_pct: Decimal
    scheduled_fte: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "traffic_erlangs": s2(self.traffic_erlangs),
            "agents": self.agents,
            "service_level_pct": s2(self.service_level_pct),
            "asa_seconds": s2(self.asa_seconds),
            "occupancy_pct": s2(self.occupancy_pct),
            "scheduled_fte": s2(self.scheduled_fte),
        }


def _next_erlang_b(blocking: Decimal, agents: int, traffic: Decimal) -> Decimal:
    # B(N) = A·B(N−1) / (N + A·B(N−1)), B(0) = 1: stays in [0, 1], so no A^N/N! blow-up
    # and 500+ Erlangs are as cheap as 10.
    return traffic * blocking / (agents + traffic * blocking)


def _erlang_c_from_b(blocking: Decimal, agents: int, traffic: Decimal) -> Decimal:
    # Same as docs/domain.md §1's Pw = X / (X + Y), rewritten in terms of Erlang B.
    return agents * blocking / (agents - traffic * (ONE - blocking))


@precise
def erlang_c(*, agents: int, traffic_erlangs: Decimal) -> Decimal:
    """Probability that a contact waits (Pw), for `agents > traffic_erlangs`."""
    if agents <= traffic_erlangs:
        raise EngineInputError("agents", "must be greater than the traffic in Erlangs")
    blocking = ONE
    for n in range(1, agents + 1):
        blocking = _next_erlang_b(blocking, n, traffic_erlangs)
    return _erlang_c_from_b(blocking, agents, traffic_erlangs)


@precise
def service_level(
    *, agents: int, traffic_erlangs: Decimal, aht_seconds: Decimal, target_answer_seconds: Decimal
) -> Decimal:
    """Share of contacts answered within the target time, 0–1."""
    pw = erlang_c(agents=agents, traffic_erlangs=traffic_erlangs)
    return _service_level(pw, agents, traffic_erlangs, aht_seconds, target_answer_seconds)


def _service_level(
    pw: Decimal, agents: int, traffic: Decimal, aht: Decimal, answer_seconds: Decimal
) -> Decimal:
    return ONE - pw * (-(agents - traffic) * answer_seconds / aht).exp()


@precise
def staffing(
    *,
    contacts_per_interval: Decimal | int | str,
    interval_minutes: Decimal | int | str,
    aht_seconds: Decimal | int | str,
    target_service_level_pct: Decimal | int | str,
    target_answer_seconds: Decimal | int | str,
    max_occupancy_pct: Decimal | int | str | None = None,
    shrinkage_pct: Decimal | int | str = ZERO,
    concurrency: Decimal | int | str = ONE,
) -> Staffing:
    contacts = positive(contacts_per_interval, "contacts_per_interval")
    interval = positive(interval_minutes, "interval_minutes")
    aht = positive(aht_seconds, "aht_seconds")
    answer_seconds = non_negative(target_answer_seconds, "target_answer_seconds")
    chats_at_once = positive(concurrency, "concurrency")
    target = to_decimal(target_service_level_pct, "target_service_level_pct")
    if target <= 0:
        raise EngineInputError("target_service_level_pct", "must be greater than 0")
    if target >= HUNDRED:
        raise EngineInputError("target_service_level_pct", "must be below 100: unreachable")
    shrinkage = non_negative(shrinkage_pct, "shrinkage_pct")
    if shrinkage >= HUNDRED:
        raise EngineInputError("shrinkage_pct", "must be below 100")
    max_occupancy = None
    if max_occupancy_pct is not None:
        max_occupancy = positive(max_occupancy_pct, "max_occupancy_pct")
        if max_occupancy > HUNDRED:
            raise EngineInputError("max_occupancy_pct", "must be between 0 and 100")

    # docs/domain.md §1: a chat agent carrying several chats divides the handle time.
    effective_aht = aht / chats_at_once
    traffic = contacts * aht / (chats_at_once * interval * 60)

    agents, blocking = 0, ONE

    def add_agent() -> None:
        nonlocal agents, blocking
        agents += 1
        if agents > MAX_AGENTS:
            # Any target below 100% is reachable with enough agents: it is the size.
            raise EngineInputError("contacts_per_interval", TOO_LARGE_FOR_ONE_QUEUE)
        blocking = _next_erlang_b(blocking, agents, traffic)

    while agents <= traffic:
        add_agent()
    target_share = target / HUNDRED
    while True:
        pw = _erlang_c_from_b(blocking, agents, traffic)
        sl = _service_level(pw, agents, traffic, effective_aht, answer_seconds)
        if sl >= target_share:
            break
        add_agent()
    if max_occupancy is not None:
        needed = ceil_whole(traffic * HUNDRED / max_occupancy)
        if needed > MAX_AGENTS:
            raise EngineInputError(
                "max_occupancy_pct", f"unreachable with at most {MAX_AGENTS} agents"
            )
        while agents < needed:
            add_agent()
        pw = _erlang_c_from_b(blocking, agents, traffic)
        sl = _service_level(pw, agents, traffic, effective_aht, answer_seconds)

    return Staffing(
        traffic_erlangs=traffic,
        agents=agents,
        service_level_pct=sl * HUNDRED,
        asa_seconds=pw * effective_aht / (agents - traffic),
        occupancy_pct=traffic / agents * HUNDRED,
        scheduled_fte=agents / (ONE - shrinkage / HUNDRED),
    )
