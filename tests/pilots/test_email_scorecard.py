"""The scorecard e-mail: recipients, languages, content (text + HTML + inline PNG chart),
claimed and sent exactly once, retried with backoff, and an alert when it keeps failing."""

import io
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from PIL import Image

from pilots import tasks
from pilots.evaluation import claims
from pilots.evaluation.claims import scorecard_email_send_now
from pilots.evaluation.emails import CHART_CID, trend_chart_png
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, Scorecard
from tests.factories import ManagerFactory, ProcurementUserFactory
from tests.pilots.conftest import CSAT_MISS, FCR_MISS, day_after, make_rfq_and_quote


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
    assert scorecard_email_send_now(scorecard_id=card.pk) is True
    assert scorecard_email_send_now(scorecard_id=card.pk) is False  # already sent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["buyer@example.com", "manager@example.com"]
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
    assert message.mixed_subtype == "related"
    card.refresh_from_db()
    assert card.emailed_at is not None
    assert (card.sending, card.send_attempts) == (False, 1)


@pytest.mark.django_db
def test_a_stop_names_each_missed_kpi_with_gap_and_remedy(decided_day):
    card = decided_day(values=CSAT_MISS | FCR_MISS)
    scorecard_email_send_now(scorecard_id=card.pk)
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
    scorecard_email_send_now(scorecard_id=card.pk)
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([first.email, second.email])
    assert message.subject.endswith("day 30 scorecard: 5 of 5 KPIs met")


@pytest.mark.django_db
def test_each_recipient_reads_it_in_their_own_language(decided_day, procurement_user):
    dutch = ManagerFactory(email="nl@example.com", language="nl")
    english = ManagerFactory(email="en@example.com", language="en")
    procurement_user.language = "nl"
    procurement_user.save()
    card = decided_day(values=CSAT_MISS, managers=(dutch, english))
    scorecard_email_send_now(scorecard_id=card.pk)
    by_first = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert by_first["en@example.com"].to == ["en@example.com"]
    nl = next(m for m in mail.outbox if "nl@example.com" in m.to)
    assert sorted(nl.to) == ["buyer@example.com", "nl@example.com"]
    assert nl.subject == "Pilot Alpha Contact, scorecard dag 60: Opschalen"
    assert "- CSAT: 80,00% (doel ≥ 85,00%) niet gehaald" in nl.body
    assert "Kosten per ticket: €\xa03,00" in nl.body
    html = nl.alternatives[0][0]
    assert 'lang="nl"' in html
    assert "Eerste-contactoplossing" in html


@pytest.mark.django_db
def test_the_claim_lets_exactly_one_sender_through(decided_day):
    card = decided_day()
    assert claims.scorecard_email_claim(scorecard_id=card.pk) is True
    assert claims.scorecard_email_claim(scorecard_id=card.pk) is False
    # While claimed, nobody else sends it.
    assert scorecard_email_send_now(scorecard_id=card.pk) is False
    assert mail.outbox == []


class FailingBackend:
    """An SMTP backend whose server keeps answering 'try again later'."""

    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        type(self).attempts += 1
        raise SMTPException("451 try again later")


@pytest.mark.django_db
def test_the_task_retries_smtp_errors_then_frees_the_claim_and_alerts(
    decided_day, settings, monkeypatch
):
    card = decided_day()
    FailingBackend.attempts = 0
    monkeypatch.setattr(claims, "get_connection", lambda **kw: FailingBackend())
    # Eager apply runs the retries in this process (without their countdown).
    result = tasks.send_scorecard_email.apply(args=[card.pk])
    assert result.failed()
    assert FailingBackend.attempts == 1 + tasks.EMAIL_MAX_RETRIES
    card.refresh_from_db()
    assert card.emailed_at is None
    assert card.sending is False  # released: the next daily run offers it again
    assert card.send_attempts == 6
    alert = Alert.objects.get(pilot=card.pilot, kind=AlertKind.EMAIL_FAILED, closed_at=None)
    assert alert.key == "60"
    assert alert.params["attempts"] == 6
    assert card.pk in claims.scorecards_pending_email()

    # The SMTP server is back: the next attempt sends it and the alert closes.
    monkeypatch.undo()
    assert scorecard_email_send_now(scorecard_id=card.pk) is True
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert len(mail.outbox) == 1


