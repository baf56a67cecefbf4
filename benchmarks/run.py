"""`make bench`: the whole app on a realistic large dataset, one table, one JSON file.

    python -m benchmarks.run [--scale 1.0 | --scales 1,10] [--requests 50]
                             [--json benchmarks/results/latest.json] [--db vp_bench_run]
                             [--reuse] [--keep] [--no-modules] [--no-evaluate]

1. Creates the throwaway database (dropped first if it exists), migrates, builds the dataset
   of benchmarks/dataset.py (200 vendors, 2,000 RFQs, 10,000 quotes, 2,000 pilots × 90 days,
   times --scale), runs `evaluate_pilots` on it and ANALYZEs. With `--scales 1,10` each scale
   gets its own database and the table shows the scales side by side.
2. Measures every row of TARGETS in-process with Django's test Client on production settings:
   server time = the time around `client.get/post/put` (middleware, view, template, SQL — no
   network), p50/p95 over N requests after a warm-up, SQL queries of one request with
   `CaptureQueriesContext`. A page whose URL does not exist yet is "not available".
3. Measures a bare baseline page on the same stack in the same run (benchmarks/urls.py);
   every time is also given as a multiple of it, which holds on a noisy machine.
4. Adds the engine's estimates per second (bench_engine) and, when present, the figures of
   bench_comparison, bench_dashboard and bench_sweep (each `run() -> dict`).

Adding a page is one line in TARGETS.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import support


@dataclass(frozen=True)
class Target:
    """One page or endpoint to measure.

    url: a URL name, or several candidates tried in order ("a:x", "b:y"), reversed with
         `args` (names of Handles fields); or an absolute path with {handle} fields
         ("/api/v1/pilots/{pilot}/kpis/{pilot_day}").
    role: who asks (procurement, manager, admin, vendor — the vendor owns `pilot`).
    auth: "session" (a signed-in browser) or "token" (Authorization: Bearer, like integrators).
    body: a key of BODIES (form fields for session POSTs, JSON for the API).
    ok: the statuses that count as success.
    Targets from the issues: max_queries, max_p95_ms; constant_vs: the same page for other
    objects (Handles fields) must run exactly as many queries (a constant number).
    """

    name: str
    url: str | tuple[str, ...]
    role: str
    method: str = "GET"
    args: tuple[str, ...] = ()
    auth: str = "session"
    body: str | None = None
    ok: tuple[int, ...] = (200,)
    max_queries: int | None = None
    max_p95_ms: float | None = None
    constant_vs: tuple[str, ...] = ()
    source: str = ""


# fmt: off
TARGETS: list[Target] = [
    Target("RFQ list", "procurement:rfq_list", "procurement", source="issue 3: constant queries (tested)"),
    Target("Quote comparison, 10 quotes", ("costing:comparison", "costing:rfq_comparison", "procurement:rfq_comparison", "procurement:comparison"), "procurement", args=("rfq_10",), constant_vs=("rfq_5",), source="issue 4"),
    Target("Calculator with result", "costing:calculator", "procurement", source="issue 4: GET computes the worked example"),
    Target("Pilot dashboard, 90 days", ("pilots:pilot_detail", "pilots:dashboard", "pilots:pilot_dashboard"), "manager", args=("pilot",), max_queries=20, max_p95_ms=150, source="issue 5"),
    Target("Manager pilot list", "pilots:pilot_list", "manager", source="issue 5"),
    Target("Alerts", "pilots:alert_list", "manager", source="issue 6"),
    Target("Scorecard page, day 60", "pilots:scorecard_detail", "manager", args=("pilot", "decision_day"), source="issue 6"),
    Target("Scorecard PDF, day 60", "pilots:scorecard_pdf", "manager", args=("pilot", "decision_day"), ok=(200,), source="issue 6"),
    Target("Procurement home", "home", "procurement", source="issue 22: flat, < 100 ms at 10×"),
    Target("Manager home", "home", "manager", source="issue 22: flat, < 100 ms at 10×"),
    Target("Vendor home", "home", "vendor", source="issue 22: flat, < 100 ms at 10×"),
    Target("Contract list", "contracts:contract_list", "manager", source="issue 22"),
    Target("Contract page", "contracts:contract_detail", "manager", args=("contract",), source="issue 22"),
    Target("Quote list, submitted", "/procurement/quotes/?status=submitted", "procurement", source="issue 22: every list"),
    Target("Vendor list", "procurement:vendor_list", "procurement", source="issue 22: every list"),
    Target("Award proposals", "procurement:award_proposal_list", "manager", source="issue 22: every list"),
    Target("Scorecards of a pilot", "pilots:scorecard_list", "manager", args=("pilot",), source="issue 22: every list"),
    Target("Vendor: my pilots", "pilots:vendor_pilot_list", "vendor", source="issue 22: every list"),
    Target("Vendor: portal", "procurement:portal", "vendor", source="issue 22: every list"),
    Target("Vendor: contracts", "contracts:contract_list", "vendor", source="issue 22: every list"),
    Target("Audit trail", "audit:event_list", "admin", source="issue 22: every list"),
    Target("Webhook endpoints", "webhooks:endpoint_list", "admin", source="issue 22: every list"),
    Target("API tokens", "accounts:token_list", "procurement", source="issue 22: every list"),
    Target("Vendor list API", "/api/v1/vendors", "procurement", auth="token"),
    Target("Estimate API", "/api/v1/costing/estimate", "procurement", method="POST", auth="token", body="estimate", source="issue 4"),
    Target("Comparison API", "/api/v1/rfqs/{rfq_10}/comparison?months=24", "procurement", auth="token", source="issue 4"),
    Target("KPI PUT API", "/api/v1/pilots/{pilot}/kpis/{pilot_day}", "vendor", method="PUT", auth="token", body="kpi", ok=(200, 201), source="issue 5"),
]
# fmt: on

BODIES: dict[str, dict] = {
    # docs/api.md's estimate example (the cost article's worked example).
    "estimate": {
        "months": 24,
        "volume_per_month": 500,
        "aht_minutes": 10,
        "in_house": {"gross_salary_month": 2500, "employer_costs_pct": 35},
        "vendor": {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_fee": 2000},
    },
    "kpi": {
        "tickets": 120,
        "csat_responses": 50,
        "csat_positive": 44,
        "frt_minutes": "31.50",
        "aht_minutes": "9.20",
        "fcr_resolved": 90,
        "cost": "396.00",
    },
}

BASELINE = Target("Baseline: bare page", "bench_baseline", "manager")
BASELINE_LAYOUT = Target("Baseline: layout page", "bench_baseline_layout", "manager")
OPTIONAL_MODULES = (
    "bench_comparison",
    "bench_dashboard",
    "bench_sweep",
    "bench_contracts",
    "bench_live",
    "bench_templates",
)
ENGINE_TARGET_US = 1000.0  # issue 4: a 24-month estimate under 1 ms
SWEEP_TARGET_PER_S = 500.0  # issue 6: at least 500 pilots/s
LOAD_TARGET = "p95 < 300 ms at 50 users, 0 errors (make load)"


class NotAvailable(Exception):
    """The page or endpoint is not in the URL conf (yet)."""


@dataclass
class Result:
    name: str
    status: str = "ok"  # ok | not available | error
    url: str = ""
    http_status: int | None = None
    queries: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    mean_ms: float | None = None
    requests: int = 0
    failures: int = 0
    x_baseline: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""
    constant_vs: dict = field(default_factory=dict)


# --- requests -------------------------------------------------------------------------


def _path(target: Target, handles: dict) -> str:
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    if isinstance(target.url, str) and target.url.startswith("/"):
        try:
            path = target.url.format(**handles)
        except KeyError as exc:
            raise NotAvailable(f"no object for {exc} in the dataset") from exc
        try:
            resolve(path.split("?")[0])
        except Resolver404 as exc:
            raise NotAvailable("no such path") from exc
        return path
    names = (target.url,) if isinstance(target.url, str) else target.url
    args = [handles[a] for a in target.args]
    for name in names:
        with contextlib.suppress(NoReverseMatch):
            return reverse(name, args=args)
    raise NotAvailable(f"no URL named {' / '.join(names)}")


def _requester(target: Target, path: str, clients: dict) -> Callable:
    client, token = clients[target.role]
    method = getattr(client, target.method.lower())
    body = BODIES.get(target.body) if target.body else None
    if target.auth == "token":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if target.method == "GET":
            return lambda: client.get(path, **headers)
        data = json.dumps(body or {})
        return lambda: method(path, data, content_type="application/json", **headers)
    if target.method == "GET":
        return lambda: client.get(path)
    return lambda: method(path, body or {})


def _is_placeholder(path: str) -> bool:
    """The foundation's placeholder views (replaced after the merge) are flagged, not trusted."""
    from django.urls import resolve

    try:
        func = inspect.unwrap(resolve(path.split("?")[0]).func)
        return "placeholder.html" in inspect.getsource(func)
    except (TypeError, OSError):
        return False


