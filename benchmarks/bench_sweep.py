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
   Beside it, the floor: the raw `GROUP BY` that sums the same rows per pilot and window
   (what no sweep can beat); the sweep should stay within 8× of it.
2. the e-mails — new scorecards claimed and sent in this process, the worker's path (a
   task per batch of scorecards: claims, recipients, text + HTML in each recipient's
   language, the PNG chart) over SMTP to a local sink (aiosmtpd's `Sink` handler in its own
   process; `--locmem` uses Django's in-memory backend instead). By default a sample of
   1,000 scorecards is timed (`--all-emails` sends every one); then, send only, the next
   scorecards' messages, queued beforehand (target ≥ 150 messages/s with the worker's path,
   one process; queries per message and per batch).

`run()` returns the figures as a dict so `make bench` can record them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import uuid
from contextlib import contextmanager
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


class Phases:
    """Where a job's time goes: seconds inside named module-level functions (patched for the
    run, restored after) and inside the database (every statement, sending included). The
    timers cost a clock read per call (≈ 0.1% of the sweep)."""

    def __init__(self, targets: dict[str, tuple[object, str]]) -> None:
        self.targets = targets
        self.seconds = dict.fromkeys(targets, 0.0)
        self.sql_seconds = 0.0
        self.cpu_seconds: float | None = None  # this process's CPU, set by the caller
        self._saved: list[tuple[object, str, object]] = []

    def _wrap(self, label: str, function):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - began

        return timed

    def __call__(self, execute, sql, params, many, context):  # a connection.execute_wrapper
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - began

    def __enter__(self) -> Phases:
        for label, (module, name) in self.targets.items():
            function = getattr(module, name, None)
            if function is None:  # older code (a comparison run): that phase is "rest"
                self.seconds.pop(label, None)
                continue
            self._saved.append((module, name, function))
            setattr(module, name, self._wrap(label, function))
        return self

    def __exit__(self, *exc) -> None:
        for module, name, function in reversed(self._saved):
            setattr(module, name, function)
        self._saved.clear()

    def figures(self, total: float) -> dict:
        out = {label: round(seconds, 2) for label, seconds in self.seconds.items()}
        out["rest"] = round(total - sum(self.seconds.values()), 2)
        out["of which SQL (all phases)"] = round(self.sql_seconds, 2)
        if self.cpu_seconds is not None:
            # On a shared machine the wall time stretches; this process's CPU much less.
            out["this process's CPU"] = round(self.cpu_seconds, 2)
        return out


def phases_line(phases: dict) -> str:
    return " · ".join(f"{label} {seconds} s" for label, seconds in phases.items())


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
        "fcr_resolved, cost, qa_sampled, note, correction_reason, late, entered_by_id, created_at, "
        "updated_at"
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
TARGET_EMAILS_PER_SECOND = 150
TARGET_FLOOR_RATIO = 8


class SmtpSink:
    """A local SMTP server that accepts and drops every message, in its own process (so its
    work is not counted as the sender's)."""

    def __enter__(self) -> SmtpSink:
        import socket
        import subprocess

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Sink"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.process.kill()
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run(
    n_pilots: int = 10_000,
    days: int = 60,
    emails: int | None = EMAIL_SAMPLE,
    smtp: bool = True,
) -> dict:
    """`emails`: how many of the new scorecards to e-mail (None: all, 0: none); `smtp`: to a
    local SMTP sink (else Django's in-memory backend)."""
    with own_database("vp_bench_sweep"):
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        load_start = time.perf_counter()
        loaded = _load(n_pilots, days)
        load_seconds = time.perf_counter() - load_start
        figures = _measure(n_pilots, emails=emails, smtp=smtp, days=days)
        connection.close()
        return {**loaded, "days": days, "load_seconds": round(load_seconds, 2), **figures}


