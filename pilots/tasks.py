"""Celery tasks: thin — they take ids and dates, and call the services (docs/style.md).

- `pilots.evaluate_due_pilots(as_of=None)`: the daily sweep (Celery beat, 06:00 in the app's
  time zone). Finds due checkpoints from stored dates — never a countdown held in the broker.
  Scorecards whose e-mails were never queued (the broker was down) are offered again.
- `pilots.send_scorecard_emails(scorecard_ids)`: a batch (EMAIL_BATCH_SIZE) of scorecards:
  queues each one's e-mail per recipient in the outbox (once, `common.outbox`), then sends
  them over one SMTP connection, each marked sent as soon as the server accepted it. Retries
  with backoff, a recipient refused for good and a worker killed mid-batch are the outbox's
  (`common.send_outbox`, every minute).
- `pilots.evaluate_pilot(pilot_id, as_of)`: the retry of one pilot whose evaluation failed.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from celery import shared_task
from django.db import transaction

from common import jobs, outbox
from common.dates import job_date
from common.models import OutboxMessage
from kpis.days import app_today
from procurement.tasks import job_moment

from .digest import weekly_digest_send
from .evaluation import emails, sweep
from .evaluation.alerts import pilot_alerts_refresh
from .reminders import missing_day_reminders_send

logger = logging.getLogger(__name__)


def _as_date(as_of: str | date | None) -> date:
    """An ISO date, or today in the app's time zone; a day after today is refused
    (ValueError naming `as_of`): no job for a day that has not happened (docs/domain.md §5)."""
    return job_date(as_of)


EMAIL_BATCH_SIZE = 50  # scorecards per task: one SMTP connection each, batches over workers


def enqueue_scorecard_emails(scorecard_ids: list[int]) -> None:
    """A task per batch of scorecards, after commit, so the worker finds the rows
    (docs/style.md: never `.delay()` inside an open transaction). A broker that is down loses
    nothing: the next sweep queues the e-mails of scorecards without any."""
    ids = list(scorecard_ids)
    for start in range(0, len(ids), EMAIL_BATCH_SIZE):
        batch = ids[start : start + EMAIL_BATCH_SIZE]
        transaction.on_commit(partial(jobs.enqueue, send_scorecard_emails, batch))


def enqueue_alert_refresh(pilot_id: int) -> None:
    """After the entry's transaction commits, off the request (docs/domain.md §5), at most one
    per pilot and window (`common.jobs.enqueue_coalesced`: the refresh runs once the window
    is over and reads every write of it). A broker that is down is logged; the entry stays
    saved and the daily sweep refreshes every pilot."""
    transaction.on_commit(partial(jobs.enqueue_coalesced, refresh_pilot_alerts, pilot_id))


@shared_task(name="pilots.evaluate_due_pilots")
def evaluate_due_pilots(as_of: str | None = None) -> int:
    day = _as_date(as_of)
    result = sweep.sweep(as_of=day, on_created=enqueue_scorecard_emails)
    made = {card.pk for card in result.created}
    # E-mails never queued (the broker was down when their batch was made) are offered again;
    # queued ones that failed or were left by a killed worker are the outbox's.
    enqueue_scorecard_emails([pk for pk in emails.scorecards_without_email() if pk not in made])
    for pilot_id in result.failed_pilot_ids:
        transaction.on_commit(
            partial(jobs.enqueue, evaluate_pilot, pilot_id, day.isoformat(), countdown=300)
        )
    logger.info(
        "sweep as of %s: %d scorecards, %d pilots failed",
        day,
        len(result.created),
        len(result.failed_pilot_ids),
    )
    return len(result.created)


@shared_task(
    name="pilots.evaluate_pilot",
    bind=True,
    autoretry_for=(sweep.EvaluationFailed,),
    retry_backoff=300,
    max_retries=3,
)
def evaluate_pilot(self, pilot_id: int, as_of: str) -> int:
    created = sweep.pilot_evaluate(pilot_id=pilot_id, as_of=_as_date(as_of))
    enqueue_scorecard_emails([card.pk for card in created])
    return len(created)


@shared_task(name="pilots.refresh_pilot_alerts")
def refresh_pilot_alerts(pilot_id: int) -> None:
    pilot_alerts_refresh(pilot_id=pilot_id, as_of=app_today())


# --- Reminders and the weekly digest (docs/domain.md §7) -------------------------------------------


@shared_task(name="pilots.send_missing_day_reminders")
def send_missing_day_reminders(at: str | None = None) -> int:
    """The next-morning reminders for pilots and contracts lacking yesterday's entry (beat:
    daily in the morning). Idempotent through the outbox."""
    return len(missing_day_reminders_send(at=job_moment(at)))


@shared_task(name="pilots.send_weekly_digest")
def send_weekly_digest(as_of: str | None = None) -> int:
    """Monday morning: one digest per manager for the week. Idempotent through the outbox."""
    return len(weekly_digest_send(as_of=_as_date(as_of)))


@shared_task(name="pilots.send_scorecard_emails")
def send_scorecard_emails(scorecard_ids: list[int]) -> int:
    """Queue the batch's e-mails (what is queued already is left alone) and send what of
    them is due; return the messages sent by this task."""
    emails.scorecard_emails_enqueue(scorecard_ids=scorecard_ids)
    rows = OutboxMessage.objects.filter(kind=emails.KIND, object_id__in=scorecard_ids)
    return len(outbox.send_due(ids=list(rows.values_list("pk", flat=True))))
