"""The scorecard e-mail: recipients, languages, content (text + HTML + inline PNG chart),
one message per recipient through the outbox, sent exactly once, retried with backoff, and an
alert when it fails for good."""

import io
from datetime import timedelta
from smtplib import SMTPDataError

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from common import outbox
from common.models import OutboxMessage
from pilots import tasks
from pilots.evaluation import emails
from pilots.evaluation.emails import CHART_CID, scorecard_emails_send_now, trend_chart_png
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, Scorecard
from tests.factories import ManagerFactory, ProcurementUserFactory
from tests.pilots.conftest import CSAT_MISS, FCR_MISS, day_after, make_rfq_and_quote


def send_now(card) -> int:
    return len(scorecard_emails_send_now(scorecard_ids=[card.pk]))


@pytest.fixture
def decided_day(pilot_with_days, manager, procurement_user, vendor_a):
    """A 60-day pilot with a quote, its decision scorecard made (not yet e-mailed)."""

    def make(values=None, managers=(manager,), **kwargs):
        _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
        pilot = pilot_with_days(60, length_days=60, vendor=vendor_a, quote=quote, values=values)
        pilot.managers.set(managers)
        pilots_evaluate_due(as_of=day_after(pilot, 60))
        return Scorecard.objects.get(pilot=pilot, checkpoint_day=60)

    return make


def _image_part(message):
    (image,) = [a for a in message.attachments if getattr(a, "get_content_type", None)]
    return image


@pytest.mark.django_db
def test_it_mails_the_chosen_managers_and_the_rfq_owner_once(decided_day, settings):
    settings.SITE_URL = "https://vendorpilot.example"
    card = decided_day()
    ManagerFactory(email="other-manager@example.com")  # not chosen: not mailed
    assert send_now(card) == 2  # one message per recipient
    assert send_now(card) == 0  # already sent
    assert sorted(m.to for m in mail.outbox) == [["buyer@example.com"], ["manager@example.com"]]
    message = next(m for m in mail.outbox if m.to == ["manager@example.com"])
    assert message.subject == "Alpha Contact pilot, day 60 scorecard: Scale up"
    text = message.body
    assert "Verdict: Scale up" in text
    assert "- CSAT: 90.00% (target ≥ 85.00%) met" in text
    assert "- Cost per ticket: €3.00 (target ≤ €3.33) met" in text  # common.formats.format_eur
    assert "https://vendorpilot.example/pilots/" in text
    # The call to action: record the decision, with a link to the form on the scorecard.
    decision_url = f"https://vendorpilot.example/pilots/{card.pilot_id}/scorecards/60/#decision"
    assert "Please record your decision (scale up or stop) on the scorecard:" in text
    assert decision_url in text
    html, mimetype = message.alternatives[0]
    assert f'href="{decision_url}"' in html
    assert mimetype == "text/html"
    assert f'src="cid:{CHART_CID}"' in html
    assert '<td style="border-bottom:1px solid #dee2e6;">First contact resolution</td>' in html
    assert f'href="https://vendorpilot.example/pilots/{card.pilot_id}/scorecards/60/"' in html
    image = _image_part(message)
    assert image["Content-ID"] == f"<{CHART_CID}>"
    assert image.get_content_type() == "image/png"
    assert image.get_payload(decode=True).startswith(b"\x89PNG")
    assert message.mixed_subtype == "related"
    # A decision e-mail goes whatever the preferences: no unsubscribe link or header.
    assert "List-Unsubscribe" not in message.extra_headers
    card.refresh_from_db()
    assert card.emailed_at is not None
    rows = OutboxMessage.objects.filter(kind=emails.KIND, object_id=card.pk)
    assert [(r.attempts, r.sent_at is not None) for r in rows] == [(1, True), (1, True)]
    assert card.emailed_at == max(r.sent_at for r in rows)


@pytest.mark.django_db
def test_a_stop_names_each_missed_kpi_with_gap_and_remedy(decided_day):
    card = decided_day(values=CSAT_MISS | FCR_MISS)
    send_now(card)
    message = mail.outbox[0]
    assert message.subject.endswith("day 60 scorecard: Stop and analyse per KPI")
    assert (
        "- CSAT: 5.00 percentage points short of target → Training and knowledge base"
        in message.body
    )
    assert "- First contact resolution: 10.00 percentage points short of target" in message.body


