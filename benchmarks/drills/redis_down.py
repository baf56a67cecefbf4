"""Drill: Redis stopped while vendors enter KPIs.

    python -m benchmarks.drills.redis_down [--pilots 5] [--days 61]

A PRIVATE redis-server on 127.0.0.1:6390 is the broker (the shared one on 6379 is never
touched); the app runs under gunicorn with production settings, a real Celery worker
consumes the queue, e-mail goes to an aiosmtpd sink.

1. Drill pilots start `--days` days ago with no entries yet; Redis is up: /healthz is 200.
2. Redis is stopped. /healthz answers 503 naming the broker. Each pilot's vendor PUTs every
   day so far through `PUT /api/v1/pilots/{id}/kpis/{date}` with its own API token:
   every PUT must succeed (the entry is saved even though nothing can be enqueued), and the
   database must hold exactly those entries afterwards — nothing lost.
3. Redis is started again: /healthz is 200, the worker reconnects by itself.
4. The sweep (`pilots.evaluate_due_pilots`, as beat would send it) runs on the worker and
   makes every due scorecard for the drill pilots from the entries saved during the outage,
   each e-mailed once.

Steps whose code is not in the app yet (the KPI PUT, the sweep) are "not available".
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchmarks import support
from benchmarks.drills.common import (
    PRIVATE_REDIS_PORT,
    Drill,
    SmtpSink,
    due_checkpoints,
    gunicorn_cmd,
    kpi_put_available,
    private_redis,
    sweep_task_available,
    wait_until,
    worker_cmd,
)

DB = "vp_bench_drill_redis"


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _put(port: int, path: str, body: dict, token: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.monotonic()
    try:
        conn.request(
            "PUT",
            path,
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        conn.close()


def _drill_pilots(n: int, days: int):
    """n fresh pilots (one per vendor) that started `days` days ago, without entries."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import api_token_issue
    from pilots.models import Pilot
    from tests.pilots.factories import PilotFactory

    today = timezone.localdate()
    buyer = User.objects.filter(role="procurement").first()
    out = []
    for user in User.objects.filter(role="vendor").select_related("vendor").order_by("pk")[:n]:
        pilot = PilotFactory.build(
            vendor=user.vendor,
            created_by=buyer,
            start_date=today - timedelta(days=days),
            length_days=90,
            status="running",
        )
        pilot.save()
        _row, token = api_token_issue(user=user, name="drill")
        out.append((pilot, token))
    return (
        today,
        out,
        set(Pilot.objects.filter(pk__in=[p.pk for p, _ in out]).values_list("pk", flat=True)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pilots", type=int, default=5)
    parser.add_argument("--days", type=int, default=61, help="days since the pilots started")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    drill = Drill("Redis stopped while vendors enter KPIs")
    broker = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
    db_url = support.recreate_database(DB)
    workdir = Path(f"/tmp/vp-drill-redis-{int(time.time())}")
    workdir.mkdir(parents=True, exist_ok=True)
    with SmtpSink() as sink:
        support.setup_django(db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url)
        support.migrate()
        from benchmarks import dataset

        dataset.build(scale=0.02, verbose=False)
        support.ensure_collectstatic()
        from django.db import connections

        from pilots.models import KpiEntry, Scorecard

        today, pilots, pilot_ids = _drill_pilots(args.pilots, args.days)
        connections.close_all()
        env = support.app_environment(db_url, CELERY_BROKER_URL=broker, EMAIL_URL=sink.url)
        port = support.free_port()
        try:
            with (
                private_redis(log=workdir / "redis.log") as (redis_start, redis_stop),
                support.running(
                    gunicorn_cmd(port, 2, workdir / "access.log"), env=env,
                    log=workdir / "gunicorn.log", port=port,
                ),
                support.running(worker_cmd(2), env=env, log=workdir / "worker.log") as worker,
            ):  # fmt: skip
                drill.step(f"broker {broker}, app on 127.0.0.1:{port}, logs in {workdir}")
                status, _ = _get(port, "/healthz")
                drill.check(status == 200, "Redis up: /healthz 200", f"{status}")

                drill.step("stopping Redis")
                redis_stop()
                status, body = _get(port, "/healthz")
                drill.check(
                    status == 503 and b'"broker": "down"' in body,
                    "Redis down: /healthz 503 naming the broker",
                    body.decode()[:100],
                )
                expected_entries = 0
                if kpi_put_available():
                    drill.step(f"vendors PUT {args.days} days × {len(pilots)} pilots")
                    results = []
                    for pilot, token in pilots:
                        for offset in range(args.days):
                            day = pilot.start_date + timedelta(days=offset)
                            body = {
                                "tickets": 40, "csat_responses": 20, "csat_positive": 18,
                                "frt_minutes": "30.00", "aht_minutes": "9.00",
                                "fcr_resolved": 32, "cost": "120.00",
                            }  # fmt: skip
                            results.append(
                                _put(port, f"/api/v1/pilots/{pilot.pk}/kpis/{day}", body, token)
                            )
                    expected_entries = len(results)
                    statuses = sorted({s for s, _ in results})
                    slowest = max(t for _, t in results)
                    drill.check(
                        all(s in (200, 201) for s, _ in results),
                        "every KPI PUT succeeded with the broker down",
                        f"statuses {statuses}",
                    )
                    drill.check(
                        slowest < 5.0,
                        "no PUT hung on the missing broker (< 5 s each)",
                        f"slowest {slowest:.2f} s",
                    )
                    saved = KpiEntry.objects.filter(pilot_id__in=pilot_ids).count()
                    drill.check(
                        saved == expected_entries,
                        "nothing lost: every entry is in the database",
                        f"{saved} of {expected_entries}",
                    )
                else:
                    drill.skip(
                        "KPI PUT with the broker down",
                        "PUT /api/v1/pilots/{id}/kpis/{date} is not in the URL conf yet",
                    )

                drill.step("starting Redis again")
                redis_start()
                back = wait_until(lambda: _get(port, "/healthz")[0] == 200, timeout=20)
                drill.check(back, "Redis back: /healthz 200 again", "")
                drill.check(worker.poll() is None, "the worker survived the outage", "")

                if sweep_task_available() and expected_entries:
                    from config.celery_app import app

                    due = {d for d in due_checkpoints(today) if d[0] in pilot_ids}
                    drill.step(
                        f"sweep as of {today}: {len(due)} checkpoints due for the drill pilots"
                    )
                    app.send_task("pilots.evaluate_due_pilots", kwargs={"as_of": today.isoformat()})

                    def made():
                        return set(
                            Scorecard.objects.filter(pilot_id__in=pilot_ids).values_list(
                                "pilot_id", "checkpoint_day"
                            )
                        )

                    wait_until(lambda: made() >= due, timeout=180, interval=1)
                    drill.check(
                        made() == due,
                        "the sweep caught up: every due scorecard made",
                        f"{len(made())} of {len(due)}",
                    )
                    emailed = wait_until(
                        lambda: (
                            not Scorecard.objects.filter(
                                pilot_id__in=pilot_ids, emailed_at__isnull=True
                            ).exists()
                        ),
                        timeout=120,
                    )
                    drill.check(
                        emailed,
                        "every scorecard e-mailed",
                        f"{len(sink.messages)} messages at the sink",
                    )
                    drill.check(
                        not sink.duplicates(), "no duplicate e-mail", str(sink.duplicates()[:3])
                    )
                    drill.check(
                        KpiEntry.objects.filter(pilot_id__in=pilot_ids).count() == expected_entries,
                        "entries unchanged by the sweep",
                        "",
                    )
                else:
                    drill.skip(
                        "the sweep catches up", "task pilots.evaluate_due_pilots not registered yet"
                    )
        finally:
            connections.close_all()
            if not args.keep:
                support.drop_database(DB)
    return drill.finish()


if __name__ == "__main__":
    sys.exit(main())
