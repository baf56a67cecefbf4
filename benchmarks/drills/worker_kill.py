"""Drill: a Celery worker killed (SIGKILL) in the middle of the sweep.

    python -m benchmarks.drills.worker_kill [--scale 0.2] [--mode worker|child] [--at 0.1]

A PRIVATE redis-server on 127.0.0.1:6390 is the broker, e-mail goes to an aiosmtpd sink that
keeps every message. The dataset's pilots all have checkpoints due, so the sweep has a few
thousand scorecards (and e-mails) to make.

1. The sweep task `pilots.evaluate_due_pilots` is sent (as beat would send it).
2. When a fraction (--at) of the e-mails has reached the sink (--kill-on scorecards: of the
   scorecards), the worker is killed with SIGKILL:
   --mode worker: the whole worker (main process and pool) — a crashed machine or OOM kill;
   the task stays unacknowledged (acks_late), so the drill starts a new worker and sends the
   sweep again, as the next beat run or an operator would.
   --mode child: only the pool process running the task; the worker survives and, with
   acks_late + reject_on_worker_lost, gets the task back by itself — nothing is resent.
3. Checked: every due scorecard exists exactly once (none lost, none extra), every one is
   e-mailed, and no e-mail was delivered twice.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from benchmarks import support
from benchmarks.drills.common import (
    PRIVATE_REDIS_PORT,
    Drill,
    SmtpSink,
    children_of,
    due_checkpoints,
    private_redis,
    sweep_task_available,
    wait_until,
    worker_cmd,
)

DB = "vp_bench_drill_worker"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.2, help="dataset size (pilots × 2,000)")
    parser.add_argument("--mode", choices=["worker", "child"], default="worker")
    parser.add_argument("--at", type=float, default=0.2, help="kill when this share is done")
    parser.add_argument(
        "--kill-on",
        choices=["emails", "scorecards"],
        default="emails",
        help="what --at counts: e-mails at the sink (the exactly-once part) or scorecards",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the sweep")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    drill = Drill(f"Worker killed mid-sweep (mode {args.mode})")
    broker = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
    db_url = support.recreate_database(DB)
    workdir = Path(f"/tmp/vp-drill-worker-{int(time.time())}")
    workdir.mkdir(parents=True, exist_ok=True)
    with SmtpSink() as sink:
        support.setup_django(db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url)
        support.migrate()
        from benchmarks import dataset

        dataset.build(scale=args.scale, verbose=False)
        from django.db import connections
        from django.utils import timezone

        from pilots.models import Pilot, Scorecard

        # Decided-to-stop and closed pilots get no further scorecards: make every pilot a
        # running one, so each checkpoint of docs/domain.md §5 is due and the sweep has work.
        Pilot.objects.update(status="running", decision="")

        try:
            if not sweep_task_available():
                drill.skip(
                    "worker killed mid-sweep", "task pilots.evaluate_due_pilots not registered yet"
                )
                return drill.finish()
            today = timezone.localdate()
            due = due_checkpoints(today)
            kill_at = max(1, int(len(due) * args.at))
            connections.close_all()
            # A killed worker's e-mails are leased in the outbox; a short lease lets the drill
            # see `common.send_outbox` (beat's, every minute) take them over.
            env = support.app_environment(
                db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url, OUTBOX_LEASE_SECONDS="30"
            )
            concurrency = 1 if args.mode == "child" else 2
            with private_redis(log=workdir / "redis.log"):
                from config.celery_app import app

                worker = support.start(
                    worker_cmd(concurrency), env=env, log=workdir / "worker-1.log"
                )
                try:
                    time.sleep(3)
                    drill.step(
                        f"sweep as of {today}: {len(due)} checkpoints due; kill at {kill_at}"
                    )
                    app.send_task("pilots.evaluate_due_pilots", kwargs={"as_of": today.isoformat()})

                    def progress() -> int:
                        if args.kill_on == "emails":
                            return len(sink.messages)
                        return Scorecard.objects.count()

                    reached = wait_until(
                        lambda: progress() >= kill_at, timeout=args.timeout, interval=0.02
                    )
                    made_at_kill = Scorecard.objects.count()
                    mails_at_kill = len(sink.messages)
                    mid = reached and min(made_at_kill, mails_at_kill) < len(due)
                    detail = f"{made_at_kill} scorecards, {mails_at_kill} e-mails of {len(due)}"
                    if not drill.check(mid, "the kill happened mid-sweep", detail):
                        return drill.finish()
                    if args.mode == "worker":
                        os.killpg(worker.pid, signal.SIGKILL)
                        worker.wait(timeout=10)
                    else:
                        for child in children_of(worker.pid):
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(child, signal.SIGKILL)
                    drill.step(
                        f"SIGKILL ({args.mode}) with {made_at_kill} scorecards and {mails_at_kill} e-mails done"
                    )
                    if args.mode == "worker":
                        support.stop(worker)
                        worker = support.start(
                            worker_cmd(concurrency), env=env, log=workdir / "worker-2.log"
                        )
                        time.sleep(3)
                        drill.step("new worker started; sweep sent again (the next beat run)")
                        app.send_task(
                            "pilots.evaluate_due_pilots", kwargs={"as_of": today.isoformat()}
                        )

                    def made():
                        return set(Scorecard.objects.values_list("pilot_id", "checkpoint_day"))

                    wait_until(lambda: made() >= due, timeout=args.timeout, interval=1)
                    final = made()
                    drill.check(
                        final >= due, "no lost scorecard", f"{len(final & due)} of {len(due)}"
                    )
                    drill.check(
                        final <= due, "no scorecard that was not due", f"{len(final - due)} extra"
                    )
                    drill.check(
                        Scorecard.objects.count() == len(final),
                        "exactly one scorecard per pilot and checkpoint",
                        "",
                    )

                    def all_emailed() -> bool:
                        app.send_task("common.send_outbox")  # what beat sends every minute
                        return not Scorecard.objects.filter(emailed_at__isnull=True).exists()

                    emailed = wait_until(all_emailed, timeout=args.timeout, interval=5)
                    time.sleep(2)  # late deliveries would show up as duplicates
                    drill.check(
                        emailed,
                        "every scorecard e-mailed",
                        f"{len(sink.messages)} messages at the sink",
                    )
                    dupes = sink.duplicates()
                    drill.check(
                        not dupes,
                        "no duplicate e-mail",
                        f"{len(dupes)} duplicated, e.g. {dupes[:2]}",
                    )
                finally:
                    support.stop(worker)
        finally:
            connections.close_all()
            if not args.keep:
                support.drop_database(DB)
    return drill.finish()


if __name__ == "__main__":
    sys.exit(main())
