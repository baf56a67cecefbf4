"""Benchmark of the checkpoint sweep on PostgreSQL (issue 6: ≥ 500 pilots/s, constant
queries per batch).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks.bench_sweep
    python -m benchmarks.bench_sweep --pilots 2000 --days 60

It creates a throwaway database next to DATABASE_URL's (dropped afterwards), loads
`n_pilots` pilots that are all due (day 60 is over, so days 30 and 60 both need a
scorecard: the catch-up worst case) with `days` daily entries each (PostgreSQL COPY), then
times:

1. the sweep — `pilots_evaluate_due`: due checkpoints, KPI sums in the database per batch,
   scorecards, checkpoint alerts and the missing-day / KPI alert refresh;
2. the e-mails — new scorecards claimed and sent in this process (recipients, text + HTML
   in each recipient's language, the PNG chart) to Django's **locmem** backend (an
   in-memory sink, no network), as the `evaluate_pilots` command does. In production each
   scorecard's e-mail is its own Celery task, shared by the workers. By default a sample of
   1,000 scorecards is timed (`--all-emails` sends every one).

`run()` returns the figures as a dict so `make bench` can record them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_PILOTS_PER_SECOND = 500
BATCH_SIZE = 500
AS_OF = date(2026, 6, 1)


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench_sweep needs PostgreSQL: set DATABASE_URL=postgres://…")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


class QueryCounter:
    """Counts every SQL statement (cheaper than capturing their text)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _load(n_pilots: int, days: int) -> dict:
    from django.db import connection

    from accounts.models import Role, User
    from pilots.models import Pilot, PilotStatus
    from procurement.models import Vendor

    vendor = Vendor.objects.create(name="Bench Contact", region="nearshore")
    author = User.objects.create_user("agent@bench.example", "x", role=Role.VENDOR, vendor=vendor)
    buyer = User.objects.create_user("buyer@bench.example", "x", role=Role.PROCUREMENT)
    # Two managers in two languages: two messages per scorecard.
    User.objects.create_user("manager@bench.example", "x", role=Role.MANAGER, language="en")
    User.objects.create_user("manager.nl@bench.example", "x", role=Role.MANAGER, language="nl")
    start = AS_OF - timedelta(days=days)  # day `days` is over on AS_OF
    pilots = Pilot.objects.bulk_create(
        [
            Pilot(
                vendor=vendor,
                channel="email",
                start_date=start,
                length_days=max(30, min(days, 90)),
                status=PilotStatus.RUNNING,
                target_aht_minutes=10,
                target_cost_per_ticket="3.33",
                created_by=buyer,
            )
            for _ in range(n_pilots)
        ],
        batch_size=2000,
    )
    columns = (
        "pilot_id, day, tickets, csat_responses, csat_positive, frt_minutes, aht_minutes, "
        "fcr_resolved, cost, qa_sampled, note, late, entered_by_id, created_at, updated_at"
    )
    now = "2026-06-01 06:00:00+00"
    with connection.cursor() as cursor:
        raw = cursor.connection  # the psycopg 3 connection: COPY is the fast path
        with raw.cursor().copy(f"COPY pilots_kpientry ({columns}) FROM STDIN") as copy:
            for index, pilot in enumerate(pilots):
                for n in range(days):
                    # Vary the days so pilots get different verdicts.
                    positive = 9 if (index + n) % 5 else 8
                    copy.write_row(
                        (
                            pilot.pk,
                            start + timedelta(days=n),
                            20,
                            10,
                            positive,
                            "30.00",
                            "9.00",
                            16 if index % 3 else 12,
                            "60.00",
                            2,
                            "",
                            False,
                            author.pk,
                            now,
                            now,
                        )
                    )
        cursor.execute("ANALYZE pilots_kpientry")
        cursor.execute("ANALYZE pilots_pilot")
    return {"pilots": len(pilots), "entries": len(pilots) * days}


EMAIL_SAMPLE = 1_000


