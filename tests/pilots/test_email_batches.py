"""Scorecard e-mails in batches (issue 15): one task per batch, one SMTP connection per
batch, the recipients resolved once per batch, each message queued once in the outbox and
sent exactly once."""

from datetime import timedelta
from smtplib import SMTPDataError

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import outbox
from common.models import OutboxMessage
from pilots import tasks
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Scorecard
from tests.factories import ManagerFactory
from tests.pilots.conftest import day_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(pilot_with_days):
    """Scorecards of `n` pilots at day 30, for an English and a Dutch manager."""
    ManagerFactory(email="en@example.com", language="en")
    ManagerFactory(email="nl@example.com", language="nl")

    def make(n: int) -> list[int]:
        pilots = [pilot_with_days(30, length_days=30) for _ in range(n)]
        pilots_evaluate_due(as_of=day_after(pilots[0], 30))
        return list(Scorecard.objects.order_by("pk").values_list("pk", flat=True))

    return make


@pytest.fixture
def connections(monkeypatch):
    """Counts the SMTP connections opened (the locmem backend stands in for SMTP)."""
    opened = []
    real = outbox.get_connection

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "get_connection", counting)
    return opened


def test_a_batch_sends_every_card_over_one_connection(cards, connections):
    ids = cards(3)
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 6  # 3 scorecards × 2
    assert len(connections) == 1
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.com"] * 3 + ["nl@example.com"] * 3
    assert Scorecard.objects.filter(emailed_at__isnull=False).count() == 3
    # Again: every message is queued and sent already, nothing is sent twice.
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 0
    assert len(mail.outbox) == 6
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 6


def test_recipients_are_resolved_once_per_batch(cards):
    def user_queries(ids) -> int:
        with CaptureQueriesContext(connection) as queries:
            tasks.send_scorecard_emails.apply(args=[ids]).get()
        return len([q for q in queries if '"accounts_user"' in q["sql"]])

    ids = cards(6)
    assert user_queries(ids[:2]) == user_queries(ids[2:])


def test_the_cards_are_enqueued_in_batches_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    batches = []
    monkeypatch.setattr(
        tasks.send_scorecard_emails,
        "apply_async",
        lambda args, countdown=None: batches.append(args[0]),
    )
    ids = list(range(1, tasks.EMAIL_BATCH_SIZE * 2 + 2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue_scorecard_emails(ids)
    assert batches == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [len(b) for b in batches] == [tasks.EMAIL_BATCH_SIZE, tasks.EMAIL_BATCH_SIZE, 1]
    assert [pk for b in batches for pk in b] == ids


def test_an_smtp_error_mid_batch_retries_only_that_message(cards, monkeypatch):
    ids = cards(3)
    real_send = EmailBackend.send_messages
    failed = []

    def send_messages(backend, messages):
        if len(mail.outbox) == 2 and not failed:  # the third message: 451 once
            failed.append(messages[0].to[0])
            raise SMTPDataError(451, b"4.3.0 Try again later")
        return real_send(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 5  # the others went on
    (waiting,) = OutboxMessage.objects.filter(sent_at=None)
    assert (waiting.to_email, waiting.attempts) == (failed[0], 1)
    assert waiting.next_attempt_at > timezone.now()
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert len(outbox.send_due()) == 1
    assert len(mail.outbox) == 6  # each message once
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 6
    assert not Scorecard.objects.filter(emailed_at=None).exists()
