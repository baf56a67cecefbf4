"""Scorecard e-mails in batches (issue 15): one task per batch, one SMTP connection per
batch, the recipients resolved once per batch, each scorecard still claimed before it is
sent and sent exactly once."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilots import tasks
from pilots.evaluation import claims
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
    real = claims.get_connection

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(claims, "get_connection", counting)
    return opened


def test_a_batch_sends_every_card_over_one_connection(cards, connections):
    ids = cards(3)
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 3
    assert len(connections) == 1
    assert len(mail.outbox) == 6  # 3 scorecards × 2 languages
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.com"] * 3 + ["nl@example.com"] * 3
    assert Scorecard.objects.filter(emailed_at__isnull=False, sending=False).count() == 3
    # Again: every card is claimed already, nothing is sent twice.
    assert tasks.send_scorecard_emails.apply(args=[ids]).get() == 0
    assert len(mail.outbox) == 6


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


def test_an_smtp_error_mid_batch_retries_only_the_unsent_cards(cards, monkeypatch):
    ids = cards(3)
    real_send = claims.scorecard_messages
    failed = []

    def messages(scorecard, **kwargs):
        if scorecard.pk == ids[1] and not failed:
            failed.append(scorecard.pk)
            raise SMTPException("451 try again later")
        return real_send(scorecard, **kwargs)

    monkeypatch.setattr(claims, "scorecard_messages", messages)
    tasks.send_scorecard_emails.apply(args=[ids])  # eager: the retry runs at once
    attempts = dict(Scorecard.objects.values_list("pk", "send_attempts"))
    assert attempts == {ids[0]: 1, ids[1]: 2, ids[2]: 2}
    assert len(mail.outbox) == 6  # each card once, in both languages
    assert not Scorecard.objects.filter(emailed_at=None).exists()
