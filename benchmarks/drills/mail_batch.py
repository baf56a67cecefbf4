"""Drill: the e-mail outbox under faults (issue 21) — a mail batch killed mid-way, and a
recipient the SMTP server refuses.

    python -m benchmarks.drills.mail_batch [--fault kill|refused|both] [--managers 10] [--at 3]

A PRIVATE redis-server on 127.0.0.1:6390 is the broker of a real Celery worker; e-mail goes to
an aiosmtpd sink on loopback; the app runs with production settings on a throwaway database.

kill: `manage.py send_digest` for `--managers` managers is SIGKILLed once the sink accepted
  `--at` digests (the next one hangs at DATA, so exactly that many were accepted). Checked:
  those are marked sent and nothing else; a rerun at once sends nothing twice; once the
  killed sender's lease expired, the worker's `common.send_outbox` (what beat runs every
  minute) sends exactly the rest — every manager exactly one digest, none lost.
refused: a contract month is closed by the worker for two managers and two vendor users;
  the server refuses one vendor user for good (550) and the other once (451). Checked: the
  managers get exactly one each and are never sent again, the 451 is retried and delivered
  once, the 550 is recorded as failed (never retried); more runs send nothing more.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from benchmarks import support
from benchmarks.drills.common import (
    PRIVATE_REDIS_PORT,
    Drill,
    SmtpSink,
    private_redis,
    wait_until,
    worker_cmd,
)

DB = "vp_bench_drill_mail"
MONDAY = date(2026, 11, 30)  # a Monday that has happened: no job runs for a future day
# Seconds, not minutes, so the drill sees a lease expire and a retry back off.
FAST = {"OUTBOX_LEASE_SECONDS": "30", "OUTBOX_RETRY_BASE_SECONDS": "1", "OUTBOX_BATCH_SIZE": "50"}


def _managers(n: int) -> list[str]:
    from accounts.models import Role, User

    emails = [f"m{i:02d}@drill.example" for i in range(n)]
    for email in emails:
        User.objects.create_user(email, "drill-pass-2026", role=Role.MANAGER, full_name=email)
    return emails


def kill_drill(drill: Drill, args, db_url: str, broker: str, workdir: Path) -> None:
    from django.db import connections

    from common.models import OutboxMessage

    emails = _managers(args.managers)
    connections.close_all()
    with SmtpSink(hold_after=args.at) as sink:
        env = support.app_environment(db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url, **FAST)
        drill.step(f"send_digest for {len(emails)} managers; SIGKILL after {args.at} accepted")
        process = support.start(
            [sys.executable, "manage.py", "send_digest", "--date", MONDAY.isoformat()],
            env=env,
            log=workdir / "send_digest.log",
        )
        reached = wait_until(lambda: len(sink.messages) >= args.at, timeout=120, interval=0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        sink.release()
        if not drill.check(
            reached, "the kill happened mid-batch", f"{len(sink.messages)} accepted"
        ):
            return
        rows = OutboxMessage.objects.filter(kind="weekly_digest")
        sent = rows.filter(sent_at__isnull=False).count()
        drill.check(
            sent == len(sink.messages) == args.at,
            "each accepted digest marked sent right away, no other",
            f"{sent} marked, {len(sink.messages)} at the sink",
        )
        rerun = subprocess.run(
            [sys.executable, "manage.py", "send_digest", "--date", MONDAY.isoformat()],
            env=env, cwd=support.ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        drill.check(
            rerun.returncode == 0 and len(sink.messages) == args.at,
            "a rerun at once sends nothing twice (the killed sender's lease holds)",
            f"{len(sink.messages)} at the sink",
        )
        with private_redis(log=workdir / "redis.log"):
            from config.celery_app import app

            worker = support.start(worker_cmd(1), env=env, log=workdir / "worker.log")
            try:
                wait_until(lambda: False, timeout=float(FAST["OUTBOX_LEASE_SECONDS"]) + 1)
                drill.step("lease expired; the worker runs common.send_outbox (as beat would)")

                def done() -> bool:
                    app.send_task("common.send_outbox")
                    return len(sink.messages) >= len(emails)

                wait_until(done, timeout=120, interval=2)
                time.sleep(3)  # late duplicates would show up now
            finally:
                support.stop(worker)
        received = Counter(m["to"][0] for m in sink.messages)
        drill.check(
            set(received) == set(emails), "no digest lost", f"{len(received)} of {len(emails)}"
        )
        drill.check(
            all(n == 1 for n in received.values()) and not sink.duplicates(),
            "no digest twice",
            f"{sum(received.values())} messages for {len(received)} managers",
        )


def refused_drill(drill: Drill, args, db_url: str, broker: str, workdir: Path) -> None:
    from django.db import connections

    from accounts.models import Role, User
    from common.models import OutboxMessage
    from contracts.models import Contract, ContractPeriod
    from procurement.models import Vendor

    for email in ("max@drill.example", "mies@drill.example"):
        User.objects.create_user(email, "drill-pass-2026", role=Role.MANAGER)
    managers = list(User.objects.filter(role=Role.MANAGER).values_list("email", flat=True))
    vendor = Vendor.objects.create(name="Drill Vendor", region="nearshore", country="Portugal")
    refused, deferred = "ana@vendor.example", "bo@vendor.example"
    for email in (refused, deferred):
        User.objects.create_user(email, "drill-pass-2026", role=Role.VENDOR, vendor=vendor)
    buyer = User.objects.create_user("buyer@drill.example", "x", role=Role.PROCUREMENT)
    Contract.objects.create(
        vendor=vendor, channel="email", start_date=date(2026, 10, 1), months=12,
        target_csat_pct=85, target_frt_minutes=60, target_aht_minutes=10, target_fcr_pct=70,
        target_cost_per_ticket=3, created_by=buyer,
    )  # fmt: skip
    connections.close_all()
    with SmtpSink(refuse={refused: "550", deferred: "451"}) as sink:
        env = support.app_environment(db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url, **FAST)
        with private_redis(log=workdir / "redis-2.log"):
            from config.celery_app import app

            worker = support.start(worker_cmd(1), env=env, log=workdir / "worker-2.log")
            try:
                time.sleep(3)
                drill.step("the worker closes October: 2 managers, 2 vendor users (550, 451)")
                app.send_task("contracts.close_due_months", kwargs={"as_of": "2026-11-01"})

                rows = OutboxMessage.objects.filter(kind="contract_scorecard")

                def settled() -> bool:
                    app.send_task("common.send_outbox")  # beat, every minute
                    return rows.exists() and not rows.filter(sent_at=None, failed_at=None).exists()

                wait_until(settled, timeout=120, interval=1.5)
                drill.step("the job and the outbox run again, three times")
                app.send_task("contracts.close_due_months", kwargs={"as_of": "2026-11-01"})
                for _ in range(3):
                    app.send_task("common.send_outbox")
                time.sleep(5)
            finally:
                support.stop(worker)
    received = Counter(m["to"][0] for m in sink.messages)
    drill.check(
        all(received[m] == 1 for m in managers),
        "each manager exactly one scorecard, never resent",
        str(dict(received)),
    )
    drill.check(received[deferred] == 1, "the 451 recipient retried and delivered once", "")
    row = OutboxMessage.objects.filter(to_email=refused).first()
    drill.check(
        received[refused] == 0
        and row is not None
        and row.failed_at is not None
        and row.attempts == 1,
        "the 550 recipient recorded as failed, never retried",
        row.last_error if row else "no row",
    )
    period = ContractPeriod.objects.first()
    drill.check(
        period is not None and period.emailed_at is not None,
        "the month's emailed_at set from the outbox",
        "",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fault", choices=["kill", "refused", "both"], default="both")
    parser.add_argument("--managers", type=int, default=10)
    parser.add_argument("--at", type=int, default=3, help="kill after this many accepted")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    drill = Drill(f"E-mail outbox under faults ({args.fault})")
    broker = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
    workdir = Path(f"/tmp/vp-drill-mail-{int(time.time())}")
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = support.recreate_database(DB)
    support.setup_django(db_url, CELERY_BROKER_URL=broker)
    support.migrate()
    from django.db import connections

    try:
        if args.fault in ("kill", "both"):
            kill_drill(drill, args, db_url, broker, workdir)
        if args.fault in ("refused", "both"):
            refused_drill(drill, args, db_url, broker, workdir)
    finally:
        connections.close_all()
        if not args.keep:
            support.drop_database(DB)
    return drill.finish()


if __name__ == "__main__":
    sys.exit(main())
