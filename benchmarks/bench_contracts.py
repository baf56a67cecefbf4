"""Benchmarks of issue 13 on PostgreSQL (speed lives here, never in timed tests):

1. closing a month for 2,000 contracts × 30 days of KPI entries: under 10 s, with a constant
   number of queries per batch (`contracts_close_due_months`, batches of 500), and (issue 22)
   within 8× its SQL floor: the raw GROUP BY that sums the month's entries per contract;
2. the next-morning missing-day reminders for 2,000 running pilots: under 5 s
   (`missing_day_reminders_send`, e-mails to Django's locmem backend: an in-memory sink).
   The pilots belong to 200 vendors of one user each: one e-mail per user and day lists its
   vendor's missing pilots, so 200 e-mails; `--vendors 2000` gives every pilot its own
   vendor (2,000 e-mails).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks.bench_contracts
    python -m benchmarks.bench_contracts --contracts 200 --pilots 200   # a small scale

A throwaway database next to DATABASE_URL's is created and dropped afterwards. `run()`
returns the figures as a dict so `make bench` can record them.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, date, datetime, timedelta

from benchmarks.bench_sweep import (
    TARGET_FLOOR_RATIO,
    Phases,
    QueryCounter,
    floor_figures,
    floor_line,
    own_database,
    phases_line,
)

BATCH_SIZE = 500
MONTH = date(2026, 4, 1)  # April: 30 days
AS_OF = date(2026, 5, 1)  # the morning after April is over
TARGET_CLOSE_SECONDS = 10
TARGET_REMINDER_SECONDS = 5


def _load(n_contracts: int, n_pilots: int, n_vendors: int = 200) -> dict:
    from django.db import connection

    from accounts.models import Role, User
    from contracts.models import Contract
    from pilots.models import Pilot, PilotStatus
    from procurement.models import Vendor

    vendors = Vendor.objects.bulk_create(
        [Vendor(name=f"Bench vendor {i:04d}", region="nearshore") for i in range(n_vendors)]
    )
    User.objects.bulk_create(
        [
            User(
                email=f"agent{i}@bench.example", role=Role.VENDOR, vendor=v, full_name=f"Agent {i}"
            )
            for i, v in enumerate(vendors)
        ]
    )
    buyer = User.objects.create_user("buyer@bench.example", "x", role=Role.PROCUREMENT)
    User.objects.create_user("manager@bench.example", "x", role=Role.MANAGER, language="en")
    User.objects.create_user("manager.nl@bench.example", "x", role=Role.MANAGER, language="nl")
    author = User.objects.filter(role=Role.VENDOR).first()
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                vendor=vendors[i % len(vendors)],
                channel="email",
                start_date=MONTH,
                months=12,
                target_aht_minutes=10,
                target_cost_per_ticket="3.33",
                monthly_charge="3100.00",
                credit_pct_per_missed_kpi=5,
                credit_cap_pct=15,
                created_by=buyer,
            )
            for i in range(n_contracts)
        ],
        batch_size=2000,
    )
    # Pilots on day 20 of 90 whose yesterday (30 April) has no entry.
    Pilot.objects.bulk_create(
        [
            Pilot(
                vendor=vendors[i % len(vendors)],
                channel="email",
                start_date=AS_OF - timedelta(days=20),
                length_days=90,
                status=PilotStatus.RUNNING,
                target_aht_minutes=10,
                target_cost_per_ticket="3.33",
                created_by=buyer,
            )
            for i in range(n_pilots)
        ],
        batch_size=2000,
    )
    columns = (
        "contract_id, day, tickets, csat_responses, csat_positive, frt_minutes, aht_minutes, "
        "fcr_resolved, cost, qa_sampled, note, correction_reason, late, entered_by_id, created_at, "
        "updated_at"
    )
    now = "2026-05-01 06:00:00+00"
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor().copy(f"COPY contracts_contractkpientry ({columns}) FROM STDIN") as copy:
            for index, contract in enumerate(contracts):
                for n in range(30):
                    positive = 9 if (index + n) % 5 else 8
                    copy.write_row(
                        (contract.pk, MONTH + timedelta(days=n), 20, 10, positive, "30.00",
                         "9.00", 16 if index % 3 else 12, "60.00", 2, "", "", False, author.pk,
                         now, now)
                    )  # fmt: skip
        for table in ("contracts_contractkpientry", "contracts_contract", "pilots_pilot"):
            cursor.execute(f"ANALYZE {table}")
    return {
        "contracts": n_contracts,
        "contract_entries": n_contracts * 30,
        "pilots": n_pilots,
        "vendors": n_vendors,
    }


def _sql_floor() -> float:
    """Seconds for the raw GROUP BY of month closing's sums: every contract's entries of the
    month summed, nothing else (the best of three). The least SQL that reads the job's input;
    it writes nothing (the job writes a period a contract and refreshes its alerts)."""
    from django.db import connection

    sql = (
        "SELECT contract_id, SUM(tickets), SUM(csat_responses), SUM(csat_positive), "
        "SUM(frt_minutes * tickets), SUM(aht_minutes * tickets), SUM(fcr_resolved), "
        "SUM(cost), SUM(qa_sampled), COUNT(*) FROM contracts_contractkpientry "
        "WHERE day BETWEEN %s AND %s GROUP BY contract_id"
    )
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(3):
            began = time.perf_counter()
            cursor.execute(sql, [MONTH, AS_OF - timedelta(days=1)])
            cursor.fetchall()
            best = min(best, time.perf_counter() - began)
    return best


def _measure(n_contracts: int) -> dict:
    from django.core import mail
    from django.db import connection

    from contracts import closing
    from contracts.closing import contracts_close_due_months
    from pilots.reminders import missing_day_reminders_send

    figures: dict = {}
    floor_seconds = _sql_floor()
    counter = QueryCounter()
    batches = -(-n_contracts // BATCH_SIZE)
    phases = Phases(
        {
            "build (kpis.rules, credits)": (closing, "period_build"),
            "writes (periods)": (closing, "bulk_insert"),
            "alert refresh": (closing, "contract_alerts_refresh"),
        }
    )
    with connection.execute_wrapper(counter), connection.execute_wrapper(phases), phases:
        start, cpu = time.perf_counter(), time.process_time()
        closed = contracts_close_due_months(as_of=AS_OF, batch_size=BATCH_SIZE).created
        seconds = time.perf_counter() - start
        phases.cpu_seconds = time.process_time() - cpu
    again = contracts_close_due_months(as_of=AS_OF, batch_size=BATCH_SIZE).created
    figures.update(
        close_months=len(closed),
        close_second_run=len(again),
        close_seconds=round(seconds, 2),
        close_queries=counter.count,
        close_batches=batches,
        close_queries_per_batch=round(counter.count / batches, 1),
        close_meets_target=seconds < TARGET_CLOSE_SECONDS,
        close_floor_seconds=round(floor_seconds, 3),
        close_to_floor=round(seconds / floor_seconds, 1),
        floor={"month closing": floor_figures(seconds, floor_seconds)},
        close_phases=phases.figures(seconds),
    )

    # A worker is warm after its first task: load the URL conf and the templates once, as
    # it has, so the figure is the job's own (a cold process adds ~1 s once).
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("contracts:contract_list")
    for part in ("subject.txt", "body.txt", "body.html"):
        get_template(f"emails/missing-day-reminder-{part}")
    mail.outbox = []
    counter.count = 0
    at = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        sent = missing_day_reminders_send(at=at)
        seconds = time.perf_counter() - start
    again = missing_day_reminders_send(at=at)
    figures.update(
        reminders_sent=len(sent),
        reminders_second_run=len(again),
        reminder_messages=len(mail.outbox),
        reminder_seconds=round(seconds, 2),
        reminder_queries=counter.count,
        reminder_meets_target=seconds < TARGET_REMINDER_SECONDS,
    )
    return figures


def run(n_contracts: int = 2_000, n_pilots: int = 2_000, n_vendors: int = 200) -> dict:
    with own_database("vp_bench_contracts"):
        from django.core.management import call_command
        from django.db import connection
        from django.test import override_settings

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        loaded = _load(n_contracts, n_pilots, n_vendors)
        load_seconds = time.perf_counter() - start
        # In memory (`make bench` runs with the production settings): `mail.outbox` counts.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            figures = _measure(n_contracts)
        connection.close()
        return {**loaded, "load_seconds": round(load_seconds, 2), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=2_000)
    parser.add_argument("--pilots", type=int, default=2_000)
    parser.add_argument("--vendors", type=int, default=200)
    args = parser.parse_args()
    figures = run(args.contracts, args.pilots, args.vendors)
    print(json.dumps(figures, indent=2))
    print(floor_line("month closing", figures["floor"]["month closing"]))
    print(f"phases: {phases_line(figures['close_phases'])}")
    print(f"(target: the job within {TARGET_FLOOR_RATIO}× of its SQL floor)")


if __name__ == "__main__":
    main()
