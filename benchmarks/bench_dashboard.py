"""The pilot dashboard under load: 2,000 pilots × 90 days of entries in PostgreSQL, then the
dashboard of one 90-day pilot, requested N times through Django's test Client.

    python -m benchmarks.bench_dashboard        (or: python benchmarks/bench_dashboard.py)

Targets (issue 5): ≤ 20 SQL queries, constant whatever the data size, and < 150 ms server time.
It makes a throwaway database next to DATABASE_URL's (default: the local PostgreSQL on
127.0.0.1:5432, user postgres), fills it with bulk_create, measures, and drops it again.
`run()` returns the figures so `make bench` can import and record them.

"Server time" is the time `Client.get` takes: URL resolving, middleware (session, auth,
locale, history), the view, its queries and the template — everything but the network.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_QUERIES = 20
TARGET_P95_MS = 150.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _setup_django(database_url: str) -> None:
    """Point Django at the throwaway database, whether or not it was set up before."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    from django.conf import settings

    name = urlsplit(database_url).path.lstrip("/")
    if settings.configured:
        from django.db import connections

        connections["default"].close()
        connections["default"].settings_dict["NAME"] = name
        return
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def _seed(pilot_count: int, days: int):
    """Vendors, users and `pilot_count` pilots with `days` daily entries each (bulk_create)."""
    import random

    from django.db import connection

    from accounts.models import Role, User
    from pilots.models import KpiEntry, Pilot, PilotStatus
    from pilots.selectors import app_today
    from procurement.models import Vendor

    rng = random.Random(5)
    today = app_today()
    buyer = User.objects.create_user("bench-buyer@example.com", "bench", role=Role.PROCUREMENT)
    vendors = Vendor.objects.bulk_create(Vendor(name=f"Bench vendor {i:03d}") for i in range(200))
    vendor_users = User.objects.bulk_create(
        User(email=f"agent{i}@bench.example", role=Role.VENDOR, vendor=vendor)
        for i, vendor in enumerate(vendors)
    )
    pilots = Pilot.objects.bulk_create(
        Pilot(
            vendor=vendors[i % len(vendors)],
            channel=("email", "chat", "phone")[i % 3],
            # Spread over the last year; the measured pilot (index 0) has just finished day 90.
            start_date=today - timedelta(days=days if i == 0 else rng.randint(days, 365)),
            length_days=days,
            status=PilotStatus.RUNNING,
            target_aht_minutes=Decimal("10"),
            target_cost_per_ticket=Decimal("3.33"),
            created_by=buyer,
        )
        for i in range(pilot_count)
    )
    batch: list[KpiEntry] = []
    for index, pilot in enumerate(pilots):
        entered_by = vendor_users[index % len(vendors)]
        for n in range(days):
            tickets = rng.randint(10, 60)
            responses = rng.randint(0, tickets)
            batch.append(
                KpiEntry(
                    pilot=pilot,
                    day=pilot.start_date + timedelta(days=n),
                    tickets=tickets,
                    csat_responses=responses,
                    csat_positive=rng.randint(0, responses),
                    frt_minutes=Decimal(rng.randint(500, 6000)) / 100,
                    aht_minutes=Decimal(rng.randint(600, 1400)) / 100,
                    fcr_resolved=rng.randint(0, tickets),
                    cost=Decimal(tickets * rng.randint(250, 400)) / 100,
                    qa_sampled=rng.randint(0, 3),
                    entered_by=entered_by,
                )
            )
        if len(batch) >= 10_000:
            KpiEntry.objects.bulk_create(batch)
            batch.clear()
    KpiEntry.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a running database would have
    return buyer, pilots[0]


def _timed_gets(client, path: str, requests: int) -> list[float]:
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code  # noqa: S101
    return timings


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(pilot_count: int = 2000, days: int = 90, requests: int = 50) -> dict:
    base_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not base_url.startswith("postgres"):
        base_url = DEFAULT_URL
    name = f"vp_bench_dashboard_{os.getpid()}"
    _admin_execute(base_url, f'CREATE DATABASE "{name}"')
    original_name = None
    try:
        from django.conf import settings

        if settings.configured:
            original_name = settings.DATABASES["default"]["NAME"]
        _setup_django(_with_database(base_url, name))
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        seed_start = time.perf_counter()
        buyer, pilot = _seed(pilot_count, days)
        seed_seconds = time.perf_counter() - seed_start

        client = Client()
        client.force_login(buyer)
        dashboard = reverse("pilots:pilot_detail", args=[pilot.pk])
        _timed_gets(client, dashboard, 3)  # warm templates, translations and the pool
        with CaptureQueriesContext(connection) as queries:
            client.get(dashboard)
        timings = _timed_gets(client, dashboard, requests)
        list_timings = _timed_gets(client, reverse("pilots:pilot_list"), max(5, requests // 5))
        with CaptureQueriesContext(connection) as list_queries:
            client.get(reverse("pilots:pilot_list"))
        p95 = _percentile(timings, 95)
        return {
            "pilots": pilot_count,
            "entries": pilot_count * days,
            "seed_seconds": round(seed_seconds, 1),
            "requests": requests,
            "dashboard_queries": len(queries),
            "dashboard_p50_ms": round(statistics.median(timings), 1),
            "dashboard_p95_ms": round(p95, 1),
            "pilot_list_queries": len(list_queries),
            "pilot_list_p50_ms": round(statistics.median(list_timings), 1),
            "meets_target": len(queries) <= TARGET_QUERIES and p95 < TARGET_P95_MS,
        }
    finally:
        from django.db import connections

        connections.close_all()
        if original_name is not None:
            connections["default"].settings_dict["NAME"] = original_name
        _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    figures = run()
    print(
        f"Dashboard of a 90-day pilot among {figures['pilots']:,} pilots "
        f"({figures['entries']:,} entries, seeded in {figures['seed_seconds']} s):"
    )
    print(
        f"  {figures['dashboard_queries']} queries (target ≤ {TARGET_QUERIES}), "
        f"p50 {figures['dashboard_p50_ms']} ms, p95 {figures['dashboard_p95_ms']} ms over "
        f"{figures['requests']} requests (target < {TARGET_P95_MS:.0f} ms): "
        f"{'met' if figures['meets_target'] else 'MISSED'}"
    )
    print(
        f"  pilot list (25 a page): {figures['pilot_list_queries']} queries, "
        f"p50 {figures['pilot_list_p50_ms']} ms"
    )


if __name__ == "__main__":
    # Run as a script, the repository root is not on the path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