def _count_queries(call: Callable) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return len(ctx.captured_queries), response


def measure(target: Target, handles: dict, clients: dict, n: int, warmup: int) -> Result:
    result = Result(name=target.name)
    try:
        path = _path(target, handles)
    except NotAvailable as exc:
        result.status, result.verdict, result.note = "not available", "n/a", str(exc)
        return result
    result.url = f"{target.method} {path}"
    call = _requester(target, path, clients)
    try:
        result.queries, response = _count_queries(call)
    except Exception as exc:  # a crashing page is a finding, not a crashed benchmark
        result.status, result.verdict, result.note = (
            "error",
            "ERROR",
            f"{type(exc).__name__}: {exc}",
        )
        return result
    result.http_status = response.status_code
    if response.status_code in (404, 405) and response.status_code not in target.ok:
        # The route may exist without this method (405) or the object may be missing.
        result.status, result.verdict = "not available", "n/a"
        result.note = f"HTTP {response.status_code}"
        return result
    if response.status_code not in target.ok:
        result.status, result.verdict = "error", "ERROR"
        result.note = f"HTTP {response.status_code}, expected {target.ok}"
        return result
    if _is_placeholder(path):
        result.note = "placeholder view"
    for _ in range(warmup):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code not in target.ok:
            result.failures += 1
    result.requests = n
    result.p50_ms = round(support.percentile(times, 50), 2)
    result.p95_ms = round(support.percentile(times, 95), 2)
    result.mean_ms = round(statistics.fmean(times), 2)
    for other in target.constant_vs:
        try:
            other_path = _path(Target(**{**asdict(target), "args": (other,)}), handles)
            result.constant_vs[other], _ = _count_queries(_requester(target, other_path, clients))
        except NotAvailable as exc:
            result.constant_vs[other] = str(exc)
    _judge(target, result)
    return result


