"""Micro-benchmark of a live-channel estimate (issue 11): 24 months, chat open 14 hours a
day with hourly weights, seats per open hour by Erlang C — target under 5 ms.

    python -m benchmarks.bench_live        (or: python benchmarks/bench_live.py)

"cold" clears the engine's memo of seats per (traffic, target) before every call, so each
call runs the whole Erlang search; "warm" is a repeated estimate (the same quote's
scenarios, or ten quotes of one comparison over the same scope).
`run()` returns the figures so `make bench` can import and record them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

TARGET_MEAN_MS = 5.0

# A webshop's chat from 09:00 to 23:00: quiet mornings, a lunch bump, an evening peak.
WEIGHTS = (2, 3, 4, 5, 6, 5, 4, 4, 5, 6, 8, 9, 7, 4)


def _timed_ms(call, iterations: int, before=None) -> float:
    """Mean milliseconds per call, best of three rounds (the least disturbed by the OS)."""
    rounds = []
    for _ in range(3):
        elapsed = 0.0
        for _ in range(iterations):
            if before is not None:
                before()
            start = time.perf_counter()
            call()
            elapsed += time.perf_counter() - start
        rounds.append(elapsed / iterations)
    return min(rounds) * 1000


def run(iterations: int = 200) -> dict[str, float | int | bool]:
    from costing.engine import InHouse, OpenHours, VendorOffer, Workload, estimate
    from costing.engine.live import live_staffing, seats_for_hour

    workload = Workload(
        volume_per_month=12000,
        aht_minutes=8,
        automation_deflection_pct=30,
        open_hours=OpenHours(
            channel="chat",
            open_hours_per_day=14,
            open_days_per_week=7,
            hourly_weights=WEIGHTS,
            max_occupancy_pct=85,
        ),
    )
    in_house = InHouse(gross_salary_month=2500, employer_costs_pct=35, absence_pct=10)
    offer = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_hours_per_agent=40)

    def one_estimate():
        return estimate(
            workload=workload, in_house=in_house, offer=offer, months=24, transition_months=2
        ).as_dict()

    def forget():
        live_staffing.cache_clear()
        seats_for_hour.cache_clear()

    one_estimate()
    cold_ms = _timed_ms(one_estimate, iterations, before=forget)
    warm_ms = _timed_ms(one_estimate, iterations)
    staffing = workload.staffing
    return {
        "iterations": iterations,
        "months": 24,
        "open_hours": len(WEIGHTS),
        "peak_seats": staffing.peak_seats if staffing else 0,
        "live_estimate_cold_mean_ms": round(cold_ms, 3),
        "live_estimate_warm_mean_ms": round(warm_ms, 3),
        "meets_target": cold_ms < TARGET_MEAN_MS,
    }


def main() -> None:
    figures = run()
    print(
        f"24-month live estimate, {figures['open_hours']} weighted hours "
        f"(peak {figures['peak_seats']} seats): cold {figures['live_estimate_cold_mean_ms']} ms, "
        f"warm {figures['live_estimate_warm_mean_ms']} ms "
        f"(target < {TARGET_MEAN_MS:.0f} ms: {'met' if figures['meets_target'] else 'MISSED'})"
    )


if __name__ == "__main__":
    # Run as a script, the repository root is not on the path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
