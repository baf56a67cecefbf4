"""The scorecard e-mail's chart (issue 22): drawn once per scorecard and language and stored
(`ScorecardChart`); the outbox rows only name it, the sent message carries it inline; a
batch's scorecards are settled with the same queries whatever their number."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import outbox
from common.models import OutboxMessage
from pilots.evaluation import emails
from pilots.evaluation.emails import CHART_CID, scorecard_emails_send_now
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, Scorecard, ScorecardChart
from tests.factories import ManagerFactory
from tests.pilots.conftest import day_after


@pytest.fixture
def draws(monkeypatch):
    """Every chart drawn: (language-independent) call count."""
    calls = []
    real = emails.trend_chart_png

    def counted(**kwargs):
        calls.append(kwargs["days"])
        return real(**kwargs)

    monkeypatch.setattr(emails, "trend_chart_png", counted)
    return calls


@pytest.fixture
def day_30_cards(pilot_with_days):
    """`make(n)`: n pilots' day-30 scorecards, mailed to every active manager."""

    def make(n: int) -> list[Scorecard]:
        pilots = [pilot_with_days(30, length_days=90) for _ in range(n)]
        pilots_evaluate_due(as_of=max(day_after(p, 30) for p in pilots))
        return list(Scorecard.objects.filter(pilot__in=pilots).order_by("pk"))

    return make


def _image(message):
    (image,) = [a for a in message.attachments if getattr(a, "get_content_type", None)]
    return image


@pytest.mark.django_db
def test_the_chart_is_drawn_once_per_scorecard_and_language(day_30_cards, draws):
    ManagerFactory(email="en1@example.com", language="en")
    ManagerFactory(email="en2@example.com", language="en")
    ManagerFactory(email="nl@example.com", language="nl")
    (card,) = day_30_cards(1)
    assert len(scorecard_emails_send_now(scorecard_ids=[card.pk])) == 3
    # Two English recipients share one chart; the Dutch one has its own.
    assert len(draws) == 2
    charts = ScorecardChart.objects.filter(scorecard=card)
    assert sorted(charts.values_list("language", flat=True)) == ["en", "nl"]
    # A rerun queues nothing and draws nothing; a recipient added later gets the stored chart.
    assert scorecard_emails_send_now(scorecard_ids=[card.pk]) == []
    ManagerFactory(email="en3@example.com", language="en")
    assert len(scorecard_emails_send_now(scorecard_ids=[card.pk])) == 1
    assert len(draws) == 2
    assert ScorecardChart.objects.filter(scorecard=card).count() == 2
    # Every English message carries the same stored bytes.
    english = charts.get(language="en").png
    for to in ("en1@example.com", "en2@example.com", "en3@example.com"):
        (message,) = [m for m in mail.outbox if m.to == [to]]
        assert _image(message).get_payload(decode=True) == bytes(english)


@pytest.mark.django_db
def test_a_retry_reads_the_stored_chart_and_draws_nothing(day_30_cards, draws, monkeypatch):
    ManagerFactory(email="en@example.com")
    (card,) = day_30_cards(1)
    emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    assert len(draws) == 1

    class Refusing:
        def __init__(self, **kwargs):
            pass

        def open(self):
            return True

        def close(self):
            pass

        def send_messages(self, messages):
            from smtplib import SMTPDataError

            raise SMTPDataError(451, b"try again later")

    monkeypatch.setattr(outbox, "get_connection", lambda **kw: Refusing())
    assert outbox.send_due() == []
    monkeypatch.undo()
    OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.get().created_at)
    draws.clear()
    monkeypatch.setattr(emails, "trend_chart_png", lambda **kw: draws.append(kw) or b"")
    assert len(outbox.send_due()) == 1
    assert draws == []
    assert _image(mail.outbox[0]).get_payload(decode=True).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_row_names_the_chart_and_the_sent_message_carries_it_inline(day_30_cards):
    ManagerFactory(email="en@example.com")
    (card,) = day_30_cards(1)
    (row,) = emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    # No PNG in the row: only the reference (a chart is ~10–30 KB; the row stays small).
    assert row.attachments == [
        {
            "filename": "trend.png",
            "mimetype": "image/png",
            "content_id": CHART_CID,
            "store": emails.CHART_STORE,
            "key": f"{card.pk}:en",
        }
    ]
    assert all("content" not in item for item in row.attachments)
    assert len(json.dumps(row.attachments)) < 200
    assert len(outbox.send_due()) == 1
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert f'src="cid:{CHART_CID}"' in html
    assert message.mixed_subtype == "related"
    image = _image(message)
    assert image["Content-ID"] == f"<{CHART_CID}>"
    assert image.get_content_type() == "image/png"
    png = image.get_payload(decode=True)
    assert png == bytes(ScorecardChart.objects.get(scorecard=card, language="en").png)
    # On the wire: HTML and the image together in multipart/related.
    raw = message.message().as_bytes()
    assert b"multipart/related" in raw
    assert f"Content-ID: <{CHART_CID}>".encode() in raw