def test_the_send_task_retries_with_exponential_backoff():
    task = tasks.send_scorecard_email
    assert task.name == "pilots.send_scorecard_email"
    assert set(task.autoretry_for) == {SMTPException, OSError}
    assert task.retry_backoff is True
    assert task.max_retries == 5


@pytest.mark.django_db
def test_a_retry_without_the_claim_does_not_send(decided_day):
    card = decided_day()
    # Another task holds nothing and the mail went out already: a stray retry is a no-op.
    scorecard_email_send_now(scorecard_id=card.pk)
    outcome = tasks.send_scorecard_email.apply(args=[card.pk], retries=1)
    assert outcome.get() == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nobody_to_mail_raises_the_email_alert(pilot_with_days):
    pilot = pilot_with_days(30, length_days=90)  # no managers at all, no quote
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 30))
    assert scorecard_email_send_now(scorecard_id=card.pk) is False
    alert = Alert.objects.get(pilot=pilot, kind=AlertKind.EMAIL_FAILED)
    assert "no active manager" in alert.params["error"]


@pytest.mark.django_db
def test_the_sweep_task_enqueues_new_and_pending_emails_after_commit(
    decided_day, pilot_with_days, monkeypatch, django_capture_on_commit_callbacks
):
    old = decided_day()  # made earlier, never sent (the broker was down)
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
    # A second run enqueues only what is still unsent: here, nothing.
    enqueued.clear()
    Scorecard.objects.update(emailed_at=old.created_at)
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
    assert len(mail.outbox) == 2  # sent before the command returned
    assert all(c.emailed_at for c in Scorecard.objects.filter(pilot=pilot))
    # Twice for the same date: nothing new, nothing sent.
    call_command("evaluate_pilots", "--date", day_after(pilot, 60).isoformat())
    out = capsys.readouterr().out
    assert f"pilot {pilot.pk} " not in out
    assert "0 scorecards made, 0 e-mails sent" in out
    assert len(mail.outbox) == 2


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


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_released_once_it_is_stale(decided_day):
    from django.utils import timezone

    card = decided_day()
    assert claims.scorecard_email_claim(scorecard_id=card.pk)  # then the worker died
    assert claims.scorecard_email_release_stale() == 0  # a fresh claim is kept
    assert card.pk not in claims.scorecards_pending_email()
    assert not claims.scorecard_email_claim(scorecard_id=card.pk)  # nobody else sends it
    later = timezone.now() + claims.STALE_CLAIM_AGE + timedelta(minutes=1)
    assert claims.scorecard_email_release_stale(now=later) == 1
    assert card.pk in claims.scorecards_pending_email()
    assert scorecard_email_send_now(scorecard_id=card.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_stale_claim_can_be_taken_over_directly(decided_day):
    from django.utils import timezone

    card = decided_day()
    assert claims.scorecard_email_claim(scorecard_id=card.pk)
    later = timezone.now() + claims.STALE_CLAIM_AGE + timedelta(minutes=1)
    assert claims.scorecard_email_claim(scorecard_id=card.pk, now=later)
    card.refresh_from_db()
    assert card.sending and card.sending_at == later and card.send_attempts == 2


@pytest.mark.django_db
def test_a_task_redelivered_after_its_worker_died_sends_the_email_once(decided_day):
    from pilots.tasks import send_scorecard_email

    card = decided_day()
    assert claims.scorecard_email_claim(scorecard_id=card.pk)  # first delivery, then SIGKILL
    redelivery = send_scorecard_email.apply(args=[card.pk], headers={"redelivered": True})
    assert redelivery.get() == "sent"
    assert len(mail.outbox) == 1
    # A further redelivery (or the sweep) finds it sent and does nothing.
    again = send_scorecard_email.apply(args=[card.pk], headers={"redelivered": True})
    assert again.get() == "skipped"
    assert len(mail.outbox) == 1
