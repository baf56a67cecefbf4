"""What the failure drills share: private services on loopback, the app under gunicorn, a
Celery worker, an SMTP sink that counts e-mails, and a list of checks with a verdict.

Every service a drill stops or kills is its OWN: a private redis-server on port 6390, a
private PostgreSQL cluster on port 5440 in a temp dir. The shared Redis (6379) and
PostgreSQL (5432) that other people use are never stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

from benchmarks import support

PRIVATE_REDIS_PORT = 6390
PRIVATE_PG_PORT = 5440
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass
class Drill:
    """Checks with a verdict: `check()` records, `finish()` prints and gives the exit code."""

    name: str
    checks: list[tuple[str, str, str]] = field(default_factory=list)  # (verdict, what, detail)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        self.checks.append(("ok" if ok else "FAIL", what, detail))
        print(f"  [{'ok' if ok else 'FAIL'}] {what}{f' — {detail}' if detail else ''}", flush=True)
        return ok

    def skip(self, what: str, why: str) -> None:
        self.checks.append(("not available", what, why))
        print(f"  [not available] {what} — {why}", flush=True)

    def step(self, text: str) -> None:
        print(f"• {text}", flush=True)

    def finish(self) -> int:
        failed = [c for c in self.checks if c[0] == "FAIL"]
        skipped = [c for c in self.checks if c[0] == "not available"]
        passed = len(self.checks) - len(failed) - len(skipped)
        print(f"\n{self.name}: {passed} ok, {len(failed)} failed, {len(skipped)} not available yet")
        return 1 if failed else 0


# --- availability of the pieces other work delivers ------------------------------------


def kpi_put_available() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/pilots/1/kpis/2026-01-01")
        return True
    except Resolver404:
        return False


def sweep_task_available() -> bool:
    from config.celery_app import app

    app.loader.import_default_modules()
    return "pilots.evaluate_due_pilots" in app.tasks


def evaluate_command_available() -> bool:
    from django.core.management import get_commands

    return "evaluate_pilots" in get_commands()


def due_checkpoints(as_of) -> set[tuple[int, int]]:
    """(pilot id, checkpoint day) that a sweep as of `as_of` must have made (docs/domain.md §5)."""
    from datetime import timedelta

    from pilots.models import Pilot

    due = set()
    for pk, start, length in Pilot.objects.values_list("pk", "start_date", "length_days"):
        for day in (30, 60, 90):
            if day <= length and as_of >= start + timedelta(days=day):
                due.add((pk, day))
        decision = min(60, length)
        if decision not in (30, 60, 90) and as_of >= start + timedelta(days=decision):
            due.add((pk, decision))
    return due


# --- private services -------------------------------------------------------------------


@contextlib.contextmanager
def private_redis(port: int = PRIVATE_REDIS_PORT, log: Path | None = None):
    """A throwaway redis-server on 127.0.0.1:`port`; yields (start, stop) to bounce it."""
    if support.port_open(port):
        raise SystemExit(f"port {port} is busy: the drill needs its own Redis there")
    cmd = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--protected-mode", "yes",
    ]  # fmt: skip
    state: dict = {"proc": None}

    def start():
        state["proc"] = support.start(cmd, log=log)
        support.wait_for_port(port, proc=state["proc"])

    def stop():
        support.stop(state["proc"])
        deadline = time.monotonic() + 10
        while support.port_open(port) and time.monotonic() < deadline:
            time.sleep(0.1)

    start()
    try:
        yield start, stop
    finally:
        stop()


class PrivatePostgres:
    """initdb + pg_ctl in a temp dir, as the postgres user, on 127.0.0.1:5440."""

    def __init__(self, port: int = PRIVATE_PG_PORT):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="vp-drill-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    def _as_postgres(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *cmd], capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> None:
        if support.port_open(self.port):
            raise SystemExit(f"port {self.port} is busy: the drill needs its own PostgreSQL")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the app and the worker --------------------------------------------------------------


def gunicorn_cmd(port: int, workers: int, access_log: Path) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "30",
        "--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s",
    ]  # fmt: skip


def worker_cmd(concurrency: int = 1) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-n", f"drill-{os.getpid()}@%h",
    ]  # fmt: skip


def children_of(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(stat.parent.name))
    return kids


# --- the SMTP sink -----------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on loopback that keeps every message (recipients, subject, body digest).

    `refuse[address] = "550"` refuses an address at RCPT TO for good, `"451"` once (then it
    is accepted); with `hold_after = n` the DATA after n accepted messages gets no answer
    until `release()` (a sender killed there had exactly n accepted)."""

    def __init__(self, *, refuse: dict[str, str] | None = None, hold_after: int | None = None):
        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        self.refuse = dict(refuse or {})
        self.refused: list[tuple[str, str]] = []
        self.hold_after = hold_after
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.port = support.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def release(self) -> None:
        self.hold_after = None
        self.released.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            code = self.refuse.get(address)
            if code == "451":
                del self.refuse[address]  # try again later: the next attempt is accepted
            if code:
                self.refused.append((address, code))
                return f"{code} {'5.1.1 Mailbox unavailable' if code.startswith('5') else '4.2.0 Try again later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        import asyncio

        while self.hold_after is not None and len(self.messages) >= self.hold_after:
            if self.released.is_set():
                break
            await asyncio.sleep(0.05)
        message = message_from_bytes(envelope.original_content or envelope.content)
        # The plain-text part identifies a message; the whole content would not (a resent
        # message has a new Message-ID, Date and MIME boundaries).
        text = next(
            (
                part.get_payload(decode=True) or b""
                for part in message.walk()
                if part.get_content_type() == "text/plain"
            ),
            b"",
        )
        with self.lock:
            self.messages.append(
                {
                    "to": tuple(sorted(envelope.rcpt_tos)),
                    "subject": str(message.get("Subject", "")),
                    "text": hashlib.sha256(text).hexdigest()[:16],
                }
            )
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def duplicates(self) -> list[tuple]:
        """The same message (recipients, subject, text) delivered more than once."""
        seen: dict[tuple, int] = {}
        with self.lock:
            for m in self.messages:
                key = (m["to"], m["subject"], m["text"])
                seen[key] = seen.get(key, 0) + 1
        return [k for k, n in seen.items() if n > 1]


def wait_until(predicate, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
