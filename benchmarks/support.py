"""Plumbing shared by the benchmark, the load test and the failure drills.

Throwaway PostgreSQL databases (only names starting with `vp_bench`), Django set-up against
one of them with production settings, and small process helpers (free ports, waiting for a
port, stopping a process group) so every script cleans up after itself.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# The cluster's maintenance database: used only to CREATE/DROP the throwaway databases.
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Redis DB reserved for benchmarks (task messages published by the pages land here).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
# The shared cache, as in production (CACHE_URL: sessions, the signed-in users' generation,
# page fragments, the throttle); emptied whenever a run points the app at a database.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
# Never a real key: benchmarks run production settings, which refuse to start without one.
BENCH_SECRET_KEY = "bench-only-not-secret-4f9c2e7a1b8d6e3f0a5c9b2d7e4f1a8c"
DB_PREFIX = "vp_bench"


def _check_name(name: str) -> None:
    # Guard rail: these helpers DROP databases; they may only touch our own throwaway ones.
    if not name.startswith(DB_PREFIX) or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to touch database {name!r}: only {DB_PREFIX}* names")


def database_url(name: str, admin_url: str = ADMIN_URL) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(name: str, admin_url: str = ADMIN_URL) -> str:
    """DROP (if it exists) and CREATE a throwaway database; returns its URL."""
    import psycopg

    _check_name(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name, admin_url)


def drop_database(name: str, admin_url: str = ADMIN_URL) -> None:
    import psycopg

    _check_name(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(name: str, admin_url: str = ADMIN_URL) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def app_environment(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of the app under test: production settings, loopback, no TLS redirect."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", BENCH_SECRET_KEY),
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": CACHE_URL,
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


def setup_django(db_url: str, **extra: str) -> None:
    """Configure this process like the production app, against `db_url`, and django.setup()."""
    os.environ.update(app_environment(db_url, **extra))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    clear_cache()


def clear_cache() -> None:
    """Empty the bench's cache: nothing cached for another dataset may answer a request."""
    from django.core.cache import cache

    cache.clear()


def point_django_at(name: str) -> None:
    """After setup_django(): switch the default connection to another throwaway database."""
    from django.db import connections

    _check_name(name)
    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    clear_cache()


def migrate(verbosity: int = 0) -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=verbosity)
    return time.perf_counter() - start


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine_info() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "hostname": platform.node(),
    }
    with contextlib.suppress(OSError, ValueError):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(total_kb / 1024 / 1024, 1)
    with contextlib.suppress(OSError, StopIteration):
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu_model"] = (
            next(line for line in cpuinfo if line.startswith("model name")).split(":", 1)[1].strip()
        )
    with contextlib.suppress(OSError):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def run_metadata() -> dict:
    import django

    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "django": django.get_version(),
        "machine": machine_info(),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before port {port} opened")
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def start(cmd: list[str], *, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start a process in its own process group (so stop() reaches its children too)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen | None, timeout: float = 15.0) -> None:
    """SIGTERM the process group we started, SIGKILL it if it does not go in time."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def running(cmd: list[str], *, env=None, log=None, port: int | None = None) -> Iterator:
    proc = start(cmd, env=env, log=log)
    try:
        if port is not None:
            wait_for_port(port, proc=proc)
        yield proc
    finally:
        stop(proc)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a real measurement)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def ensure_collectstatic(force: bool = False) -> float:
    """collectstatic (production's manifest storage needs it), skipped when the manifest
    already lists every static file: whitenoise's compression takes ~30 s on 2 cores."""
    import json

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    started = time.perf_counter()
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not force and manifest.exists():
        known = set(json.loads(manifest.read_text()).get("paths", {}))
        newest = manifest.stat().st_mtime
        stale = False
        for finder in get_finders():
            for path, storage in finder.list(["CVS", ".*", "*~"]):
                if path not in known or Path(storage.path(path)).stat().st_mtime > newest:
                    stale = True
                    break
            if stale:
                break
        if not stale:
            return 0.0
    call_command("collectstatic", interactive=False, verbosity=0)
    return time.perf_counter() - started
