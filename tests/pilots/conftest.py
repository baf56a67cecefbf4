"""Fixtures for the pilot evaluation tests: quick KPI data, a real SMTP server on loopback
(aiosmtpd), Redis DB 3 as the Celery broker, and a real Celery worker subprocess.

The service fixtures skip locally when the service is missing and fail under CI=true
(`require_service`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from pilots.models import KpiEntry, Pilot
from tests.conftest import require_service
from tests.factories import VendorUserFactory
from tests.pilots.factories import PilotFactory

ROOT = Path(__file__).resolve().parents[2]
# CI names its throwaway Redis database in TEST_REDIS_URL; locally this work uses DB 3.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
WORKER_QUEUE = "celery"  # the default queue: the tasks are not routed elsewhere

# A good day against the factory's targets (CSAT ≥ 85, FRT ≤ 60, AHT ≤ 10, FCR ≥ 70,
# cost ≤ 3.33): 90% CSAT, 30 min, 9 min, 80% FCR, € 3.00 a ticket.
GOOD_DAY = {
    "tickets": 20,
    "csat_responses": 10,
    "csat_positive": 9,
    "frt_minutes": Decimal("30"),
    "aht_minutes": Decimal("9"),
    "fcr_resolved": 16,
    "cost": Decimal("60.00"),
    "qa_sampled": 2,
}
CSAT_MISS = {"csat_positive": 8}  # 80% < 85%
FCR_MISS = {"fcr_resolved": 12}  # 60% < 70%


def add_days(pilot: Pilot, days: Iterable[int], **values) -> list[KpiEntry]:
    """Entries for the given day numbers (day 1 is the start date), bulk-created."""
    author = VendorUserFactory(vendor=pilot.vendor)
    rows = [
        KpiEntry(
            pilot=pilot,
            day=pilot.start_date + timedelta(days=n - 1),
            entered_by=author,
            **{**GOOD_DAY, **values},
        )
        for n in days
    ]
    return KpiEntry.objects.bulk_create(rows)


@pytest.fixture
def pilot_with_days(db) -> Callable[..., Pilot]:
    """`pilot_with_days(60, length_days=90, skip={3}, csat_positive=8)`."""

    def make(days: int, *, skip: Iterable[int] = (), values: dict | None = None, **pilot_kwargs):
        pilot = PilotFactory(**pilot_kwargs)
        add_days(pilot, [n for n in range(1, days + 1) if n not in set(skip)], **(values or {}))
        return pilot

    return make


def day_after(pilot: Pilot, n: int) -> date:
    """The first date on which checkpoint n is due (day n is over)."""
    return pilot.start_date + timedelta(days=n)


# --- A real SMTP server on loopback --------------------------------------------------------


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list = field(default_factory=list)
    fail_next: int = 0  # answer this many DATA commands with 451 (try again later)
    refused: int = 0
    # Addresses refused at RCPT TO: "550" for good (no such mailbox) or "451" (try later;
    # the count says how many times).
    refuse: dict[str, str] = field(default_factory=dict)
    defer: dict[str, int] = field(default_factory=dict)
    # After this many accepted messages the next DATA hangs without an answer until
    # `release()`: a sender killed there has had exactly that many messages accepted.
    hold_after: int | None = None
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        self.hold_after = None
        self.released.set()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.sink.lock:
            if address in self.sink.refuse:
                self.sink.refused += 1
                return "550 5.1.1 Mailbox unavailable"
            if self.sink.defer.get(address, 0) > 0:
                self.sink.defer[address] -= 1
                self.sink.refused += 1
                return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import asyncio

        while self.sink.hold_after is not None and len(self.sink.messages) >= self.sink.hold_after:
            if self.sink.released.is_set():
                break
            await asyncio.sleep(0.05)
        with self.sink.lock:
            if self.sink.fail_next > 0:
                self.sink.fail_next -= 1
                self.sink.refused += 1
                return "451 4.3.0 Try again later"
            self.sink.envelopes.append(envelope)
            self.sink.messages.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # pragma: no cover - dev dependency
        require_service(False, "aiosmtpd")
    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    controller = Controller(_Handler(sink), hostname=sink.host, port=sink.port)
    try:
        controller.start()
    except Exception as exc:  # pragma: no cover - environment
        require_service(False, f"an SMTP server on loopback ({exc})")
    yield sink
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Django's own SMTP backend, in this process, pointed at the loopback server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


# --- Redis and a real Celery worker -------------------------------------------------------


def _redis_ok(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _use_broker(app, url: str) -> None:
    """Point this process's Celery app at `url` and drop pooled connections to the old one."""
    from kombu import pools

    app.conf.broker_url = url
    pools.reset()  # close the pooled connections and forget the pools
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_broker(settings):
    """Redis DB 3 as the broker of this process, emptied before and after."""
    require_service(_redis_ok(REDIS_URL), f"Redis at {REDIS_URL}")
    import redis

    from config.celery_app import app

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    original = app.conf.broker_url
    settings.CELERY_BROKER_URL = REDIS_URL
    _use_broker(app, REDIS_URL)
    yield REDIS_URL
    _use_broker(app, original)
    client.flushdb()


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker(transactional_db, redis_broker, smtp_server, tmp_path):
    """`celery -A config worker --pool=solo` as a subprocess over Redis, on the pytest test
    database, sending e-mail to the loopback SMTP server. Not eager: the real thing."""
    from django.conf import settings as django_settings
    from django.db import connection

    require_service(connection.vendor == "postgresql", "PostgreSQL (the worker shares the test DB)")
    db = django_settings.DATABASES["default"]
    database_url = (
        f"postgres://{db.get('USER') or 'postgres'}"
        f"{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
        f"@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": smtp_server.url,
        "EMAIL_TIMEOUT": "5",
        "SITE_URL": "https://vendorpilot.example",
        "LOG_LEVEL": "INFO",
        # The outbox's backoff in seconds, not minutes, so a test sees its retries.
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "OUTBOX_MAX_ATTEMPTS": "4",
        "OUTBOX_BATCH_SIZE": "3",  # small batches: two workers interleave
    }
    log_path = tmp_path / "worker.log"
    hostname = f"evaluation-test-{os.getpid()}@localhost"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                WORKER_QUEUE,
                "--hostname",
                hostname,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.log()[-3000:]}")
            time.sleep(0.1)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until(predicate: Callable[[], bool], *, timeout: float = 60.0, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


# --- An RFQ with a quote (the seed's worked example) -----------------------------------------


def make_rfq_and_quote(*, owner, vendor, **quote_fields):
    """The cost article's example: 500 e-mails a month, AHT 10 min, in-house 1 FTE at € 2,500
    + 35%, nearshore € 18/h + € 2,000 onboarding, 12 months → quote € 3.33, in-house € 6.75
    a ticket."""
    from datetime import datetime

    from procurement.models import Quote, QuoteStatus, Rfq, RfqChannel

    rfq = Rfq.objects.create(
        title="Customer service e-mail",
        reference=f"RFQ-{Rfq.objects.count() + 1:04d}",
        owner=owner,
        quote_deadline=datetime(2025, 12, 1, tzinfo=UTC),
        term_months=12,
        ih_gross_salary_month=Decimal("2500"),
        ih_employer_costs_pct=Decimal("35"),
    )
    RfqChannel.objects.create(
        rfq=rfq, channel="email", volume_per_month=500, aht_minutes=Decimal("10")
    )
    fields = {
        "status": QuoteStatus.SUBMITTED,
        "revision": 1,
        "pricing_model": "hourly",
        "hourly_rate": Decimal("18"),
        "onboarding_fee": Decimal("2000"),
        "scale_up_days": 14,
        "dpa": True,
        "data_location": "EU (Lisbon)",
        "sla_email_response_minutes": Decimal("60"),
        **quote_fields,
    }
    return rfq, Quote.objects.create(rfq=rfq, vendor=vendor, **fields)
