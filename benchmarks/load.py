"""`make load`: the app under gunicorn on loopback, driven by wrk with a realistic mix.

    python -m benchmarks.load [--users 50] [--seconds 60] [--scale 0.5] [--reuse]
                              [--think-ms 1000] [--proxy auto|nginx|none]
                              [--max-requests 200000] [--json PATH]

1. Builds (or with --reuse keeps) the database `vp_bench_load` with benchmarks/dataset.py.
2. collectstatic, then gunicorn on 127.0.0.1 with production settings (a test SECRET_KEY,
   SECURE_SSL_REDIRECT=false, DEBUG=false), 2 × CPUs + 1 sync workers as in production, the
   access log recording each request's server time.
3. Signs users in (session cookies) and issues API tokens for vendors, procurement and
   managers, then expands MIX into concrete requests: each vendor PUTs KPIs for its own
   pilot, procurement compares quotes, managers read dashboards and the pilot list.
4. wrk (C, event loop: it needs a fraction of a core, so the app keeps the machine) runs
   --users connections for --seconds. Each is a user who pauses --think-ms on average
   (uniform 0–2×) between requests — default 1 s, a user clicking much faster than people
   do — behind a private nginx as in production (it buffers requests, so a pausing user
   does not hold a gunicorn sync worker). `--think-ms 0` is the closed loop: every user
   fires the next request the moment the last is answered (capacity, not realism).
5. Reports throughput, p50/p95/p99 as the users saw them (wrk), errors (any status outside
   the step's `ok`, timeouts, socket errors), and per step the server time (access log).
   Target (issue 7): 50 users, p95 < 300 ms, zero errors. Exit code 1 when missed.

Why wrk and not locust: on 2 cores a Python load generator takes a core of its own and
measures itself; wrk with a Lua script scripts the mix at a few % of one core.

Adding a step is one line in MIX; a step whose URL does not exist yet is left out and
listed as "not available".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from benchmarks import support

TARGET_P95_MS = 300.0
# Measured after the mix with the same users, think time and driver (benchmarks/urls.py):
# (label, path, role whose session signs in, or None)
BARE_PAGES = [
    ("bare view", "/bench/bare/", None),
    ("minimal page", "/bench/baseline/", "manager"),
]
TARGET_USERS = 50


@dataclass(frozen=True)
class Step:
    """One kind of request in the mix.

    url: a URL name (or candidates, first that exists wins) reversed with `args`, or a path
         with {fields} from the user's context: vendor → pilot, day (its own pilot);
         procurement → rfq; manager → pilot.
    auth: "session" (cookie, + CSRF header for writes), "token" (Bearer) or "none".
    """

    name: str
    method: str
    url: str | tuple[str, ...]
    role: str
    weight: int
    auth: str = "session"
    args: tuple[str, ...] = ()
    body: str | None = None
    ok: tuple[int, ...] = (200,)


# fmt: off
MIX: list[Step] = [
    Step("vendor: KPI PUT", "PUT", "/api/v1/pilots/{pilot}/kpis/{day}", "vendor", 25, auth="token", body="kpi", ok=(200, 201)),
    Step("vendor: my pilots", "GET", "pilots:vendor_pilot_list", "vendor", 5),
    Step("vendor: portal", "GET", "procurement:portal", "vendor", 5),
    Step("vendor: pilot dashboard", "GET", ("pilots:pilot_detail", "pilots:dashboard", "pilots:pilot_dashboard"), "vendor", 5, args=("pilot",)),
    Step("procurement: comparison page", "GET", ("costing:comparison", "costing:rfq_comparison", "procurement:rfq_comparison", "procurement:comparison"), "procurement", 10, args=("rfq",)),
    Step("procurement: comparison API", "GET", "/api/v1/rfqs/{rfq}/comparison?months=24", "procurement", 5, auth="token"),
    Step("procurement: RFQ list", "GET", "procurement:rfq_list", "procurement", 5),
    Step("procurement: vendors API", "GET", "/api/v1/vendors", "procurement", 5, auth="token"),
    Step("manager: pilot dashboard", "GET", ("pilots:pilot_detail", "pilots:dashboard", "pilots:pilot_dashboard"), "manager", 15, args=("pilot",)),
    Step("manager: pilot list", "GET", "pilots:pilot_list", "manager", 10),
    Step("manager: alerts", "GET", "pilots:alert_list", "manager", 5),
    Step("manager: alerts API", "GET", "/api/v1/alerts", "manager", 3, auth="token"),
    Step("anonymous: sign-in page", "GET", "accounts:login", "anonymous", 3, auth="none"),
    Step("monitoring: healthz", "GET", "healthz", "anonymous", 2, auth="none"),
]
# fmt: on

BODIES = {
    "kpi": lambda rng: {
        "tickets": (t := rng.randint(40, 400)),
        "csat_responses": (r := rng.randint(10, t // 2)),
        "csat_positive": rng.randint(int(r * 0.7), r),
        "frt_minutes": f"{rng.uniform(10, 90):.2f}",
        "aht_minutes": f"{rng.uniform(6, 14):.2f}",
        "fcr_resolved": rng.randint(int(t * 0.5), int(t * 0.9)),
        "cost": f"{t * rng.uniform(2.5, 4):.2f}",
    }
}
USERS_PER_ROLE = {"vendor": 40, "procurement": 8, "manager": 8, "anonymous": 1}
VARIANTS_PER_STEP = 40


def _wait_for_worker(base_url: str, timeout: float = 60.0) -> None:
    """Send the worker a heartbeat (beat's job in production) and wait until /healthz says
    it is alive, at most `timeout` s."""
    from celery import current_app

    current_app.send_task("common.heartbeat")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(base_url + "/healthz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(1)
    print("warning: /healthz did not report a live worker within the wait", file=sys.stderr)


def _lua_string(value: str) -> str:
    return '"' + (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    ) + '"'  # fmt: skip


# --- who asks: users with sessions and tokens, and their objects -------------------------


def _contexts(rng: random.Random) -> dict[str, list[dict]]:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import api_token_issue
    from pilots.models import Pilot
    from procurement.models import Quote, Rfq

    def signed_in(user) -> dict:
        client = Client()
        client.force_login(user)
        client.get("/accounts/login/")  # a CSRF cookie, for session writes
        _row, token = api_token_issue(user=user, name="load test")
        return {
            "user": user.pk,
            "session": client.cookies["sessionid"].value,
            "csrf": client.cookies["csrftoken"].value if "csrftoken" in client.cookies else "",
            "token": token,
        }

    contexts: dict[str, list[dict]] = {"anonymous": [{}]}
    rfqs = list(
        Rfq.objects.filter(quotes__status="submitted").distinct().values_list("pk", flat=True)[:200]
    )
    first_rfq = Rfq.objects.filter(reference="BENCH-00001").values_list("pk", flat=True).first()
    pilots = list(Pilot.objects.values_list("pk", flat=True)[:500])
    for role in ("procurement", "manager"):
        users = User.objects.filter(role=role).order_by("pk")[: USERS_PER_ROLE[role]]
        contexts[role] = [
            {
                **signed_in(u),
                "rfq": first_rfq if i == 0 else rng.choice(rfqs),
                "pilot": rng.choice(pilots),
            }
            for i, u in enumerate(users)
        ]
    vendor_contexts = []
    # The days a vendor may still write (docs/api.md, docs/domain.md §5): from day 1 (or the day after
    # the final ones, once a decision is recorded) to today or the pilot's last day.
    today = timezone.localdate()
    by_vendor: dict[int, list] = defaultdict(list)
    for pilot in Pilot.objects.only("pk", "vendor_id", "start_date", "length_days", "decision"):
        first = pilot.start_date
        if pilot.final_until is not None:
            first = max(first, pilot.final_until + timedelta(days=1))
        last = min(pilot.end_date, today)
        if first <= last:
            by_vendor[pilot.vendor_id].append((pilot.pk, first, (last - first).days + 1))
    users = User.objects.filter(role="vendor", vendor_id__in=list(by_vendor)).order_by("pk")
    for user in users[: USERS_PER_ROLE["vendor"]]:
        pk, first, days = rng.choice(by_vendor[user.vendor_id])
        vendor_contexts.append({**signed_in(user), "pilot": pk, "start": first, "length": days})
    contexts["vendor"] = vendor_contexts
    if not Quote.objects.exists():
        raise SystemExit("the dataset has no quotes: build it first")
    return contexts


def _resolve(step: Step, ctx: dict, rng: random.Random) -> str | None:
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    if isinstance(step.url, str) and step.url.startswith("/"):
        fields = dict(ctx)
        if "start" in ctx:  # a day the vendor may write (no future day, no final day)
            fields["day"] = (
                ctx["start"] + timedelta(days=rng.randrange(ctx["length"]))
            ).isoformat()
        path = step.url.format(**fields)
        try:
            resolve(path.split("?")[0])
        except Resolver404:
            return None
        return path
    names = (step.url,) if isinstance(step.url, str) else step.url
    for name in names:
        with contextlib.suppress(NoReverseMatch):
            return reverse(name, args=[ctx[a] for a in step.args])
    return None


def _request(step: Step, ctx: dict, path: str, rng: random.Random) -> dict:
    headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
    if step.auth == "token":
        headers["Authorization"] = f"Bearer {ctx['token']}"
    elif step.auth == "session":
        headers["Cookie"] = f"sessionid={ctx['session']}; csrftoken={ctx['csrf']}"
        if step.method != "GET":
            headers["X-CSRFToken"] = ctx["csrf"]
            headers["Referer"] = "http://127.0.0.1/"
    body = ""
    if step.body:
        body = json.dumps(BODIES[step.body](rng))
        headers["Content-Type"] = "application/json"
    return {
        "step": step.name,
        "method": step.method,
        "path": path,
        "headers": headers,
        "body": body,
    }


def build_requests(contexts: dict, seed: int) -> tuple[list[dict], dict[str, str]]:
    """Concrete requests, each step's variants repeated in proportion to its weight."""
    rng = random.Random(seed)
    requests, unavailable = [], {}
    for step in MIX:
        users = contexts.get(step.role) or []
        if not users:
            unavailable[step.name] = f"no {step.role} users in the dataset"
            continue
        variants = []
        for i in range(VARIANTS_PER_STEP):
            ctx = users[i % len(users)]
            path = _resolve(step, ctx, rng)
            if path is None:
                unavailable[step.name] = "URL not in the URL conf"
                break
            variants.append(_request(step, ctx, path, rng))
        if step.name in unavailable:
            continue
        for i in range(step.weight * 10):
            requests.append(variants[i % len(variants)])
    rng.shuffle(requests)
    return requests, unavailable


def probe(base_url: str, requests: list[dict]) -> dict[str, int]:
    """One request per step before the run: a 404/405 step is not there yet."""
    seen: dict[str, int] = {}
    for req in requests:
        if req["step"] in seen:
            continue
        data = req["body"].encode() if req["body"] else None
        request = urllib.request.Request(
            base_url + req["path"], data=data, method=req["method"], headers=req["headers"]
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                seen[req["step"]] = response.status
        except urllib.error.HTTPError as exc:
            seen[req["step"]] = exc.code
        except OSError:
            seen[req["step"]] = 0
    return seen


# --- wrk ------------------------------------------------------------------------------

LUA_TEMPLATE = r"""
-- generated by benchmarks/load.py
local reqs = {
%(requests)s
}
local think_ms = %(think_ms)d
local max_per_thread = %(max_per_thread)d
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(%(seed)d + id * 7919)
  statuses = {}
  answered = 0
  formatted = {}
  for i, r in ipairs(reqs) do
    formatted[i] = wrk.format(r[2], r[3], r[4], r[5])
  end
end

function request()
  return formatted[math.random(#formatted)]
end

function delay()
  if think_ms > 0 then return math.random(0, 2 * think_ms) end
  return 0
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
  if answered >= max_per_thread then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then
      for code, n in pairs(s) do totals[code] = (totals[code] or 0) + n end
    end
  end
  local codes = {}
  for code, n in pairs(totals) do
    codes[#codes + 1] = string.format('"%%d": %%d', code, n)
  end
  io.write("WRKJSON ", string.format(
    '{"duration_us": %%d, "requests": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"latency_us": {"p50": %%d, "p90": %%d, "p95": %%d, "p99": %%d, "max": %%d, "mean": %%.1f}, ' ..
    '"statuses": {%%s}}',
    summary.duration, summary.requests, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    table.concat(codes, ", ")), "\n")
end
"""


def write_lua(path: Path, requests: list[dict], think_ms: int, max_per_thread: int, seed: int):
    lines = []
    for i, r in enumerate(requests):
        headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r["headers"].items()
        )
        body = _lua_string(r["body"]) if r["body"] else "nil"
        lines.append(
            f"  {{{i}, {_lua_string(r['method'])}, {_lua_string(r['path'])}, {{{headers}}}, {body}}},"
        )
    path.write_text(
        LUA_TEMPLATE
        % {
            "requests": "\n".join(lines),
            "think_ms": think_ms,
            "max_per_thread": max_per_thread,
            "seed": seed,
        }
    )


def run_wrk(url: str, script: Path, users: int, seconds: int, threads: int) -> dict:
    cmd = [
        "wrk", f"-t{threads}", f"-c{users}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(script), url,
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    return json.loads(line[len("WRKJSON ") :])


def run_python(
    url: str, requests: list[dict], users: int, seconds: int, think_ms: int, max_requests: int
) -> dict:
    """The wrk run's figures from a Python driver, for a machine without wrk: `users` threads,
    each one connection cycling through `requests` (from its own offset), for `seconds` or
    `max_requests` in all. It takes CPU from the app on a small machine, so compare its
    figures with the bare views measured by the same driver in the same run, not with wrk's."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    host, port = urlsplit(url).hostname, urlsplit(url).port
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    statuses: dict[int, int] = defaultdict(int)
    count = [0]

    def user(index: int) -> None:
        rng = random.Random(index)
        position = rng.randrange(len(requests))
        connection = http.client.HTTPConnection(host, port, timeout=10)
        while time.perf_counter() < deadline:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
            req = requests[position % len(requests)]
            position += 1
            started = time.perf_counter()
            try:
                connection.request(
                    req["method"], req["path"], body=req["body"] or None, headers=req["headers"]
                )
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()  # gunicorn's sync workers: one request a connection
            except TimeoutError:
                connection.close()
                with lock:
                    errors["timeout"] += 1
                continue
            except OSError:
                connection.close()
                with lock:
                    errors["read"] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1e6
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                if status >= 400 and status not in (401, 403, 404):
                    errors["status"] += 1
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    duration = time.perf_counter() - started
    pct = support.percentile
    return {
        "driver": "python",
        "duration_us": int(duration * 1e6),
        "requests": len(latencies),
        "errors": errors,
        "latency_us": {
            "p50": pct(latencies, 50) if latencies else 0,
            "p90": pct(latencies, 90) if latencies else 0,
            "p95": pct(latencies, 95) if latencies else 0,
            "p99": pct(latencies, 99) if latencies else 0,
            "max": max(latencies, default=0),
            "mean": sum(latencies) / len(latencies) if latencies else 0,
        },
        "statuses": dict(statuses),
    }


# --- the access log: per step server time and status -----------------------------------

LOG_LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<us>\d+)$")


def per_step(log: Path, requests: list[dict], since_line: int) -> dict[str, dict]:
    step_of = {(r["method"], r["path"].split("?")[0]): r["step"] for r in requests}
    ok_of = {s.name: s.ok for s in MIX}
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in log.read_text().splitlines()[since_line:]:
        m = LOG_LINE.match(line.strip())
        if not m:
            continue
        step = step_of.get((m["method"], m["path"]), "other")
        times[step].append(int(m["us"]) / 1000)
        status = int(m["status"])
        if step == "other" or status not in ok_of.get(step, (200,)):
            errors[step][status] += 1
    return {
        step: {
            "requests": len(values),
            "server_p50_ms": round(support.percentile(values, 50), 1),
            "server_p95_ms": round(support.percentile(values, 95), 1),
            "errors": dict(errors.get(step, {})),
        }
        for step, values in sorted(times.items())
    }


NGINX_CONF = """
worker_processes 1;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  upstream app { server 127.0.0.1:%(upstream)d; }
  server {
    listen 127.0.0.1:%(port)d;
    location / {
      proxy_pass http://app;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
"""


@contextlib.contextmanager
def nginx_proxy(workdir: Path, upstream: int):
    """A private nginx on loopback in front of gunicorn, as in production: it buffers each
    request and response, so a user pausing between clicks does not hold a sync worker."""
    port = support.free_port()
    workdir.chmod(0o777)  # nginx's workers run as nobody
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF % {"dir": workdir, "upstream": upstream, "port": port})
    cmd = ["nginx", "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "nginx-error.log")]
    with support.running(cmd, log=workdir / "nginx.log", port=port):
        yield port


def _log_lines(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="VendorPilot load test (make load)")
    parser.add_argument("--users", type=int, default=TARGET_USERS, help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--scale", type=float, default=0.5, help="dataset size")
    parser.add_argument("--db", default="vp_bench_load")
    parser.add_argument("--reuse", action="store_true", help="keep an existing dataset")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--think-ms",
        type=int,
        default=1000,
        help="mean pause between a user's requests; >0 needs a buffering proxy (see README)",
    )
    parser.add_argument(
        "--proxy",
        choices=["auto", "nginx", "none"],
        default="auto",
        help="nginx in front of gunicorn (auto: when --think-ms > 0 and nginx is installed)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--warmup-seconds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=support.RESULTS_DIR / "load-latest.json")
    parser.add_argument(
        "--driver",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (auto: wrk when installed, else a Python driver)",
    )
    parser.add_argument(
        "--bare-seconds",
        type=int,
        default=10,
        help="then the bare view and the minimal page, each this long, same users and think time",
    )
    args = parser.parse_args(argv)
    if args.driver == "auto":
        args.driver = "wrk" if shutil.which("wrk") else "python"
    if args.driver == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (or --driver python)")
    if args.proxy == "auto":
        args.proxy = "nginx" if args.think_ms > 0 and shutil.which("nginx") else "none"
    if args.proxy == "nginx" and not shutil.which("nginx"):
        raise SystemExit("nginx is not installed: apt-get install nginx-light")
    if args.think_ms > 0 and args.proxy == "none":
        print("warning: think time without a buffering proxy measures gunicorn's slow-client case")

    reuse = args.reuse and support.database_exists(args.db)
    db_url = support.database_url(args.db) if reuse else support.recreate_database(args.db)
    support.setup_django(db_url)
    from benchmarks import dataset

    if reuse:
        print(f"reusing database {args.db}")
    else:
        print(f"database {args.db}: migrating … {support.migrate():.1f} s")
        dataset.build(scale=args.scale, seed=args.seed)
        from benchmarks.run import _evaluate

        _evaluate()  # scorecards and alerts, as the app makes them (when evaluate_pilots exists)
    print(f"collectstatic … {support.ensure_collectstatic():.1f} s")
    contexts = _contexts(random.Random(args.seed))
    requests, unavailable = build_requests(contexts, args.seed)
    from django.db import connections

    connections.close_all()

    port = support.free_port()
    base_url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="vp-load-"))
    access_log, error_log = workdir / "access.log", workdir / "error.log"
    gunicorn = [
        sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s",
        "--error-logfile", str(error_log), "--timeout", "30", "--graceful-timeout", "5",
    ]  # fmt: skip
    report: dict = {"meta": support.run_metadata(), "args": {**vars(args), "json": str(args.json)}}
    print(f"gunicorn: {args.workers} workers on {base_url} (logs in {workdir})")
    # As in production: a Celery worker beside the web (it takes the alert refreshes the KPI
    # writes enqueue, and /healthz answers 200 only while a worker is alive).
    worker = [
        sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker",
        "--loglevel=WARNING", "--concurrency=1", "--hostname=bench-load@%h",
    ]  # fmt: skip
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            support.running(gunicorn, env=support.app_environment(db_url), log=error_log, port=port)
        )
        stack.enter_context(
            support.running(worker, env=support.app_environment(db_url), log=workdir / "worker.log")
        )
        print(f"celery: a worker (log in {workdir / 'worker.log'})")
        _wait_for_worker(base_url)
        if args.proxy == "nginx":
            base_url = f"http://127.0.0.1:{stack.enter_context(nginx_proxy(workdir, port))}"
            print(f"nginx in front on {base_url}")
        probed = probe(base_url, requests)
        for name, status in probed.items():
            if status in (404, 405):
                unavailable[name] = f"HTTP {status}"
        requests = [r for r in requests if r["step"] not in unavailable]
        if not requests:
            raise SystemExit("no step of MIX is available")
        threads = max(1, min(2, args.users))

        def drive(reqs: list[dict], users: int, seconds: int, name: str) -> dict:
            if args.driver == "python":
                return run_python(base_url, reqs, users, seconds, args.think_ms, args.max_requests)
            script = workdir / f"{name}.lua"
            write_lua(script, reqs, args.think_ms, max(1, args.max_requests // threads), args.seed)
            return run_wrk(base_url, script, users, seconds, threads)

        if args.warmup_seconds:
            print(f"warming up {args.warmup_seconds} s …", flush=True)
            drive(requests, min(args.users, 10), args.warmup_seconds, "warmup")
        since = _log_lines(access_log)
        print(
            f"load: {args.users} users for {args.seconds} s, think time {args.think_ms} ms, "
            f"driver {args.driver} …",
            flush=True,
        )
        result = drive(requests, args.users, args.seconds, "mix")
        time.sleep(1)  # gunicorn writes the last access-log lines
        steps = per_step(access_log, requests, since)
        # The same users, think time and driver on the bare view and the app's minimal page:
        # the mix's req/s as a share of theirs holds on another machine.
        bare = {}
        if args.bare_seconds:
            for label, path, who in BARE_PAGES:
                ctx = contexts[who][0] if who else {}
                headers = {"Cookie": f"sessionid={ctx['session']}"} if ctx else {}
                reqs = [
                    {"step": label, "method": "GET", "path": path, "headers": headers, "body": ""}
                ]
                print(f"{label}: {args.bare_seconds} s …", flush=True)
                got = drive(reqs, args.users, args.bare_seconds, label.split()[0])
                bare[label] = {
                    "requests": got["requests"],
                    "rps": round(got["requests"] / (got["duration_us"] / 1e6), 1),
                    "p50_ms": round(got["latency_us"]["p50"] / 1000, 1),
                    "p95_ms": round(got["latency_us"]["p95"] / 1000, 1),
                    "errors": sum(got["errors"].values()),
                }

    seconds = result["duration_us"] / 1e6
    bad_status = sum(n for s in steps.values() for n in s["errors"].values())
    socket_errors = sum(v for k, v in result["errors"].items() if k != "status")
    errors = bad_status + socket_errors
    lat = {k: round(v / 1000, 1) for k, v in result["latency_us"].items()}
    ok = lat["p95"] < TARGET_P95_MS and errors == 0
    print()
    support.print_table(
        ["step", "requests", "server p50 ms", "server p95 ms", "errors"],
        [
            [name, str(s["requests"]), f"{s['server_p50_ms']:.1f}", f"{s['server_p95_ms']:.1f}",
             ", ".join(f"{n}× {code}" for code, n in s["errors"].items()) or "0"]
            for name, s in steps.items()
        ]
        + [[name, "", "", "", f"not available ({why})"] for name, why in unavailable.items()],
    )  # fmt: skip
    print(
        f"\n{result['requests']:,} requests in {seconds:.1f} s = {result['requests'] / seconds:,.0f} req/s "
        f"with {args.users} users, think time {args.think_ms} ms, proxy {args.proxy} "
        f"({args.workers} gunicorn workers, {os.cpu_count()} CPUs)\n"
        f"as the users saw it: p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"max {lat['max']} ms\n"
        + "".join(
            f"beside it, same run and driver — {label}: {b['rps']:,.0f} req/s (p50 {b['p50_ms']} ms): "
            f"the mix is {result['requests'] / seconds / b['rps']:.1%} of it\n"
            for label, b in bare.items()
            if b["rps"]
        )
        + f"errors: {errors} ({bad_status} unexpected statuses, {socket_errors} timeouts/socket errors)\n"
        f"target: p95 < {TARGET_P95_MS:g} ms and 0 errors at {TARGET_USERS} users → "
        f"{'ok' if ok and args.users >= TARGET_USERS else 'MISS' if not ok else 'ok (fewer users)'}"
    )
    report.update(
        {
            "throughput_rps": round(result["requests"] / seconds, 1),
            "driver": args.driver,
            "bare": bare,
            "latency_ms": lat,
            "wrk": result,
            "errors": errors,
            "steps": steps,
            "unavailable": unavailable,
            "meets_target": ok,
        }
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print(f"results: {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