@contextlib.contextmanager
def own_database(prefix: str):
    """A throwaway PostgreSQL database `<prefix>_<random>` for one bench module, dropped at
    the end. Inside `make bench` Django is set up already (and the connection may still name
    a database an earlier module dropped): the connection is pointed at ours and back after.
    Alone, Django is set up on it with the test settings (e-mail in memory)."""
    server = _server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin_execute(server, f'CREATE DATABASE "{name}"')
    original_name = None
    try:
        from django.conf import settings

        if settings.configured:
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
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        if original_name is not None:
            connections["default"].settings_dict["NAME"] = original_name
        _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def floor_figures(job_seconds: float, floor_seconds: float) -> dict:
    """A job beside its SQL floor (issue 22: within TARGET_FLOOR_RATIO× of it)."""
    ratio = job_seconds / floor_seconds
    return {
        "job_seconds": round(job_seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "ratio": round(ratio, 1),
        "target_ratio": TARGET_FLOOR_RATIO,
        "verdict": "ok" if ratio <= TARGET_FLOOR_RATIO else "not met",
    }


def floor_line(label: str, floor: dict) -> str:
    return (
        f"{label} {floor['job_seconds']} s, SQL floor {floor['floor_seconds']} s: "
        f"{floor['ratio']}× (target ≤ {floor['target_ratio']}×: {floor['verdict']})"
    )


def _sql_floor(days: int) -> float:
    """Seconds for the raw GROUP BY of the sweep's sums: every pilot's entries summed per
    checkpoint window (day 30 and day `days`), nothing else (the best of three). The least
    SQL that reads the sweep's input; it writes nothing (the sweep writes 2 scorecards and
    2–3 alerts a pilot) and reads no alert (the sweep's refresh reads the open ones)."""
    from django.db import connection

    start = AS_OF - timedelta(days=days)
    windows = [(start, start + timedelta(days=29)), (start, start + timedelta(days=days - 1))]
    sql = (
        "SELECT pilot_id, SUM(tickets), SUM(csat_responses), SUM(csat_positive), "
        "SUM(frt_minutes * tickets), SUM(aht_minutes * tickets), SUM(fcr_resolved), "
        "SUM(cost), SUM(qa_sampled), COUNT(*) FROM pilots_kpientry "
        "WHERE day BETWEEN %s AND %s GROUP BY pilot_id"
    )
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(3):
            began = time.perf_counter()
            for low, high in windows:
                cursor.execute(sql, [low, high])
                cursor.fetchall()
            best = min(best, time.perf_counter() - began)
    return best


def _measure(n_pilots: int, *, emails: int | None, smtp: bool = True, days: int = 60) -> dict:
    from django.core import mail
    from django.db import connection

    from pilots.evaluation import sweep
    from pilots.evaluation.sweep import pilots_evaluate_due

    mail.outbox = []
    floor_seconds = _sql_floor(days)
    counter = QueryCounter()
    batches = -(-n_pilots // BATCH_SIZE)
    phases = Phases(
        {
            "sums": (sweep, "kpi_totals_for_windows"),
            "build (kpis.rules)": (sweep, "scorecard_build"),
            "writes (scorecards, checkpoint alerts)": (sweep, "bulk_insert"),
            "alert refresh": (sweep, "alerts_refresh"),
        }
    )
    with connection.execute_wrapper(counter), connection.execute_wrapper(phases), phases:
        start, cpu = time.perf_counter(), time.process_time()
        created = pilots_evaluate_due(as_of=AS_OF, batch_size=BATCH_SIZE)
        sweep_seconds = time.perf_counter() - start
        phases.cpu_seconds = time.process_time() - cpu
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
        "sql_floor_seconds": round(floor_seconds, 3),
        "sweep_to_floor": round(sweep_seconds / floor_seconds, 1),
        "floor": {"sweep": floor_figures(sweep_seconds, floor_seconds)},
        "sweep_phases": phases.figures(sweep_seconds),
        "meets_target": n_pilots / sweep_seconds >= TARGET_PILOTS_PER_SECOND
        and sweep_seconds / floor_seconds <= TARGET_FLOOR_RATIO,
    }
    if emails != 0:
        figures.update(_measure_emails(created, emails=emails, smtp=smtp, counter=counter))
        figures["meets_target"] = figures["meets_target"] and figures["emails_meet_target"]
    return figures


def _measure_emails(created: list, *, emails: int | None, smtp: bool, counter) -> dict:
    """Scorecard e-mails to the sink, one process (issue 22: ≥ 150 messages/s):

    1. the worker's path — `pilots.send_scorecard_emails` per batch of EMAIL_BATCH_SIZE
       scorecards: recipients, text + HTML per language, the chart drawn once per scorecard
       and language (stored), the outbox rows, then claimed and sent over one connection;
    2. send only — other scorecards' messages queued beforehand (not timed), then
       `outbox.send_due`: claim, the batch's stored charts, MIME, SMTP, marked sent, settled.
    """
    from django.apps import apps
    from django.db import connection
    from django.urls import get_resolver

    from common import outbox
    from common.models import OutboxMessage
    from pilots.evaluation.emails import KIND, scorecard_emails_enqueue
    from pilots.tasks import EMAIL_BATCH_SIZE, send_scorecard_emails

    ids = [card.pk for card in created]
    sample = ids if emails is None else ids[:emails]
    rest = ids[len(sample) :][: len(sample)]
    if not rest:  # too few scorecards for two samples: half each
        sample, rest = sample[: len(sample) // 2 or 1], sample[len(sample) // 2 or 1 :]
    get_resolver().reverse_dict  # noqa: B018 - the URLconf, loaded once per worker process
    with _email_backend(smtp) as (backend, count_messages):
        counter.count = 0
        with connection.execute_wrapper(counter):
            start, cpu = time.perf_counter(), time.process_time()
            for i in range(0, len(sample), EMAIL_BATCH_SIZE):
                send_scorecard_emails.apply(args=[sample[i : i + EMAIL_BATCH_SIZE]]).get()
            worker_seconds = time.perf_counter() - start
            worker_cpu = time.process_time() - cpu
        worker_messages = count_messages()
        worker_queries = counter.count
        try:  # the stored charts (none before issue 22: a chart per message)
            charts = apps.get_model("pilots", "ScorecardChart").objects.filter(
                scorecard_id__in=sample
            )
            charts = charts.count()
        except LookupError:
            charts = None
        # Send only: the rest's messages queued first.
        for i in range(0, len(rest), EMAIL_BATCH_SIZE):
            scorecard_emails_enqueue(scorecard_ids=rest[i : i + EMAIL_BATCH_SIZE])
        queued = OutboxMessage.objects.filter(kind=KIND, sent_at=None, failed_at=None).count()
        counter.count = 0
        with connection.execute_wrapper(counter):
            start, cpu = time.perf_counter(), time.process_time()
            send_only_sent = len(outbox.send_due(kinds=[KIND]))
            send_seconds = time.perf_counter() - start
            send_cpu = time.process_time() - cpu
        send_messages = count_messages() - worker_messages
        send_queries = counter.count
    rate = worker_messages / worker_seconds if worker_seconds else 0.0
    send_rate = send_messages / send_seconds if send_seconds else 0.0
    outbox_batches = -(-send_messages // outbox.batch_size())
    return {
        "email_backend": backend,
        "email_scorecards": len(sample),
        "messages": worker_messages,
        "messages_per_scorecard": round(worker_messages / max(len(sample), 1), 2),
        "charts_drawn": charts,
        "email_seconds": round(worker_seconds, 2),
        "messages_per_second": round(rate),
        "email_ms_per_message": round(1000 * worker_seconds / max(worker_messages, 1), 2),
        # This process's CPU alone (not the database's nor the sink's): steadier than the
        # wall clock on a shared machine.
        "email_cpu_ms_per_message": round(1000 * worker_cpu / max(worker_messages, 1), 2),
        "email_queries_per_message": round(worker_queries / max(worker_messages, 1), 2),
        "email_queries_per_task": round(
            worker_queries / max(-(-len(sample) // EMAIL_BATCH_SIZE), 1), 1
        ),
        "send_only_messages": send_messages,
        "send_only_queued": queued,
        "send_only_marked_sent": send_only_sent,
        "send_only_seconds": round(send_seconds, 2),
        "send_only_messages_per_second": round(send_rate),
        "send_only_ms_per_message": round(1000 * send_seconds / max(send_messages, 1), 2),
        "send_only_cpu_ms_per_message": round(1000 * send_cpu / max(send_messages, 1), 2),
        "send_only_queries_per_message": round(send_queries / max(send_messages, 1), 2),
        "send_only_queries_per_batch": round(send_queries / max(outbox_batches, 1), 1),
        "outbox_batch_size": outbox.batch_size(),
        # Every scorecard of the run e-mailed by one process, after the sweep:
        "one_process_all_emails_seconds": round(
            worker_seconds / max(len(sample), 1) * len(created), 1
        ),
        "emails_meet_target": rate >= TARGET_EMAILS_PER_SECOND,
    }


@contextmanager
def _email_backend(smtp: bool):
    """Yields (its name, a function counting the messages sent)."""
    from django.core import mail
    from django.test import override_settings

    if not smtp:
        mail.outbox = []
        yield "locmem (in-memory)", lambda: len(mail.outbox)
        return
    sent = []

    from django.core.mail.backends.smtp import EmailBackend

    original = EmailBackend._send

    def counted(self, message):
        ok = original(self, message)
        if ok:
            sent.append(1)
        return ok

    with (
        SmtpSink() as sink,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ),
    ):
        EmailBackend._send = counted
        try:
            yield f"SMTP to a local sink (aiosmtpd, 127.0.0.1:{sink.port})", lambda: len(sent)
        finally:
            EmailBackend._send = original


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
        ("sweep vs SQL floor", floor_line("sweep", figures["floor"]["sweep"])),
        ("sweep phases", phases_line(figures["sweep_phases"])),
    ]
    if "messages" in figures:
        verdict = "ok" if figures["emails_meet_target"] else "not met"
        rows += [
            ("e-mail backend", figures["email_backend"]),
            (
                "e-mails timed",
                f"{figures['email_scorecards']:,} scorecards, {figures['messages']:,} messages "
                f"({figures['messages_per_scorecard']} a scorecard), "
                f"{figures['charts_drawn'] if figures['charts_drawn'] is not None else '—'} charts stored",
            ),
            (
                "enqueue + send",
                f"{figures['email_seconds']} s = {figures['email_ms_per_message']} ms a message "
                f"(the worker's task, one process; its CPU {figures['email_cpu_ms_per_message']} ms)",
            ),
            (
                "messages per second",
                f"{figures['messages_per_second']:,} (target ≥ {TARGET_EMAILS_PER_SECOND}, "
                f"one process): {verdict}",
            ),
            (
                "queries (enqueue + send)",
                f"{figures['email_queries_per_message']} a message, "
                f"{figures['email_queries_per_task']} a task",
            ),
            (
                "send only",
                f"{figures['send_only_messages']:,} messages in {figures['send_only_seconds']} s "
                f"= {figures['send_only_messages_per_second']:,}/s "
                f"({figures['send_only_ms_per_message']} ms a message; "
                f"CPU {figures['send_only_cpu_ms_per_message']} ms)",
            ),
            (
                "queries (send only)",
                f"{figures['send_only_queries_per_message']} a message, "
                f"{figures['send_only_queries_per_batch']} a batch of "
                f"{figures['outbox_batch_size']}",
            ),
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
    parser.add_argument(
        "--locmem", action="store_true", help="Django's in-memory backend instead of SMTP"
    )
    args = parser.parse_args()
    emails = 0 if args.no_emails else (None if args.all_emails else EMAIL_SAMPLE)
    figures = run(n_pilots=args.pilots, days=args.days, emails=emails, smtp=not args.locmem)
    _print_table(figures)
    sys.exit(0 if figures["meets_target"] else 1)


if __name__ == "__main__":
    main()
