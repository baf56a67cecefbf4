"""The outbox's sender per batch (issue 22): no lease renewal per message while the batch's
lease holds, a row another sender took over after our lease ran out is never sent twice,
stored attachments read once per batch and store."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import outbox
from common.models import OutboxMessage
from tests.factories import ManagerFactory

KIND = "test_batch"
STORE = "tests.blobs"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _message(**_kwargs) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Hello", "Body", to=["x@example.com"])
    message.attach_alternative('<p>Body <img src="cid:pic"></p>', "text/html")
    message.mixed_subtype = "related"
    return message


def _queue(n: int, *, stored: bool = False) -> list[OutboxMessage]:
    users = [ManagerFactory(email=f"u{i:02d}@example.com") for i in range(n)]
    attachments = (
        (outbox.StoredAttachment(STORE, "pic-1", "pic.png", "image/png", content_id="pic"),)
        if stored
        else ()
    )
    return outbox.enqueue(
        KIND,
        [
            outbox.Draft(cause="c", recipient=u, render=_message, attachments=attachments)
            for u in users
        ],
    )


@pytest.fixture
def store():
    calls = []

    def resolve(keys):
        calls.append(list(keys))
        return {key: PNG for key in keys if key == "pic-1"}

    outbox.on_stored_content(STORE, resolve)
    yield calls
    outbox._stores.pop(STORE, None)


@pytest.mark.django_db
def test_stored_content_is_read_once_a_batch_and_inlined_in_every_message(store):
    rows = _queue(4, stored=True)
    assert all("content" not in item for row in rows for item in row.attachments)
    assert len(outbox.send_due(limit=10)) == 4
    assert store == [["pic-1"]]  # one call for the batch
    for message in mail.outbox:
        (image,) = [a for a in message.attachments if hasattr(a, "get_content_type")]
        assert image["Content-ID"] == "<pic>"
        assert image.get_payload(decode=True) == PNG
        # On the wire, parsed back: related(alternative(text, html), the image), intact.
        parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert parsed.get_content_type() == "multipart/related"
        types = [p.get_content_type() for p in parsed.walk()]
        assert types == [
            "multipart/related",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "image/png",
        ]
        (wire_image,) = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
        assert wire_image["Content-ID"] == "<pic>"
        assert wire_image.get_content() == PNG
        assert 'src="cid:pic"' in parsed.get_body(("html",)).get_content()


@pytest.mark.django_db
def test_content_missing_from_its_store_waits_for_a_retry(store):
    (row,) = outbox.enqueue(
        KIND,
        [
            outbox.Draft(
                cause="c",
                recipient=ManagerFactory(),
                render=_message,
                attachments=(outbox.StoredAttachment(STORE, "gone", "x.png", "image/png"),),
            )
        ],
    )
    assert outbox.send_due() == []
    row.refresh_from_db()
    assert row.sent_at is None and row.failed_at is None
    assert "MissingContent" in row.last_error and row.attempts == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_while_the_lease_holds_a_message_costs_one_update():
    _queue(1)
    with CaptureQueriesContext(connection) as one:
        outbox.send_due(limit=50)
    OutboxMessage.objects.all().delete()
    _queue(6)
    with CaptureQueriesContext(connection) as six:
        outbox.send_due(limit=50)
    assert len(six) - len(one) == 5  # each further message: its "sent" UPDATE, nothing else
    updates = [q["sql"] for q in six.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 + 6  # the claim's lease, then one "sent" per message


@pytest.mark.django_db
def test_a_row_taken_over_after_our_lease_ran_out_mid_batch_is_not_sent_twice(monkeypatch):
    _queue(4)
    real_mark = outbox._mark_sent
    state = {"marked": 0}
    traveller = time_machine.travel(
        timezone.now() + timedelta(seconds=outbox.lease_seconds() + 5), tick=False
    )

    def mark_then_stall(row, token):
        real_mark(row, token)
        state["marked"] += 1
        if state["marked"] == 1:
            # This sender stalls past its lease after the first message; another sender
            # (beat's `common.send_outbox`) takes over what is left and sends it.
            traveller.start()
            monkeypatch.setattr(outbox, "_mark_sent", real_mark)
            assert len(outbox.send_due()) == 3

    monkeypatch.setattr(outbox, "_mark_sent", mark_then_stall)
    try:
        sent = outbox.send_due(limit=10)
    finally:
        traveller.stop()
    assert len(sent) == 1  # ours: only the first; the rest were no longer ours
    assert Counter(m.to[0] for m in mail.outbox) == Counter(
        {f"u{i:02d}@example.com": 1 for i in range(4)}
    )
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 4


@pytest.mark.django_db
def test_a_lease_that_ran_out_with_nobody_taking_over_is_renewed_and_the_batch_goes_on(
    monkeypatch,
):
    _queue(3)
    real_mark = outbox._mark_sent
    traveller = time_machine.travel(
        timezone.now() + timedelta(seconds=outbox.lease_seconds() + 5), tick=False
    )

    def mark_then_stall(row, token):
        real_mark(row, token)
        monkeypatch.setattr(outbox, "_mark_sent", real_mark)
        traveller.start()  # stalled past the lease after the first message

    monkeypatch.setattr(outbox, "_mark_sent", mark_then_stall)
    try:
        with CaptureQueriesContext(connection) as captured:
            sent = outbox.send_due(limit=10)
    finally:
        traveller.stop()
    assert len(sent) == 3 and len(mail.outbox) == 3
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
    renewals = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("UPDATE") and "attempts" not in q["sql"]
    ]
    assert len(renewals) == 2  # the claim, then one renewal for the two rows left
