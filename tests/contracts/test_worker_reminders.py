"""The real thing (in the past: no job runs for a day to come, docs/domain.md §5): reminders and the digest through two Celery worker subprocesses over
Redis (not eager), delivered to a real SMTP server on loopback — each e-mail exactly once
across repeated runs and two workers running the same moment at once.

Skipped locally without Redis or PostgreSQL; under CI=true a missing service fails."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from common.models import OutboxMessage
from pilots.tasks import send_missing_day_reminders, send_weekly_digest
from procurement.models import Invitation, Rfq, RfqStatus
from procurement.tasks import send_quote_reminders
from tests.factories import ManagerFactory, VendorFactory, VendorUserFactory
from tests.pilots.conftest import add_days, wait_until
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DEADLINE = datetime(2026, 3, 11, 16, 0, tzinfo=UTC)


def _done(workers, task_ids: list[str]) -> bool:
    logs = "".join(w.log() for w in workers)
    return all(re.search(rf"\[{re.escape(t)}\] succeeded", logs) for t in task_ids)


def test_two_workers_send_each_reminder_and_digest_once(
    celery_worker, second_celery_worker, smtp_server, procurement_user
):
    workers = (celery_worker, second_celery_worker)
    ManagerFactory(email="max@example.com", full_name="Max Manager")
    ManagerFactory(email="mies@example.com", full_name="Mies Manager", language="nl")
    rfq = Rfq.objects.create(
        title="Customer service NL",
        reference="RFQ-W",
        owner=procurement_user,
        status=RfqStatus.OPEN,
        quote_deadline=DEADLINE,
    )
    for i in range(6):
        vendor = VendorFactory(name=f"Worker vendor {i}")
        Invitation.objects.create(rfq=rfq, vendor=vendor, invited_by=procurement_user)
        VendorUserFactory(email=f"agent{i}@vendor.example", full_name=f"Agent {i}", vendor=vendor)
        pilot = PilotFactory(vendor=vendor, start_date=date(2026, 3, 2), status="running")
        add_days(pilot, range(1, 8))  # 2–8 March; 9 March (yesterday) is missing
    # 6 vendors × 2 users (one named above, one add_days author).
    at = (DEADLINE - timedelta(hours=32)).isoformat()  # 10 March 08:00 UTC

    # The same moment, four times over, spread across two workers at once.
    runs = [
        task.delay(**kwargs)
        for _ in range(2)
        for task, kwargs in (
            (send_quote_reminders, {"at": at}),
            (send_missing_day_reminders, {"at": at}),
            (send_weekly_digest, {"as_of": "2026-03-09"}),
        )
    ] + [send_quote_reminders.delay(at=at), send_missing_day_reminders.delay(at=at)]
    assert wait_until(lambda: _done(workers, [r.id for r in runs]), timeout=90), (
        celery_worker.log()[-3000:] + second_celery_worker.log()[-3000:]
    )
    # Both workers took part.
    assert all("succeeded" in w.log() for w in workers)
    messages = smtp_server.wait_for(12 + 12 + 2, timeout=30)
    assert len(messages) == 26
    keys = [(m["To"], m["Subject"]) for m in messages]
    assert len(set(keys)) == 26  # nobody got the same e-mail twice
    subjects = " ".join(m["Subject"] for m in messages)
    assert "Reminder: your quote for RFQ-W is due by 11 Mar 2026, 17:00 CET" in subjects
    assert "No KPIs entered for 9 Mar 2026" in subjects
    assert "VendorPilot weekly digest, week of 9 Mar 2026" in subjects
    dutch = next(m for m in messages if m["To"] == "mies@example.com")
    assert dutch["Subject"] == "VendorPilot weekoverzicht, week van 9 mrt 2026"
    assert dutch.get_body(("plain",)).get_content().startswith("Beste Mies Manager,")
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 26

    # Later the same morning: nothing new.
    again = [send_quote_reminders.delay(at=at), send_missing_day_reminders.delay(at=at)]
    assert wait_until(lambda: _done(workers, [r.id for r in again]), timeout=60)
    assert len(smtp_server.wait_for(27, timeout=3)) == 26
