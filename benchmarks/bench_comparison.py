"""Benchmark of the quote comparison: SQL queries and server time for an RFQ with ten
submitted quotes over three channels (e-mail as a backlog; chat with 14 weighted open hours
and phone, both staffed per open hour by Erlang C), against PostgreSQL, plus the engine's
24-month estimates per second. Issue 11's target: under 150 ms for the page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vendorpilot python -m benchmarks.bench_comparison

It works in a throwaway database, `vp_bench_costing` (created, migrated and dropped again),
so it never touches the data behind DATABASE_URL. `run()` returns the figures so
`make bench` can import and record them. No test asserts on these timings.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

# Several engineers may bench at once on one server: BENCH_DATABASE keeps them apart.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "vp_bench_costing")
QUOTES = 10


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _build_rfq(owner, *, quotes: int, tag: str):
    """An RFQ over e-mail, chat and phone, open 09:00–23:00 every day, with `quotes` submitted
    quotes, two risks each. Chat carries 14 hourly weights (a day that peaks at lunch and
    in the evening), so every scenario of every quote staffs 14 distinct open hours."""
    from datetime import UTC, datetime, time

    from procurement.models import Quote, Rfq, RfqChannel, RiskItem, Vendor

    rfq = Rfq.objects.create(
        title=f"Benchmark {tag}",
        reference=f"BENCH-{tag}",
        owner=owner,
        status="open",
        quote_deadline=datetime(2026, 3, 31, tzinfo=UTC),
        ih_fte=Decimal(3),
        opens_at=time(9),
        closes_at=time(23),
        days_per_week=7,
        transition_months=1,
    )
    RfqChannel.objects.create(rfq=rfq, channel="email", volume_per_month=1200, aht_minutes=8)
    RfqChannel.objects.create(
        rfq=rfq,
        channel="chat",
        volume_per_month=8000,
        aht_minutes=12,
        concurrency=Decimal("1.7"),
        service_level_pct=80,
        answer_seconds=60,
        hourly_weights=["2", "3", "5", "8", "9", "7", "6", "6", "7", "8", "9", "7", "4", "2"],
    )
    RfqChannel.objects.create(
        rfq=rfq,
        channel="phone",
        volume_per_month=6000,
        aht_minutes=4,
        concurrency=1,
        service_level_pct=80,
        answer_seconds=20,
    )
    regions = ("offshore", "nearshore", "onshore")
    for index in range(quotes):
        vendor, _created = Vendor.objects.get_or_create(
            name=f"Bench vendor {tag}-{index:02d}", defaults={"region": regions[index % 3]}
        )
        quote = Quote.objects.create(
            rfq=rfq,
            vendor=vendor,
            status="submitted",
            revision=1,
            pricing_model=("hourly", "per_ticket", "mixed")[index % 3],
            hourly_rate=Decimal(8 + 3 * index) if index % 3 != 1 else None,
            per_ticket_rate=Decimal("1.5") + index / Decimal(4) if index % 3 == 1 else None,
            monthly_fee=Decimal(500) if index % 3 == 2 else None,
            onboarding_fee=Decimal(2000),
            onboarding_hours_per_agent=Decimal(40),
            onboarding_hourly_rate=Decimal(15),  # prices the hours under every model
            other_fees=[{"label": "Reporting", "amount": "250.00", "per": "month"}],
            licences_per_agent_month=Decimal(30),
            exit_fee=Decimal(1500),
            sla_email_response_minutes=Decimal(60),
            dpa=True,
        )
        RiskItem.objects.create(
            quote=quote, name="Quality loss", probability_pct=20, impact=Decimal(10000)
        )
        RiskItem.objects.create(
            quote=quote, name="Data leak", probability_pct=5, impact=Decimal(50000)
        )
    return rfq


def _measure(client, path: str, requests: int) -> dict[str, float | int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up templates, translations and the session
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    # Count now: the next request resets the connection's query log that `captured` reads.
    queries = len(captured)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "queries": queries,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 95), 2),
    }


def run(requests: int = 50) -> dict[str, float | int | bool | str]:
    _setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    from accounts.models import Role, User
    from benchmarks.bench_engine import run as run_engine

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the benchmark needs one).")

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = BENCH_DATABASE
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        owner = User.objects.create_user(
            email="bench@example.com", password="bench-only", role=Role.PROCUREMENT
        )
        one = _build_rfq(owner, quotes=1, tag="ONE")
        ten = _build_rfq(owner, quotes=QUOTES, tag="TEN")
        client = Client()
        client.force_login(owner)

        page_one = _measure(client, reverse("costing:comparison", args=[one.pk]), requests)
        page_ten = _measure(client, reverse("costing:comparison", args=[ten.pk]), requests)
        api_ten = _measure(client, f"/api/v1/rfqs/{ten.pk}/comparison", requests)
        xlsx_ten = _measure(
            client, reverse("costing:comparison_xlsx", args=[ten.pk]), max(5, requests // 5)
        )
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()

    engine = run_engine()
    return {
        "quotes": QUOTES,
        "requests": requests,
        "page_queries_1_quote": page_one["queries"],
        "page_queries_10_quotes": page_ten["queries"],
        "constant_queries": page_one["queries"] == page_ten["queries"],
        "page_p50_ms": page_ten["p50_ms"],
        "page_p95_ms": page_ten["p95_ms"],
        "api_queries_10_quotes": api_ten["queries"],
        "api_p50_ms": api_ten["p50_ms"],
        "api_p95_ms": api_ten["p95_ms"],
        "xlsx_p50_ms": xlsx_ten["p50_ms"],
        "xlsx_p95_ms": xlsx_ten["p95_ms"],
        "engine_estimates_per_second": engine["estimates_per_second"],
        "engine_estimate_mean_us": engine["estimate_mean_us"],
        "engine_meets_1ms_target": engine["meets_target"],
    }


def main() -> None:
    figures = run()
    rows = [
        ("comparison page, 1 quote: SQL queries", figures["page_queries_1_quote"]),
        (f"comparison page, {QUOTES} quotes: SQL queries", figures["page_queries_10_quotes"]),
        ("constant number of queries", "yes" if figures["constant_queries"] else "NO"),
        (
            f"comparison page, {QUOTES} quotes: p50 / p95 ms",
            f"{figures['page_p50_ms']} / {figures['page_p95_ms']}",
        ),
        (f"comparison API, {QUOTES} quotes: queries", figures["api_queries_10_quotes"]),
        (
            f"comparison API, {QUOTES} quotes: p50 / p95 ms",
            f"{figures['api_p50_ms']} / {figures['api_p95_ms']}",
        ),
        (
            f"XLSX export, {QUOTES} quotes: p50 / p95 ms",
            f"{figures['xlsx_p50_ms']} / {figures['xlsx_p95_ms']}",
        ),
        ("engine: 24-month estimates per second", f"{figures['engine_estimates_per_second']:,}"),
        ("engine: mean µs per estimate (target < 1000)", figures["engine_estimate_mean_us"]),
    ]
    width = max(len(label) for label, _value in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 16}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    # Run as a script, the repository root is not on the path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