def _judge(target: Target, result: Result) -> None:
    goals, misses = [], []
    if target.max_queries is not None:
        goals.append(f"≤ {target.max_queries} queries")
        if result.queries > target.max_queries:
            misses.append("queries")
    if target.max_p95_ms is not None:
        goals.append(f"p95 < {target.max_p95_ms:g} ms")
        if result.p95_ms >= target.max_p95_ms:
            misses.append("time")
    if target.constant_vs:
        goals.append("constant queries")
        counts = [result.queries, *result.constant_vs.values()]
        if len(set(counts)) != 1:
            misses.append(f"queries {counts}")
    if result.failures:
        misses.append(f"{result.failures} failed requests")
    result.target = ", ".join(goals) or "—"
    if misses:
        result.verdict = "MISS (" + "; ".join(misses) + ")"
    else:
        result.verdict = "ok" if goals else "—"


# --- the run --------------------------------------------------------------------------


def _clients(handles) -> dict:
    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue

    clients = {}
    for role, user_id in handles.users.items():
        user = User.objects.get(pk=user_id)
        client = Client()
        client.force_login(user)
        _row, token = api_token_issue(user=user, name="benchmark")
        clients[str(role)] = (client, token)
    return clients


# A quick run (--scale below 1) shrinks the modules' own datasets alike.
MODULE_SIZES = {
    "bench_sweep": {"n_pilots": 10_000, "emails": 1_000},
    "bench_dashboard": {"pilot_count": 2_000},
    "bench_contracts": {"n_contracts": 2_000, "n_pilots": 2_000},
}


