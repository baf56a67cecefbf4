"""Micro-benchmark of the cost engine: one 24-month estimate should take under 1 ms.

    python -m benchmarks.bench_engine        (or: python benchmarks/bench_engine.py)

`run()` returns the figures so `make bench` can import and record them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

TARGET_MEAN_US = 1000.0


def _timed(call, iterations: int) -> float:
    """Mean microseconds per call, best of three rounds (the least disturbed by the OS)."""
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            call()
        rounds.append((time.perf_counter() - start) / iterations)
    return min(rounds) * 1_000_000


def run(iterations: int = 2000) -> dict[str, float | int | bool]:
    from costing.engine import InHouse, VendorOffer, Workload, estimate, staffing

    workload = Workload(volume_per_month=500, aht_minutes=10, coverage_hours_per_week=98)
    in_house = InHouse(gross_salary_month=2500, employer_costs_pct=35, absence_pct=10)
    offer = VendorOffer(
        pricing_model="mixed",
        hourly_rate=18,
        monthly_fee=250,
        onboarding_fee=2000,
        onboarding_hours_per_agent=40,
        licences_per_agent_month=30,
        integration_one_time=5000,
        management_per_month=400,
        exit_fee=1500,
    )

    def one_estimate():
        return estimate(workload=workload, in_house=in_house, offer=offer, months=24)

    def one_response():
        return one_estimate().as_dict()

    def one_staffing():
        return staffing(
            contacts_per_interval=100,
            interval_minutes=30,
            aht_seconds=180,
            target_service_level_pct=80,
            target_answer_seconds=20,
            max_occupancy_pct=85,
            shrinkage_pct=30,
        )

    one_response()  # warm caches and imports before timing
    estimate_us = _timed(one_estimate, iterations)
    response_us = _timed(one_response, iterations)
    staffing_us = _timed(one_staffing, max(1, iterations // 4))
    return {
        "iterations": iterations,
        "months": 24,
        "estimate_mean_us": round(estimate_us, 1),
        "estimates_per_second": round(1_000_000 / estimate_us),
        "estimate_with_json_mean_us": round(response_us, 1),
        "staffing_mean_us": round(staffing_us, 1),
        "meets_target": estimate_us < TARGET_MEAN_US,
    }


def main() -> None:
    figures = run()
    print(
        f"24-month estimate: {figures['estimates_per_second']:,} estimates/s, "
        f"mean {figures['estimate_mean_us']} µs "
        f"(target < {TARGET_MEAN_US:.0f} µs: {'met' if figures['meets_target'] else 'MISSED'})"
    )
    print(f"  with as_dict() for the API: mean {figures['estimate_with_json_mean_us']} µs")
    print(f"  Erlang C staffing (published check): mean {figures['staffing_mean_us']} µs")


if __name__ == "__main__":
    # Run as a script, the repository root is not on the path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