@pytest.mark.django_db
def test_a_chart_missing_from_the_store_is_drawn_once_when_sent(day_30_cards, draws):
    ManagerFactory(email="en1@example.com")
    ManagerFactory(email="en2@example.com")
    (card,) = day_30_cards(1)
    emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    ScorecardChart.objects.all().delete()  # e.g. rows queued by an older release
    draws.clear()
    assert len(outbox.send_due()) == 2
    assert len(draws) == 1
    assert ScorecardChart.objects.filter(scorecard=card).count() == 1
    assert all(_image(m).get_payload(decode=True).startswith(b"\x89PNG") for m in mail.outbox)


def _send_queries(cards, monkeypatch) -> tuple[int, int]:
    """(queries of the batch's settling, messages sent) for these scorecards' e-mails."""
    emails.scorecard_emails_enqueue(scorecard_ids=[c.pk for c in cards])
    counted = []
    real = outbox._settle

    def settle(rows):
        with CaptureQueriesContext(connection) as settling:
            real(rows)
        counted.append(len(settling))

    monkeypatch.setattr(outbox, "_settle", settle)
    sent = outbox.send_due(limit=100)
    monkeypatch.undo()
    (queries,) = counted  # one batch
    return queries, len(sent)


@pytest.mark.django_db
def test_settling_a_batch_takes_the_same_queries_for_one_or_five_scorecards(
    day_30_cards, monkeypatch
):
    ManagerFactory(email="en@example.com")
    ManagerFactory(email="nl@example.com", language="nl")
    one = day_30_cards(1)
    five = day_30_cards(5)
    # An open e-mail alert for one checkpoint of each: closed by the settling.
    for card in (one[0], five[2]):
        Alert.objects.create(pilot=card.pilot, kind=AlertKind.EMAIL_FAILED, key="30")
    Scorecard.objects.update(emailed_at=None)
    queries_one, sent_one = _send_queries(one, monkeypatch)
    Scorecard.objects.filter(pk__in=[c.pk for c in five]).update(emailed_at=None)
    queries_five, sent_five = _send_queries(five, monkeypatch)
    assert (sent_one, sent_five) == (2, 10)
    assert queries_one == queries_five
    assert not Alert.objects.filter(kind=AlertKind.EMAIL_FAILED, closed_at=None).exists()
    for card in Scorecard.objects.all():
        last = max(
            OutboxMessage.objects.filter(kind=emails.KIND, object_id=card.pk).values_list(
                "sent_at", flat=True
            )
        )
        assert card.emailed_at == last


@pytest.mark.django_db
def test_sending_a_batch_costs_one_query_a_message_plus_a_constant(day_30_cards):
    ManagerFactory(email="en@example.com")
    ManagerFactory(email="nl@example.com", language="nl")
    counts = []
    for n in (1, 5):
        cards = day_30_cards(n)
        emails.scorecard_emails_enqueue(scorecard_ids=[c.pk for c in cards])
        with CaptureQueriesContext(connection) as captured:
            sent = outbox.send_due(kinds=[emails.KIND], limit=100)
        counts.append(len(captured) - len(sent))  # one UPDATE a message: marked sent
        assert len(sent) == 2 * n
    assert counts[0] == counts[1]
    assert len(mail.outbox) == 12
