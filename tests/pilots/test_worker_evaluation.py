"""The real thing: a Celery worker subprocess over Redis (not eager mode) runs the sweep on
the test database, and a real SMTP server on loopback (aiosmtpd) receives the e-mail.

Skipped locally without Redis or PostgreSQL; under CI=true a missing service fails."""

import re

import pytest

from common.models import OutboxMessage
from pilots.models import Alert, AlertKind, Scorecard
from pilots.tasks import evaluate_due_pilots
from tests.factories import ManagerFactory
from tests.pilots.conftest import CSAT_MISS, day_after, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _succeeded(worker, task_id: str) -> bool:
    return re.search(rf"\[{re.escape(task_id)}\] succeeded", worker.log()) is not None


def test_the_worker_sweeps_and_mails_each_scorecard_once(
    celery_worker, smtp_server, pilot_with_days
):
    ManagerFactory(email="en@example.com", language="en")
    ManagerFactory(email="nl@example.com", language="nl")
    pilot = pilot_with_days(60, length_days=60, values=CSAT_MISS)
    as_of = day_after(pilot, 60).isoformat()

    first = evaluate_due_pilots.delay(as_of=as_of)
    assert wait_until(
        lambda: Scorecard.objects.filter(pilot=pilot, emailed_at__isnull=False).count() == 2,
        timeout=60,
    ), celery_worker.log()[-4000:]
    # Two scorecards (days 30 and 60) × two languages = four messages.
    messages = smtp_server.wait_for(4, timeout=30)
    assert len(messages) == 4
    subjects = sorted(m["Subject"] for m in messages)
    assert "Alpha Contact pilot" not in " ".join(subjects)  # the factory vendor, not vendor A
    assert any(s.endswith("day 60 scorecard: Scale up") for s in subjects)
    assert any(s.endswith("day 30 scorecard: 4 of 5 KPIs met") for s in subjects)
    decision = next(m for m in messages if m["Subject"].endswith("Scale up"))
    assert decision["To"] == "en@example.com"
    html = decision.get_body(("html",)).get_content()
    text = decision.get_body(("plain",)).get_content()
    assert "cid:scorecard-trend" in html
    assert f"https://vendorpilot.example/pilots/{pilot.pk}/scorecards/60/" in text
    image = next(p for p in decision.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<scorecard-trend>"
    assert image.get_content().startswith(b"\x89PNG")
    dutch = [m for m in messages if m["To"] == "nl@example.com"]
    assert any("Opschalen" in m["Subject"] for m in dutch)
    assert _succeeded(celery_worker, first.id)

    # The same sweep again, twice: nothing new is made and nothing is sent again.
    again = [evaluate_due_pilots.delay(as_of=as_of) for _ in range(2)]
    assert wait_until(lambda: all(_succeeded(celery_worker, r.id) for r in again), timeout=60)
    assert wait_until(lambda: "send_scorecard_email" not in celery_worker.log()[-1:], timeout=1)
    assert Scorecard.objects.filter(pilot=pilot).count() == 2
    assert len(smtp_server.wait_for(5, timeout=3)) == 4


def test_catch_up_after_missed_days_through_the_worker(celery_worker, smtp_server, pilot_with_days):
    ManagerFactory()
    pilot = pilot_with_days(90, length_days=90)
    # Beat did not run for weeks: one run makes the three missed checkpoints.
    evaluate_due_pilots.delay(as_of=day_after(pilot, 120).isoformat())
    assert wait_until(
        lambda: Scorecard.objects.filter(pilot=pilot, emailed_at__isnull=False).count() == 3,
        timeout=60,
    ), celery_worker.log()[-4000:]
    days = sorted(Scorecard.objects.filter(pilot=pilot).values_list("checkpoint_day", flat=True))
    assert days == [30, 60, 90]
    assert len(smtp_server.wait_for(3)) == 3


def _beat_until(predicate, *, timeout: float = 60.0) -> bool:
    """What beat does every minute, every second here: ask for `common.send_outbox`."""
    from common.tasks import send_outbox

    def tick() -> bool:
        if predicate():
            return True
        send_outbox.delay()
        return False

    return wait_until(tick, timeout=timeout, every=1.0)


def test_a_failing_smtp_send_is_retried_with_backoff_and_then_delivered(
    celery_worker, smtp_server, pilot_with_days
):
    ManagerFactory()
    pilot = pilot_with_days(30, length_days=30)
    smtp_server.fail_next = 2  # "451 try again later", twice
    evaluate_due_pilots.delay(as_of=day_after(pilot, 30).isoformat())
    assert _beat_until(
        lambda: Scorecard.objects.filter(pilot=pilot, emailed_at__isnull=False).exists()
    ), celery_worker.log()[-4000:]
    row = OutboxMessage.objects.get(object_id=Scorecard.objects.get(pilot=pilot).pk)
    assert (row.attempts, row.failed_at) == (3, None)
    assert smtp_server.refused == 2
    assert len(smtp_server.wait_for(2, timeout=3)) == 1
    # Each retry waited its backoff (1 s, then 2 s: OUTBOX_RETRY_BASE_SECONDS=1 here).
    assert len(re.findall(r"failed \(attempt \d\), retry at", celery_worker.log())) == 2
    assert not Alert.objects.filter(pilot=pilot, kind=AlertKind.EMAIL_FAILED).exists()


def test_an_smtp_send_that_keeps_failing_raises_the_alert(
    celery_worker, smtp_server, pilot_with_days
):
    ManagerFactory()
    pilot = pilot_with_days(30, length_days=30)
    smtp_server.fail_next = 1000
    evaluate_due_pilots.delay(as_of=day_after(pilot, 30).isoformat())
    # Four attempts with exponential backoff (1 + 2 + 4 s), then failed for good: the alert.
    assert _beat_until(
        lambda: Alert.objects.filter(pilot=pilot, kind=AlertKind.EMAIL_FAILED).exists(),
        timeout=90,
    ), celery_worker.log()[-4000:]
    card = Scorecard.objects.get(pilot=pilot)
    assert card.emailed_at is None
    row = OutboxMessage.objects.get(object_id=card.pk)
    assert row.attempts == 4 and row.failed_at is not None
    assert smtp_server.refused == 4
    assert smtp_server.messages == []