@pytest.mark.django_db
def test_every_active_manager_is_mailed_when_none_were_chosen(pilot_with_days):
    first = ManagerFactory(email="m1@example.com")
    second = ManagerFactory(email="m2@example.com")
    ManagerFactory(email="gone@example.com", is_active=False)
    ProcurementUserFactory(email="not-a-manager@example.com")
    pilot = pilot_with_days(30, length_days=90)  # no quote: no RFQ owner
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 30))
    send_now(card)
    assert sorted(m.to for m in mail.outbox) == sorted([[first.email], [second.email]])
    assert all(m.subject.endswith("day 30 scorecard: 5 of 5 KPIs met") for m in mail.outbox)


@pytest.mark.django_db
def test_each_recipient_reads_it_in_their_own_language(decided_day, procurement_user):
    dutch = ManagerFactory(email="nl@example.com", language="nl")
    english = ManagerFactory(email="en@example.com", language="en")
    procurement_user.language = "nl"
    procurement_user.save()
    card = decided_day(values=CSAT_MISS, managers=(dutch, english))
    send_now(card)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert by_to["en@example.com"].subject == "Alpha Contact pilot, day 60 scorecard: Scale up"
    assert by_to["buyer@example.com"].subject == by_to["nl@example.com"].subject
    nl = by_to["nl@example.com"]
    assert nl.subject == "Pilot Alpha Contact, scorecard dag 60: Opschalen"
    assert "- CSAT: 80,00% (doel ≥ 85,00%) niet gehaald" in nl.body
    assert "Kosten per ticket: €\xa03,00" in nl.body
    html = nl.alternatives[0][0]
    assert 'lang="nl"' in html
    assert "Eerste-contactoplossing" in html


@pytest.mark.django_db
def test_a_leased_message_is_sent_by_nobody_else_until_the_lease_expires(decided_day):
    card = decided_day()
    emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    _token, rows = outbox.claim()  # a sender took them, then its process was killed
    assert len(rows) == 2
    assert outbox.send_due() == []  # leased: nobody else sends them
    assert mail.outbox == []
    later = timezone.now() + timedelta(seconds=outbox.lease_seconds() + 1)
    with time_machine.travel(later, tick=False):
        assert len(outbox.send_due()) == 2  # the lease expired: sent, once
        assert outbox.send_due() == []
    assert len(mail.outbox) == 2


class FailingBackend:
    """An SMTP backend whose server keeps answering 'try again later'."""

    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        type(self).attempts += 1
        raise SMTPDataError(451, b"4.3.0 Try again later")


@pytest.mark.django_db
def test_a_temporary_failure_backs_off_exponentially_then_fails_for_good_with_an_alert(
    decided_day, settings, monkeypatch
):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    card = decided_day()
    FailingBackend.attempts = 0
    monkeypatch.setattr(outbox, "get_connection", lambda **kw: FailingBackend())
    emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    row = OutboxMessage.objects.filter(kind=emails.KIND).order_by("pk").first()
    start = timezone.now()
    delays = []
    for attempt in range(1, 5):
        with time_machine.travel(start + timedelta(hours=attempt * 3), tick=False):
            outbox.send_due(ids=[row.pk])
            row.refresh_from_db()
            assert row.attempts == attempt
            if row.failed_at is None:
                delays.append((row.next_attempt_at - timezone.now()).total_seconds())
    # 30 s, 60 s, 120 s (OUTBOX_RETRY_BASE_SECONDS × 2^(attempts − 1)), then failed for good.
    assert delays == [30, 60, 120]
    assert row.failed_at is not None and row.sent_at is None
    assert "451" in row.last_error
    alert = Alert.objects.get(pilot=card.pilot, kind=AlertKind.EMAIL_FAILED, closed_at=None)
    assert alert.key == "60"
    assert alert.params["attempts"] == 4
    # Failed for good: never tried again.
    monkeypatch.undo()
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert outbox.send_due(ids=[row.pk]) == []
    assert FailingBackend.attempts == 4
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_retry_after_a_temporary_failure_delivers_and_closes_the_alert(decided_day, monkeypatch):
    card = decided_day()
    Alert.objects.create(pilot=card.pilot, kind=AlertKind.EMAIL_FAILED, key="60")
    monkeypatch.setattr(outbox, "get_connection", lambda **kw: FailingBackend())
    emails.scorecard_emails_enqueue(scorecard_ids=[card.pk])
    assert outbox.send_due() == []
    card.refresh_from_db()
    assert card.emailed_at is None
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert len(outbox.send_due()) == 2
    card.refresh_from_db()
    assert card.emailed_at is not None
    assert not Alert.objects.filter(kind=AlertKind.EMAIL_FAILED, closed_at=None).exists()
    assert len(mail.outbox) == 2


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [
        30, 60, 120, 240, 3600, 3600,
    ]  # fmt: skip


