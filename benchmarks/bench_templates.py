"""Template rendering on the heavy pages (issue 22): how much of each page's server time goes
into rendering its templates, against the rest (middleware, view, queries, the engine).

    python -m benchmarks.bench_templates [--scale 0.05] [--requests 30] [--db vp_bench_tpl]
                                         [--reuse --keep] [--profile "Quote comparison"]

Builds the bench dataset (benchmarks/dataset.py, small scale: the heavy pages show 25 rows,
10 quotes or 90 days whatever the scale) in its own throwaway database, runs
`evaluate_pilots` for scorecards and alerts, then requests every page of PAGES through
Django's test Client on production settings and splits each request's time:

* template ms — the time inside the outermost `Template.render` of the response (every
  `{% extends %}`, `{% include %}`, tag, filter and fragment cache, the context processors,
  and the queries the template itself sets off);
* of which SQL ms — queries run while rendering (lazy querysets, tags that query);
* rest ms — everything else (middleware, the view, its queries, the engine).

Two states per page: "warm" is a page viewed again (fragment caches filled — what most
requests are), "cold" clears the cache before every request (the first view after a change,
or any page without fragment caches). Medians over N requests; the ratio template/total
holds on a noisy machine better than the milliseconds. `run()` returns the figures so
`make bench` records them (benchmarks/run.py, OPTIONAL_MODULES).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = os.environ.get("BENCH_TEMPLATES_DB", "vp_bench_tpl")


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    role: str
    args: tuple[str, ...] = ()


# fmt: off
PAGES = (
    Page("Quote comparison, 10 quotes", "costing:comparison", "procurement", ("rfq_10",)),
    Page("Vendor pilot dashboard", "pilots:pilot_detail", "vendor", ("pilot",)),
    Page("Manager pilot dashboard", "pilots:pilot_detail", "manager", ("pilot",)),
    Page("RFQ list, 25 rows", "procurement:rfq_list", "procurement"),
    Page("Manager pilot list", "pilots:pilot_list", "manager"),
    Page("Alerts", "pilots:alert_list", "manager"),
    Page("Scorecard page, day 60", "pilots:scorecard_detail", "manager", ("pilot", "decision_day")),
    # The floor: the site layout (base.html, navigation) around an empty page.
    Page("Layout only (base.html)", "bench_baseline_layout", "vendor"),
)
# fmt: on


class _RenderClock:
    """Times the outermost template render of a response and the SQL run inside it."""

    def __init__(self) -> None:
        self.depth = 0
        self.template_s = 0.0
        self.template_cpu_s = 0.0
        self.sql_s = 0.0
        self.renders = 0

    def reset(self) -> None:
        self.template_s = self.template_cpu_s = self.sql_s = 0.0
        self.renders = 0

    @contextlib.contextmanager
    def installed(self):
        from django.db import connection
        from django.template.backends.django import Template as BackendTemplate

        original = BackendTemplate.render
        clock = self

        def render(template, context=None, request=None):
            clock.depth += 1
            start, start_cpu = time.perf_counter(), time.thread_time()
            try:
                return original(template, context, request)
            finally:
                clock.depth -= 1
                if clock.depth == 0:
                    clock.template_s += time.perf_counter() - start
                    clock.template_cpu_s += time.thread_time() - start_cpu
                    clock.renders += 1

        def sql(execute, query, params, many, context):
            if clock.depth == 0:
                return execute(query, params, many, context)
            start = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                clock.sql_s += time.perf_counter() - start

        BackendTemplate.render = render
        try:
            with connection.execute_wrapper(sql):
                yield self
        finally:
            BackendTemplate.render = original


def _clients(handles) -> dict:
    from django.test import Client

    from accounts.models import User

    clients = {}
    for role, user_id in handles.users.items():
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        clients[str(role)] = client
    return clients


def _path(page: Page, handles) -> str:
    from dataclasses import asdict

    from django.urls import reverse

    values = asdict(handles)
    return reverse(page.url, args=[values[name] for name in page.args])


def _measure(client, path: str, requests: int, *, cold: bool, clock: _RenderClock) -> dict:
    from django.core.cache import cache

    totals, templates, sqls, cpus, template_cpus = [], [], [], [], []
    for _ in range(requests):
        if cold:
            cache.clear()
        clock.reset()
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        took, took_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        totals.append(took * 1000)
        templates.append(clock.template_s * 1000)
        sqls.append(clock.sql_s * 1000)
        cpus.append(took_cpu * 1000)
        template_cpus.append(clock.template_cpu_s * 1000)
    total = statistics.median(totals)
    template = statistics.median(templates)
    return {
        "total_ms": round(total, 2),
        "template_ms": round(template, 2),
        "template_sql_ms": round(statistics.median(sqls), 2),
        "rest_ms": round(total - template, 2),
        "template_share": round(template / total, 3) if total else None,
        # CPU time of this thread: what the noise of other processes moves least.
        "cpu_ms": round(statistics.median(cpus), 2),
        "template_cpu_ms": round(statistics.median(template_cpus), 2),
        "bytes": len(response.content),
    }


def _prepare(db: str, scale: float, reuse: bool) -> str | None:
    """Set Django up against `db` (built here unless reused); returns the database name the
    process used before (to point back at), or None when this call set Django up."""
    from benchmarks import dataset, support

    previous = None
    from django.conf import settings

    configured = settings.configured
    reuse = reuse and support.database_exists(db)
    url = support.database_url(db) if reuse else support.recreate_database(db)
    if configured:
        previous = settings.DATABASES["default"]["NAME"]
        support.point_django_at(db)
    else:
        support.setup_django(url)
    if not reuse:
        support.migrate()
        dataset.build(scale=scale, verbose=False)
        from benchmarks import run as bench_run

        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            bench_run._evaluate()
            bench_run._analyze()
    support.ensure_collectstatic()  # production's manifest storage names every static file
    return previous


def run(
    scale: float = 0.05,
    requests: int = 30,
    db: str = DEFAULT_DB,
    reuse: bool = False,
    keep: bool = False,
) -> dict:
    from benchmarks import dataset, support

    previous = _prepare(db, scale, reuse)
    try:
        from django.core.cache import cache
        from django.test.utils import override_settings

        handles = dataset.Handles.load()
        pages: dict[str, dict] = {}
        with override_settings(ROOT_URLCONF="benchmarks.urls"):
            clients = _clients(handles)
            clock = _RenderClock()
            with clock.installed():
                for page in PAGES:
                    path = _path(page, handles)
                    client = clients[page.role]
                    cache.clear()
                    for _ in range(3):  # templates compiled, translations loaded, pool open
                        client.get(path)
                    figures = {"url": path, "role": page.role}
                    figures["cold"] = _measure(client, path, requests, cold=True, clock=clock)
                    figures["warm"] = _measure(client, path, requests, cold=False, clock=clock)
                    pages[page.name] = figures
        comparison, vendor = pages[PAGES[0].name]["warm"], pages[PAGES[1].name]["warm"]
        figures = {
            # First, for the summary row of `make bench`: the two pages of the issue.
            "comparison_template_ms": comparison["template_ms"],
            "comparison_template_share": comparison["template_share"],
            "vendor_dashboard_template_ms": vendor["template_ms"],
            "vendor_dashboard_template_share": vendor["template_share"],
            "scale": scale,
            "requests": requests,
            "git_commit": support.git_commit(),
            "pages": pages,
        }
        _save(figures)
        return figures
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            support.drop_database(db)
        if previous is not None:
            connections["default"].settings_dict["NAME"] = previous


LATEST = "templates-latest.json"
PREVIOUS = "templates-previous.json"


def _save(figures: dict) -> None:
    """benchmarks/results/templates-latest.json; the run before it becomes -previous (the
    "before" columns of the table: run once on main, once on a branch)."""
    import json

    from benchmarks import support

    support.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    latest = support.RESULTS_DIR / LATEST
    if latest.exists():
        latest.replace(support.RESULTS_DIR / PREVIOUS)
    latest.write_text(json.dumps(figures, indent=2))


def _previous() -> dict:
    import json

    from benchmarks import support

    path = support.RESULTS_DIR / PREVIOUS
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def profile(name: str, *, db: str, scale: float, reuse: bool, requests: int = 20) -> str:
    """cProfile of one page's warm requests, the template functions first (for finding the
    per-row work)."""
    from django.test.utils import override_settings

    from benchmarks import dataset

    _prepare(db, scale, reuse)
    handles = dataset.Handles.load()
    page = next(p for p in PAGES if p.name.lower().startswith(name.lower()))
    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        client = _clients(handles)[page.role]
        path = _path(page, handles)
        for _ in range(3):
            client.get(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    return out.getvalue()


def print_table(figures: dict) -> None:
    from benchmarks import support

    before = _previous()
    headers = ["page", "state", "total ms", "template ms", "of which SQL", "rest ms", "share"]
    headers += ["template CPU ms"]
    if before:
        headers += ["template ms before", "CPU before", "share before", "CPU after/before"]
    rows = []
    for name, page in figures["pages"].items():
        for state in ("warm", "cold"):
            f = page[state]
            row = [
                name,
                state,
                f"{f['total_ms']:.1f}",
                f"{f['template_ms']:.1f}",
                f"{f['template_sql_ms']:.1f}",
                f"{f['rest_ms']:.1f}",
                f"{f['template_share']:.0%}",
                f"{f['template_cpu_ms']:.1f}",
            ]
            if before:
                b = before.get("pages", {}).get(name, {}).get(state)
                row += (
                    [
                        f"{b['template_ms']:.1f}",
                        f"{b['template_cpu_ms']:.1f}",
                        f"{b['template_share']:.0%}",
                        f"{f['template_cpu_ms'] / b['template_cpu_ms']:.2f}"
                        if b["template_cpu_ms"]
                        else "",
                    ]
                    if b and "template_cpu_ms" in b
                    else ["", "", "", ""]
                )
            rows.append(row)
    support.print_table(headers, rows)
    if before:
        print(
            f"(before: {(before.get('git_commit') or 'not a git checkout')[:12]}, the previous run)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", default=DEFAULT_DB, help="throwaway database (vp_bench*)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing dataset")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--profile", default=None, help="cProfile one page (its name's start)")
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(args.profile, db=args.db, scale=args.scale, reuse=args.reuse))
        return
    figures = run(
        scale=args.scale, requests=args.requests, db=args.db, reuse=args.reuse, keep=args.keep
    )
    print_table(figures)
    if args.json:
        import json

        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    # Run as a script, the repository root is not on the path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
