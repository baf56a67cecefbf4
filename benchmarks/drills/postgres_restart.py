"""Drill: PostgreSQL restarted under load.

    python -m benchmarks.drills.postgres_restart [--outage 8] [--threads 8]

Runs against a PRIVATE PostgreSQL cluster (initdb + pg_ctl in a temp dir, port 5440, as the
postgres user), never the shared one. The app runs under gunicorn with production settings
(persistent connections, CONN_MAX_AGE=60, CONN_HEALTH_CHECKS on). Client threads keep
requesting pages, API and /healthz while the drill stops PostgreSQL for --outage seconds and
starts it again.

Expected (and checked):
- before: every request succeeds;
- during: requests fail CLEANLY — 503 with Retry-After from pages and API (handler500 in
  common/views.py), 503 from /healthz naming the database — no 500, no dropped connection,
  no gunicorn worker crash;
- after: every request succeeds again within a few seconds, with the same gunicorn master
  and workers (nothing restarted: the stale persistent connections are detected and replaced).
"""

from __future__ import annotations

import argparse
import http.client
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks import support
from benchmarks.drills.common import Drill, PrivatePostgres, children_of, gunicorn_cmd


def _prepare(pg: PrivatePostgres, db: str) -> list[tuple[str, str, dict]]:
    """Database, dataset, signed-in users; returns the requests (name, path, headers)."""
    import psycopg

    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    support.setup_django(pg.url(db))
    support.migrate()
    from benchmarks import dataset

    dataset.build(scale=0.02, verbose=False)
    support.ensure_collectstatic()
    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue

    manager = User.objects.filter(role="manager").first()
    buyer = User.objects.filter(role="procurement").first()
    client = Client()
    client.force_login(manager)
    _row, token = api_token_issue(user=buyer, name="drill")
    from django.db import connections

    connections.close_all()
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return [
        ("page (session)", "/pilots/", cookie),
        ("API (token)", "/api/v1/vendors", {"Authorization": f"Bearer {token}"}),
        ("healthz", "/healthz", {}),
    ]


def _client(port, requests, stop, log, lock):
    conn = None
    i = 0
    while not stop.is_set():
        name, path, headers = requests[i % len(requests)]
        i += 1
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            outcome = (response.status, response.getheader("Retry-After"), body[:200])
        except OSError as exc:
            outcome = (0, None, type(exc).__name__.encode())
        finally:
            if conn is not None:
                conn.close()
        with lock:
            log.append((started, name, *outcome))
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=8.0, help="seconds PostgreSQL is down")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args(argv)

    drill = Drill("PostgreSQL restarted under load")
    pg = PrivatePostgres()
    db = "vp_bench_drill_pg"
    try:
        drill.step(f"private PostgreSQL in {pg.dir} on port {pg.port}")
        pg.init()
        pg.start()
        requests = _prepare(pg, db)
        port = support.free_port()
        env = support.app_environment(pg.url(db), CONN_MAX_AGE="60")
        access_log = pg.dir / "access.log"
        with support.running(
            gunicorn_cmd(port, args.workers, access_log), env=env, log=pg.dir / "gunicorn.log",
            port=port,
        ) as gunicorn:  # fmt: skip
            time.sleep(1)
            pids_before = sorted(children_of(gunicorn.pid))
            log: list = []
            lock, stop = threading.Lock(), threading.Event()
            threads = [
                threading.Thread(target=_client, args=(port, requests, stop, log, lock))
                for _ in range(args.threads)
            ]
            for t in threads:
                t.start()
            drill.step("load running; 5 s with the database up")
            time.sleep(5)
            drill.step(f"stopping PostgreSQL (fast) for {args.outage:g} s")
            pg.stop("fast")
            down_at = time.monotonic()  # pg_ctl -w returned: the server is gone
            time.sleep(args.outage)
            drill.step("starting PostgreSQL again")
            starting_at = time.monotonic()
            pg.start()
            up_at = time.monotonic()  # pg_ctl -w returned: accepting connections
            time.sleep(10)
            stop.set()
            for t in threads:
                t.join(timeout=20)
            pids_after = sorted(children_of(gunicorn.pid))
            master_alive = gunicorn.poll() is None
        _judge(drill, log, (down_at, starting_at, up_at), pids_before, pids_after, master_alive)
    finally:
        pg.destroy()
    return drill.finish()


def _judge(drill, log, times, pids_before, pids_after, master_alive) -> None:
    down_at, starting_at, up_at = times
    stopping_at = min((e[0] for e in log if e[2] != 200), default=down_at)
    before = [e for e in log if e[0] < stopping_at]
    # Requests started while pg_ctl was stopping/starting belong to neither side.
    during = [e for e in log if down_at < e[0] < starting_at]
    after_ok_at = None
    after = [e for e in log if e[0] >= up_at]
    for e in sorted(after):
        if e[2] == 200 and all(x[2] == 200 for x in after if x[0] >= e[0]):
            after_ok_at = e[0]
            break

    def summary(entries):
        return ", ".join(
            f"{n}× {s or 'no answer'}" for s, n in Counter(e[2] for e in entries).most_common()
        )

    drill.check(
        bool(before) and all(e[2] == 200 for e in before),
        "before: every request 200",
        summary(before),
    )
    drill.check(bool(during), "during the outage: requests were made", f"{len(during)} requests")
    drill.check(not any(e[2] == 500 for e in during + after), "no 500 at any time", summary(during))
    drill.check(not any(e[2] == 0 for e in log), "no dropped connection or timeout", "")
    clean = [e for e in during if e[2] == 503]
    drill.check(len(clean) == len(during), "during: every request answered 503", summary(during))
    drill.check(
        all(e[3] for e in during if e[1] != "healthz" and e[2] == 503),
        "during: pages and API send Retry-After",
        "",
    )
    bad_health = [e[4] for e in during if e[1] == "healthz" and b'"database": "down"' not in e[4]]
    drill.check(
        not bad_health,
        "during: /healthz answers 503 naming the database",
        str(bad_health[:2]) if bad_health else "",
    )
    drill.check(
        after_ok_at is not None,
        "after: every request 200 again",
        f"{after_ok_at - up_at:.1f} s after PostgreSQL was back" if after_ok_at else summary(after),
    )
    drill.check(master_alive, "gunicorn master still running (no restart)", "")
    drill.check(
        pids_before == pids_after, "the same gunicorn workers before and after", f"{pids_after}"
    )
    print(f"  requests: {len(before)} before, {len(during)} during, {len(after)} after")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