def run(n_pilots: int = 10_000, days: int = 60, emails: int | None = EMAIL_SAMPLE) -> dict:
    """`emails`: how many of the new scorecards to e-mail (None: all, 0: none)."""
    server = _server_url()
    name = f"vp_bench_sweep_{uuid.uuid4().hex[:8]}"
    _admin_execute(server, f'CREATE DATABASE "{name}"')
    original_name = None
    try:
        from django.conf import settings

        if settings.configured:
            # Inside `make bench`: Django is set up already, and the connection may still
            # name a database an earlier module dropped. Point it at ours explicitly.
            from django.db import connections

            connections.close_all()
            original_name = connections["default"].settings_dict["NAME"]
            connections["default"].settings_dict["NAME"] = name
        else:
            os.environ["DATABASE_URL"] = _with_database(server, name)
            os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # locmem e-mail
            os.environ.setdefault("LOG_LEVEL", "WARNING")
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        load_start = time.perf_counter()
        loaded = _load(n_pilots, days)
        load_seconds = time.perf_counter() - load_start
        figures = _measure(n_pilots, emails=emails)
        connection.close()
        return {**loaded, "days": days, "load_seconds": round(load_seconds, 2), **figures}
    finally:
        from django.db import connections

        connections.close_all()
        if original_name is not None:
            connections["default"].settings_dict["NAME"] = original_name
        _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(n_pilots: int, *, emails: int | None) -> dict:
    from django.core import mail
    from django.db import connection

    from pilots.evaluation.sweep import pilots_evaluate_due
    from pilots.tasks import EMAIL_BATCH_SIZE, send_scorecard_emails

    mail.outbox = []
    counter = QueryCounter()
    batches = -(-n_pilots // BATCH_SIZE)
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        created = pilots_evaluate_due(as_of=AS_OF, batch_size=BATCH_SIZE)
        sweep_seconds = time.perf_counter() - start
    sweep_queries = counter.count

    # Idempotent: the same sweep again makes nothing.
    again = pilots_evaluate_due(as_of=AS_OF, batch_size=BATCH_SIZE)

    figures = {
        "scorecards": len(created),
        "second_run_scorecards": len(again),
        "batch_size": BATCH_SIZE,
        "batches": batches,
        "sweep_seconds": round(sweep_seconds, 2),
        "sweep_pilots_per_second": round(n_pilots / sweep_seconds),
        "sweep_queries": sweep_queries,
        "queries_per_batch": round(sweep_queries / batches, 1),
        "queries_per_pilot": round(sweep_queries / n_pilots, 4),
        "meets_target": n_pilots / sweep_seconds >= TARGET_PILOTS_PER_SECOND,
    }
    if emails != 0:
        sample = created if emails is None else created[:emails]
        counter.count = 0
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            # The worker's path: a task per batch (claim each, one SMTP connection).
            ids = [card.pk for card in sample]
            sent = sum(
                send_scorecard_emails.apply(args=[ids[i : i + EMAIL_BATCH_SIZE]]).get()
                for i in range(0, len(ids), EMAIL_BATCH_SIZE)
            )
            email_seconds = time.perf_counter() - start
        per_scorecard = email_seconds / max(sent, 1)
        figures.update(
            {
                "email_backend": "locmem (in-memory sink)",
                "emails_sent": sent,
                "messages": len(mail.outbox),
                "email_seconds": round(email_seconds, 2),
                "email_ms_per_scorecard": round(per_scorecard * 1000, 1),
                "emails_per_second": round(sent / email_seconds) if email_seconds else None,
                "email_queries_per_scorecard": round(counter.count / max(sent, 1), 1),
                # Every scorecard of the run e-mailed by one process, after the sweep:
                "one_process_all_emails_seconds": round(per_scorecard * len(created), 1),
                "png_bytes_avg": round(
                    sum(len(a.get_payload(decode=True)) for m in mail.outbox for a in m.attachments)
                    / max(len(mail.outbox), 1)
                ),
            }
        )
    return figures


def _print_table(figures: dict) -> None:
    rows = [
        ("pilots due", f"{figures['pilots']:,}"),
        ("daily entries", f"{figures['entries']:,} ({figures['days']} a pilot)"),
        ("load (COPY)", f"{figures['load_seconds']} s"),
        (
            "scorecards made",
            f"{figures['scorecards']:,} (second run: {figures['second_run_scorecards']})",
        ),
        ("batches", f"{figures['batches']} × {figures['batch_size']} pilots"),
        ("sweep", f"{figures['sweep_seconds']} s"),
        (
            "sweep pilots/s",
            f"{figures['sweep_pilots_per_second']:,} (target ≥ {TARGET_PILOTS_PER_SECOND})",
        ),
        ("sweep queries", f"{figures['sweep_queries']:,}"),
        ("queries per batch", f"{figures['queries_per_batch']}"),
        ("queries per pilot", f"{figures['queries_per_pilot']}"),
    ]
    if "emails_sent" in figures:
        rows += [
            ("e-mail backend", figures["email_backend"]),
            (
                "e-mails timed",
                f"{figures['emails_sent']:,} scorecards, {figures['messages']:,} messages (2 languages)",
            ),
            (
                "e-mail time",
                f"{figures['email_seconds']} s = {figures['email_ms_per_scorecard']} ms a scorecard ({figures['emails_per_second']:,}/s, one process)",
            ),
            ("queries per e-mail", f"{figures['email_queries_per_scorecard']}"),
            ("PNG chart", f"{figures['png_bytes_avg']:,} bytes on average"),
            (
                "all e-mails, one process",
                f"{figures['one_process_all_emails_seconds']} s (Celery workers share it)",
            ),
        ]
    rows.append(("meets target", "yes" if figures["meets_target"] else "NO"))
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--no-emails", action="store_true", help="time the sweep only")
    parser.add_argument("--all-emails", action="store_true", help="e-mail every scorecard")
    args = parser.parse_args()
    emails = 0 if args.no_emails else (None if args.all_emails else EMAIL_SAMPLE)
    figures = run(n_pilots=args.pilots, days=args.days, emails=emails)
    _print_table(figures)
    sys.exit(0 if figures["meets_target"] else 1)


if __name__ == "__main__":
    main()