def _optional_modules(scale: float = 1.0) -> dict:
    out = {}
    for name in OPTIONAL_MODULES:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"benchmarks.{name}":
                out[name] = {"status": "not present"}
                continue
            out[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
            continue
        print(f"running benchmarks.{name} …", flush=True)
        try:
            started = time.perf_counter()
            kwargs = {}
            if scale < 1:
                sizes = MODULE_SIZES.get(name, {})
                kwargs = {key: max(50, round(full * scale)) for key, full in sizes.items()}
            figures = module.run(**kwargs)
            out[name] = {
                "status": "ok",
                "seconds": round(time.perf_counter() - started, 1),
                "figures": figures,
            }
        except Exception as exc:  # report, keep going
            out[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    return out


def _evaluate() -> dict:
    """Scorecards and alerts as the app makes them (`evaluate_pilots`, docs/api.md), so the
    dashboard, alerts and pilot list show realistic data; timed, e-mails to memory."""
    from django.core.management import call_command, get_commands
    from django.utils import timezone

    from pilots.models import Alert, Scorecard

    if "evaluate_pilots" not in get_commands():
        print("  evaluate_pilots: not present (no scorecards or alerts in the dataset)")
        return {"status": "not present"}
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("evaluate_pilots", date=timezone.localdate().isoformat(), stdout=devnull)
    took = time.perf_counter() - started
    figures = {
        "status": "ok",
        "seconds": round(took, 1),
        "scorecards": Scorecard.objects.count(),
        "open_alerts": Alert.objects.filter(closed_at__isnull=True).count(),
    }
    print(
        f"  evaluate_pilots: {figures['scorecards']:,} scorecards (e-mailed), "
        f"{figures['open_alerts']:,} open alerts in {took:.1f} s"
    )
    return figures


def _module_row(name: str, data: dict) -> list[str]:
    if data["status"] != "ok":
        return [name, "", "", "", "", "", data["status"], data.get("error", "")[:80]]
    figures = data["figures"] if isinstance(data["figures"], dict) else {}
    verdict = "—"
    target = ""
    for key in ("meets_target", "constant_queries"):
        if isinstance(figures.get(key), bool):
            verdict = "ok" if figures[key] else "MISS"
            target = target or key.replace("_", " ")
    rate = next((v for k, v in figures.items() if k.endswith("per_second")), None)
    if name == "bench_sweep":
        target = f"≥ {SWEEP_TARGET_PER_S:g} pilots/s"
        if isinstance(rate, int | float):
            verdict = "ok" if rate >= SWEEP_TARGET_PER_S else "MISS"
    summary = ", ".join(f"{k}={v}" for k, v in list(figures.items())[:5])
    # A job beside its SQL floor (issue 22): "sweep 7.1 s = 15.8× floor (≤ 8×: not met)".
    floors = figures.get("floor") if isinstance(figures.get("floor"), dict) else {}
    if floors:
        summary = "; ".join(
            f"{job} {f['job_seconds']} s = {f['ratio']}× floor {f['floor_seconds']} s "
            f"(≤ {f['target_ratio']}×: {f['verdict']})"
            for job, f in floors.items()
        )
    if name == "bench_sweep" and "messages_per_second" in figures:
        # Issue 22: the scorecard e-mails, one process (bench_sweep.TARGET_EMAILS_PER_SECOND).
        emails_ok = "ok" if figures.get("emails_meet_target") else "MISS"
        summary = (
            f"e-mails {figures['messages_per_second']}/s (≥ 150: {emails_ok}), "
            f"send only {figures.get('send_only_messages_per_second')}/s, "
            f"{figures.get('email_queries_per_message')} queries a message; {summary}"
        )
    queries = str(figures.get("queries", figures.get("queries_per_batch", "")))
    p50 = figures.get("p50_ms", "")
    p95 = figures.get("p95_ms", "")
    return [
        name,
        queries,
        str(p50),
        str(p95),
        "",
        target,
        verdict,
        summary if floors else summary[:100],
    ]


def _analyze() -> float:
    """Fresh planner statistics for everything loaded and made (dataset, scorecards, alerts):
    autovacuum may not have run yet, and stale counts pick the wrong plans."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _scale_label(scale: float) -> str:
    return f"{scale:g}×"


def _measure_scale(scale: float, db: str, args, *, first: bool) -> dict:
    """Build (or reuse) the dataset at this scale in its own database and measure every
    target on it. The database is dropped afterwards unless --keep."""
    from django.test.utils import override_settings

    from benchmarks import dataset

    reuse = args.reuse and support.database_exists(db)
    url = support.database_url(db) if reuse else support.recreate_database(db)
    if first:
        support.setup_django(url)
    else:
        support.point_django_at(db)
    out: dict = {"scale": scale, "db": db}
    print(f"\n== scale {_scale_label(scale)} (database {db}) ==", flush=True)
    if reuse:
        print("reusing the existing dataset")
    else:
        print(f"migrating … {support.migrate():.1f} s")
        print(f"building the dataset at scale {scale:g} …", flush=True)
        built = dataset.build(scale=scale, seed=args.seed)
        out["dataset"] = {"counts": built.counts, "seconds": built.seconds}
        if not args.no_evaluate:
            out["dataset"]["evaluate"] = _evaluate()
        out["dataset"]["analyze_seconds"] = round(_analyze(), 2)
        print(f"ANALYZE after loading … {out['dataset']['analyze_seconds']:.1f} s")
    if first:
        print(f"collectstatic … {support.ensure_collectstatic():.1f} s")

    handles = dataset.Handles.load()
    handle_values = {k: v for k, v in asdict(handles).items() if k != "users"}
    results: list[Result] = []
    try:
        with override_settings(ROOT_URLCONF="benchmarks.urls"):
            clients = _clients(handles)
            print(f"measuring {len(TARGETS)} targets, {args.requests} requests each …", flush=True)
            base = measure(BASELINE, handle_values, clients, args.requests * 2, args.warmup)
            layout = measure(BASELINE_LAYOUT, handle_values, clients, args.requests, args.warmup)
            for target in TARGETS:
                results.append(measure(target, handle_values, clients, args.requests, args.warmup))
            # Again at the end: the baseline's drift says how noisy the machine was.
            base_end = measure(BASELINE, handle_values, clients, args.requests * 2, args.warmup)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            support.drop_database(db)
    baseline_p50 = statistics.fmean([base.p50_ms, base_end.p50_ms])
    for r in [layout, *results]:
        if r.p50_ms is not None:
            r.x_baseline = round(r.p50_ms / baseline_p50, 1)
    base.x_baseline = 1.0
    base_end.x_baseline = round(base_end.p50_ms / baseline_p50, 1)
    base_end.note = f"drift {base_end.p50_ms / base.p50_ms - 1:+.0%} since the start"
    out.update(
        {
            "handles": handle_values,
            "baseline": base,
            "baseline_end": base_end,
            "baseline_layout": layout,
            "targets": results,
        }
    )
    return out


def _rows_one_scale(run: dict) -> list[list[str]]:
    rows = []
    for r in [run["baseline"], run["baseline_layout"], *run["targets"], run["baseline_end"]]:
        rows.append(
            [
                r.name,
                "" if r.queries is None else str(r.queries),
                "" if r.p50_ms is None else f"{r.p50_ms:.1f}",
                "" if r.p95_ms is None else f"{r.p95_ms:.1f}",
                "" if r.x_baseline is None else f"{r.x_baseline:.1f}",
                r.target,
                r.verdict if r.status != "not available" else "not available",
                r.note,
            ]
        )
    return rows


def _side_by_side(runs: list[dict]) -> tuple[list[str], list[list[str]]]:
    """One row per target, the scales' figures next to each other, and the growth of p50
    (in multiples of each run's bare page) from the smallest to the largest scale: a page
    that stays flat in data size stays near 1.0."""
    labels = [_scale_label(run["scale"]) for run in runs]
    headers = ["name"]
    for label in labels:
        headers += [f"queries {label}", f"p50 ms {label}", f"p95 ms {label}"]
    headers += [f"growth {labels[-1]}/{labels[0]}", "verdict", "note"]
    rows = []
    named = [
        [run["baseline"], run["baseline_layout"], *run["targets"], run["baseline_end"]]
        for run in runs
    ]
    for index, first in enumerate(named[0]):
        row = [first.name]
        for results in named:
            r = results[index]
            row += [
                "" if r.queries is None else str(r.queries),
                "" if r.p50_ms is None else f"{r.p50_ms:.1f}",
                "" if r.p95_ms is None else f"{r.p95_ms:.1f}",
            ]
        small, large = named[0][index], named[-1][index]
        # Each p50 as a multiple of its own run's bare page first: the scales run minutes
        # apart, and on a shared machine the load in between moves raw times more than data.
        growth = (
            f"{large.x_baseline / small.x_baseline:.2f}"
            if small.x_baseline and large.x_baseline
            else ""
        )
        verdicts = {r.verdict for r in (rr[index] for rr in named) if r.verdict}
        bad = sorted(v for v in verdicts if v.startswith(("MISS", "ERROR")))
        verdict = bad[0] if bad else (large.verdict or "")
        if large.status == "not available":
            verdict = "not available"
        row += [growth, verdict, large.note]
        rows.append(row)
    return headers, rows


def _parse_scales(args) -> list[float]:
    text = args.scales or (str(args.scale) if args.scale is not None else "1")
    try:
        scales = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise SystemExit(f"--scales: {exc}") from exc
    if not scales or any(scale <= 0 for scale in scales):
        raise SystemExit("--scales: give positive numbers, e.g. 1,10")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="VendorPilot benchmarks (make bench)")
    parser.add_argument("--scale", type=float, default=None, help="dataset size (0.05 = quick)")
    parser.add_argument(
        "--scales",
        default=None,
        help="several dataset sizes, e.g. 1,10: each measured in its own database, the table "
        "shows them side by side with the p50 growth (× bare page)",
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per target")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json", type=Path, default=support.RESULTS_DIR / "latest.json")
    parser.add_argument("--db", default="vp_bench_run", help="throwaway database (vp_bench*)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing dataset")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-modules", action="store_true", help="skip the bench_* modules")
    parser.add_argument(
        "--no-evaluate",
        action="store_true",
        help="skip `evaluate_pilots` on the dataset (scorecards and alerts for the pages)",
    )
    args = parser.parse_args(argv)
    scales = _parse_scales(args)

    report: dict = {
        "meta": support.run_metadata(),
        "args": {**vars(args), "json": str(args.json), "scales": scales},
    }
    print(f"VendorPilot benchmarks — {report['meta']['git_commit'][:12]} on "
          f"{report['meta']['machine'].get('cpus')} CPUs, scales {', '.join(map(_scale_label, scales))}")  # fmt: skip
    runs = []
    for index, scale in enumerate(scales):
        db = args.db if len(scales) == 1 else f"{args.db}_{str(scale).replace('.', '_')}"
        runs.append(_measure_scale(scale, db, args, first=index == 0))

    from benchmarks import bench_engine

    print("engine …", flush=True)
    engine = bench_engine.run()
    modules = {} if args.no_modules else _optional_modules(min(scales))

    extra_rows = [
        [
            "Engine: 24-month estimate",
            "0",
            f"{engine['estimate_mean_us'] / 1000:.3f}",
            "",
            "",
            f"< {ENGINE_TARGET_US / 1000:g} ms each",
            "ok" if engine["estimate_mean_us"] < ENGINE_TARGET_US else "MISS",
            f"{engine['estimates_per_second']:,} estimates/s (mean)",
        ],
        *(_module_row(name, data) for name, data in modules.items()),
    ]
    if len(runs) == 1:
        headers = ["name", "queries", "p50 ms", "p95 ms", "× base", "target", "verdict", "note"]
        rows = _rows_one_scale(runs[0]) + extra_rows
    else:
        headers, rows = _side_by_side(runs)
        # Scale-independent rows: figures in the first scale's columns, target into the note.
        blank = [""] * (3 * (len(runs) - 1) + 1)
        rows += [
            [name, queries, p50, p95, *blank, verdict, "; ".join(x for x in (target, note) if x)]
            for name, queries, p50, p95, _x, target, verdict, note in extra_rows
        ]
    print()
    support.print_table(headers, rows)
    print(f"\n(load: {LOAD_TARGET}; server time in-process, no network)")
    if modules.get("bench_templates", {}).get("status") == "ok":
        from benchmarks import bench_templates

        print("\nTemplate rendering per page (bench_templates; before = the previous run):")
        bench_templates.print_table(modules["bench_templates"]["figures"])

    def plain(run: dict) -> dict:
        return {
            key: (
                [asdict(r) for r in value]
                if key == "targets"
                else asdict(value)
                if isinstance(value, Result)
                else value
            )
            for key, value in run.items()
        }

    last = plain(runs[-1])
    report.update(
        {
            # The largest scale under the old keys; every scale under "scales".
            "dataset": last.get("dataset"),
            "handles": last["handles"],
            "baseline": last["baseline"],
            "baseline_end": last["baseline_end"],
            "baseline_layout": last["baseline_layout"],
            "targets": last["targets"],
            "scales": {_scale_label(run["scale"]): plain(run) for run in runs},
            "engine": engine,
            "modules": modules,
        }
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, default=str)
    args.json.write_text(text)
    stamp = report["meta"]["timestamp"].replace(":", "").replace("-", "")[:15]
    (args.json.parent / f"bench-{stamp}.json").write_text(text)
    print(f"results: {args.json}")
    misses = [r for run in runs for r in run["targets"] if r.verdict.startswith(("MISS", "ERROR"))]
    module_errors = [name for name, data in modules.items() if data.get("status") == "error"]
    return 1 if misses or module_errors else 0


if __name__ == "__main__":
    sys.exit(main())