@pytest.mark.django_db
def test_nobody_to_mail_raises_the_email_alert(pilot_with_days):
    pilot = pilot_with_days(30, length_days=90)  # no managers at all, no quote
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 30))
    assert send_now(card) == 0
    alert = Alert.objects.get(pilot=pilot, kind=AlertKind.EMAIL_FAILED)
    assert "no active manager" in alert.params["error"]


@pytest.mark.django_db
def test_the_sweep_task_enqueues_new_and_pending_emails_after_commit(
    decided_day, pilot_with_days, monkeypatch, django_capture_on_commit_callbacks
):
    old = decided_day()  # made earlier, its e-mail never queued (the broker was down)
    pilot = pilot_with_days(30, length_days=90)
    enqueued = []
    monkeypatch.setattr(
        tasks.send_scorecard_emails,
        "apply_async",
        lambda args, countdown=None: enqueued.extend(args[0]),  # one task per batch
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = tasks.evaluate_due_pilots(as_of=day_after(pilot, 30).isoformat())
    new = Scorecard.objects.get(pilot=pilot, checkpoint_day=30)
    unsent_before = list(Scorecard.objects.filter(pilot=old.pilot).values_list("pk", flat=True))
    assert made == 1
    assert sorted(enqueued) == sorted([*unsent_before, new.pk])
    # A second run enqueues only what was never queued: here, nothing.
    enqueued.clear()
    emails.scorecard_emails_enqueue(scorecard_ids=[*unsent_before, new.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.evaluate_due_pilots(as_of=day_after(pilot, 30).isoformat()) == 0
    assert enqueued == []


def test_the_trend_chart_is_a_small_png():
    series = {
        key: [(d, 10 + d % 5, 12) for d in range(1, 61)]
        for key in ("csat_pct", "frt_minutes", "aht_minutes", "fcr_pct", "cost_per_ticket")
    }
    targets = dict.fromkeys(series, 11)
    png = trend_chart_png(series=series, targets=targets, days=60)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] == 560
    assert len(png) < 40_000


@pytest.mark.django_db
def test_the_command_evaluates_prints_a_line_per_scorecard_and_mails(decided_day, capsys):
    card = decided_day()  # decision scorecard made by an earlier sweep, not yet mailed
    pilot = card.pilot
    Scorecard.objects.filter(pilot=pilot).delete()
    call_command("evaluate_pilots", "--date", day_after(pilot, 60).isoformat())
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(f"pilot {pilot.pk} ")]
    assert len(lines) == 2
    assert "day 30 scorecard, 5/5 KPIs met, coverage 100.00%" in lines[0]
    assert lines[1].endswith("verdict: Scale up")  # words, never the code
    assert len(mail.outbox) == 4  # 2 scorecards × 2 recipients, sent before it returned
    assert "4 e-mails sent" in out
    assert all(c.emailed_at for c in Scorecard.objects.filter(pilot=pilot))
    # Twice for the same date: nothing new, nothing sent.
    call_command("evaluate_pilots", "--date", day_after(pilot, 60).isoformat())
    out = capsys.readouterr().out
    assert f"pilot {pilot.pk} " not in out
    assert "0 scorecards made, 0 e-mails sent" in out
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_the_command_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("evaluate_pilots", "--date", "02-03-2026")


@pytest.mark.django_db
def test_the_command_defaults_to_today_in_the_app_time_zone(pilot_with_days, capsys):
    import time_machine

    pilot = pilot_with_days(30, length_days=90)
    ManagerFactory()
    # 23:30 UTC on day 30 is already 00:30 on day 31 in Amsterdam: day 30 is over.
    moment = day_after(pilot, 30) - timedelta(minutes=30)
    with time_machine.travel(f"{moment.isoformat()}T00:00:00+01:00", tick=False):
        call_command("evaluate_pilots")
    assert "day 30 scorecard" in capsys.readouterr().out
