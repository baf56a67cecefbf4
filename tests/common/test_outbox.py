"""The one e-mail outbox (issue 21, common/outbox.py): each message once per cause and
recipient, marked sent right after the SMTP server accepted it, so a sender killed mid-batch
leaves exactly the unaccepted ones; a recipient refused for good never holds up or resends the
others; two workers racing send each message once.

The kill and race tests run on PostgreSQL with a real SMTP server (aiosmtpd on loopback), a
subprocess killed with SIGKILL and real Celery workers over Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from common import outbox
from common.models import OutboxMessage
from pilots.digest import KIND as DIGEST
from pilots.digest import weekly_digest_enqueue
from tests.contracts.conftest import second_celery_worker  # noqa: F401 - fixture
from tests.factories import ManagerFactory, VendorUserFactory
from tests.pilots.conftest import (  # noqa: F401 - fixtures
    ROOT,
    celery_worker,
    redis_broker,
    smtp_server,
    smtp_settings,
    wait_until,
)
from tests.support import require_postgresql

MONDAY = date(2026, 11, 30)  # a Monday that has happened (no job runs for a future day)


def _managers(n: int) -> list:
    return [ManagerFactory(email=f"m{i:02d}@example.com", full_name=f"M {i}") for i in range(n)]


def _after_the_lease():
    return time_machine.travel(
        timezone.now() + timedelta(seconds=outbox.lease_seconds() + 60), tick=False
    )


# --- in this process ------------------------------------------------------------------------


class Crash(BaseException):
    """The process dies here: nothing in the sender catches it."""


@pytest.mark.django_db
def test_a_sender_that_dies_after_three_accepted_leaves_exactly_the_seven_others(monkeypatch):
    _managers(10)
    real_send = EmailBackend.send_messages

    def dies_after_three(backend, messages):
        if len(mail.outbox) == 3:
            raise Crash
        return real_send(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_after_three)
    with pytest.raises(Crash):
        call_command("send_digest", "--date", MONDAY.isoformat(), stdout=StringIO())
    monkeypatch.undo()
    rows = OutboxMessage.objects.filter(kind=DIGEST)
    # Each accepted message was marked sent right away, not at the end of the batch.
    assert rows.filter(sent_at__isnull=False).count() == 3
    assert rows.filter(sent_at=None, failed_at=None).count() == 7
    # At once, the dead sender's leases still hold: nothing is sent twice meanwhile.
    out = StringIO()
    call_command("send_digest", "--date", MONDAY.isoformat(), stdout=out)
    assert "0 digests sent" in out.getvalue()
    # Once its lease expired, the next run (beat's `common.send_outbox`, or the command) sends
    # exactly the seven that were not accepted.
    with _after_the_lease():
        out = StringIO()
        call_command("send_digest", "--date", MONDAY.isoformat(), stdout=out)
    assert out.getvalue().count("Weekly digest to ") == 7
    assert sorted(Counter(m.to[0] for m in mail.outbox).values()) == [1] * 10


@pytest.mark.django_db
def test_a_cause_is_queued_once_however_often_the_job_runs():
    _managers(2)
    assert weekly_digest_enqueue(as_of=MONDAY) == 2
    assert weekly_digest_enqueue(as_of=MONDAY) == 0
    assert weekly_digest_enqueue(as_of=MONDAY + timedelta(days=2)) == 0  # the same week
    assert OutboxMessage.objects.filter(kind=DIGEST).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_jobs_queueing_the_same_cause_at_once_leave_one_row_each():
    require_postgresql("the race needs PostgreSQL (SQLite runs one writer at a time)")
    _managers(20)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(weekly_digest_enqueue(as_of=MONDAY))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert OutboxMessage.objects.filter(kind=DIGEST).count() == 20
    assert sum(counts) == 20  # each row counted by the job that inserted it


# --- a real process, killed -----------------------------------------------------------------


def _database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (
        f"postgres://{db.get('USER') or 'postgres'}"
        f"{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
        f"@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_send_digest_killed_mid_batch_resumes_with_exactly_the_remaining_seven(
    smtp_settings,  # noqa: F811
):
    from tests.support import require_service

    require_service(connection.vendor == "postgresql", "PostgreSQL (shared with the process)")
    sink = smtp_settings
    _managers(10)
    sink.hold_after = 3  # the 4th message's DATA never gets its answer
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": sink.url,
        "EMAIL_TIMEOUT": "60",
        "CELERY_BROKER_URL": "memory://",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "send_digest", "--date", MONDAY.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_until(lambda: len(sink.messages) >= 3, timeout=90), process.poll()
        os.kill(process.pid, signal.SIGKILL)  # mid-batch, with the 4th message in flight
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        sink.release()
    assert len(sink.messages) == 3
    rows = OutboxMessage.objects.filter(kind=DIGEST)
    assert rows.filter(sent_at__isnull=False).count() == 3
    assert rows.filter(sent_at=None).count() == 7

    # A rerun at once finds the killed sender's leases: no duplicate.
    call_command("send_digest", "--date", MONDAY.isoformat(), stdout=StringIO())
    assert len(sink.messages) == 3
    # Once the lease expired: exactly the remaining seven, each manager one digest in all.
    with _after_the_lease():
        out = StringIO()
        call_command("send_digest", "--date", MONDAY.isoformat(), stdout=out)
    assert out.getvalue().count("Weekly digest to ") == 7
    received = Counter(m["To"] for m in sink.wait_for(10, timeout=10))
    assert len(sink.messages) == 10
    assert received == Counter({f"m{i:02d}@example.com": 1 for i in range(10)})


# --- a real worker: a refused recipient, and two workers racing -----------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_refused_recipient_never_holds_up_or_resends_the_managers_copies(
    celery_worker,  # noqa: F811
    smtp_server,  # noqa: F811
    caplog,
):
    from common.tasks import send_outbox
    from contracts.tasks import close_due_months
    from tests.contracts.factories import ContractFactory

    ManagerFactory(email="max@example.com")
    ManagerFactory(email="mies@example.com", language="nl")
    contract = ContractFactory(start_date=date(2026, 10, 1), months=12)
    VendorUserFactory(email="ana@vendor.example", vendor=contract.vendor)
    VendorUserFactory(email="bo@vendor.example", vendor=contract.vendor)
    smtp_server.refuse["ana@vendor.example"] = "550"  # no such mailbox: for good
    smtp_server.defer["bo@vendor.example"] = 1  # 451 once: a retry delivers it

    close_due_months.delay(as_of="2026-11-01")
    ana = lambda: OutboxMessage.objects.filter(to_email="ana@vendor.example").first()  # noqa: E731

    def settled() -> bool:
        send_outbox.delay()  # as beat does every minute
        row = ana()
        return row is not None and row.failed_at is not None and len(smtp_server.messages) == 3

    assert wait_until(settled, timeout=90, every=1.0), celery_worker.log()[-4000:]
    assert "550" in ana().last_error and ana().attempts == 1  # refused once, never retried
    assert "failed for good" in celery_worker.log()
    # More runs of the job and of the outbox: nothing more for anyone.
    close_due_months.delay(as_of="2026-11-01")
    for _ in range(3):
        send_outbox.delay()
    assert not wait_until(lambda: len(smtp_server.messages) > 3, timeout=5)
    received = Counter(m["To"] for m in smtp_server.messages)
    assert received == Counter({"max@example.com": 1, "mies@example.com": 1, "bo@vendor.example": 1})  # fmt: skip
    period = contract.periods.get()
    assert period.emailed_at is not None  # the API's `emailed_at` follows the outbox


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_over_the_outbox_send_each_message_once(
    celery_worker,  # noqa: F811
    second_celery_worker,  # noqa: F811
    smtp_server,  # noqa: F811
):
    from common.tasks import send_outbox

    _managers(30)
    weekly_digest_enqueue(as_of=MONDAY)  # 30 queued, no sender yet
    # Two workers, each taking batches of 3 (OUTBOX_BATCH_SIZE) as fast as they can.
    for _ in range(12):
        send_outbox.delay()
    assert wait_until(lambda: len(smtp_server.messages) >= 30, timeout=90)
    assert not wait_until(lambda: len(smtp_server.messages) > 30, timeout=3)
    received = Counter(m["To"] for m in smtp_server.messages)
    assert received == Counter({f"m{i:02d}@example.com": 1 for i in range(30)})
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 30
    # Both took part.
    assert "common.send_outbox" in celery_worker.log()
    assert "common.send_outbox" in second_celery_worker.log()
