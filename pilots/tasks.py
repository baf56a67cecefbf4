"""Celery tasks: thin — they take ids and dates, and call the services (STYLE.md).

- `pilots.evaluate_due_pilots(as_of=None)`: the daily sweep (Celery beat, 06:00 in the app's
  time zone). Finds due checkpoints from stored dates — never a countdown held in the broker.
- `pilots.send_scorecard_emails(scorecard_ids)`: a batch (EMAIL_BATCH_SIZE) of scorecards’
  e-mails over one SMTP connection, the batches spread over the workers. Each scorecard is
  claimed before it is sent; a retry goes on with the ones it claimed and did not send yet,
  with the same backoff and final alert as the single task.
- `pilots.send_scorecard_email(scorecard_id)`: claims the scorecard's e-mail once, sends it,
  retries SMTP and network errors with exponential backoff, and on the final failure frees
  the claim and raises an `email_failed` alert.
- `pilots.evaluate_pilot(pilot_id, as_of)`: the retry of one pilot whose evaluation failed.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from smtplib import SMTPException

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import transaction

from common.dates import job_date
from procurement.tasks import job_moment

from .digest import weekly_digest_send
from .evaluation import claims, sweep
from .evaluation.alerts import pilot_alerts_refresh
from .kpi_days import app_today
from .reminders import missing_day_reminders_send

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 5


def _as_date(as_of: str | date | None) -> date:
    """An ISO date, or today in the app's time zone; a day after today is refused
    (ValueError naming `as_of`): no job for a day that has not happened (DOMAIN.md §5)."""
    return job_date(as_of)


EMAIL_BATCH_SIZE = 50  # scorecards per task: one SMTP connection each, batches over workers


def enqueue_scorecard_emails(scorecard_ids: list[int]) -> None:
    """A task per batch of scorecards, after commit, so the worker finds the rows
    (STYLE.md: never `.delay()` inside an open transaction). A broker that is down loses
    nothing: the scorecards stay unsent and the next sweep offers them again."""
    ids = list(scorecard_ids)
    for start in range(0, len(ids), EMAIL_BATCH_SIZE):
        batch = ids[start : start + EMAIL_BATCH_SIZE]
        transaction.on_commit(partial(_enqueue, send_scorecard_emails, batch))


def _enqueue(task, *args, countdown: int | None = None) -> None:
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception:
        # The work is found again from the database by the next daily sweep.
        logger.exception("could not enqueue %s%s", task.name, args)


def enqueue_alert_refresh(pilot_id: int) -> None:
    """After the entry's transaction commits, off the request (DOMAIN.md §5). A broker that is
    down is logged; the entry stays saved and the daily sweep refreshes every pilot."""
    transaction.on_commit(partial(_enqueue, refresh_pilot_alerts, pilot_id))


def _redelivered(request) -> bool:
    """The broker handed this message out again because the worker that had it died before
    acknowledging (acks late). Kombu marks it in the delivery info and the headers."""
    return bool(
        (request.delivery_info or {}).get("redelivered")
        or (request.headers or {}).get("redelivered")
    )


@shared_task(name="pilots.evaluate_due_pilots")
def evaluate_due_pilots(as_of: str | None = None) -> int:
    day = _as_date(as_of)
    result = sweep.sweep(as_of=day, on_created=enqueue_scorecard_emails)
    made = {card.pk for card in result.created}
    # E-mails that never went out (broker down, every retry failed, a worker that died
    # mid-send) are offered again.
    claims.scorecard_email_release_stale()
    enqueue_scorecard_emails([pk for pk in claims.scorecards_pending_email() if pk not in made])
    for pilot_id in result.failed_pilot_ids:
        transaction.on_commit(
            partial(_enqueue, evaluate_pilot, pilot_id, day.isoformat(), countdown=300)
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


class ScorecardEmailTask(Task):
    """Frees the claim and raises the alert once the retries are spent (or on an error that
    is not worth retrying, such as no recipients)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        scorecard_id = kwargs.get("scorecard_id", args[0] if args else None)
        if scorecard_id is None:
            return
        logger.error("scorecard %s e-mail failed for good: %s", scorecard_id, exc)
        claims.scorecard_email_release(scorecard_id=scorecard_id, error=exc)


@shared_task(
    name="pilots.send_scorecard_email",
    bind=True,
    base=ScorecardEmailTask,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=EMAIL_MAX_RETRIES,
)
def send_scorecard_email(self, scorecard_id: int) -> str:
    redelivered = _redelivered(self.request)
    if self.request.retries == 0 and not redelivered:
        # First attempt: claim it, or another task has it (or it was sent).
        if not claims.scorecard_email_claim(scorecard_id=scorecard_id):
            return "skipped"
    elif not (
        claims.scorecard_email_reclaim(scorecard_id=scorecard_id)
        or claims.scorecard_email_claim(scorecard_id=scorecard_id)
    ):
        # A retry, or a message the broker redelivered because its worker died (acks late),
        # carries on with the claim its first attempt took; a fresh claim covers a message
        # redelivered before the first attempt claimed anything.
        # A retry goes on only with the claim its first attempt took (SMTP and network
        # errors, the only ones retried, are raised after the claim).
        return "skipped"
    claims.scorecard_email_deliver(scorecard_id=scorecard_id)
    return "sent"


@shared_task(name="pilots.refresh_pilot_alerts")
def refresh_pilot_alerts(pilot_id: int) -> None:
    pilot_alerts_refresh(pilot_id=pilot_id, as_of=app_today())


# --- Reminders and the weekly digest (DOMAIN.md §7) -------------------------------------------


@shared_task(name="pilots.send_missing_day_reminders")
def send_missing_day_reminders(at: str | None = None) -> int:
    """The next-morning reminders for pilots and contracts lacking yesterday's entry (beat:
    daily in the morning). Idempotent through the sent-log."""
    return len(missing_day_reminders_send(at=job_moment(at)))


@shared_task(name="pilots.send_weekly_digest")
def send_weekly_digest(as_of: str | None = None) -> int:
    """Monday morning: one digest per manager for the week. Idempotent through the sent-log."""
    return len(weekly_digest_send(as_of=_as_date(as_of)))


class ScorecardEmailBatchTask(Task):
    """After the last retry: free the claims and raise the alerts of what is still unsent.
    A retry's arguments are only the scorecards this task claimed (see below); a first
    attempt that failed before its retry could be queued leaves its claims to go stale,
    and the next sweep offers them again."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if not self.request.retries:
            return
        scorecard_ids = kwargs.get("scorecard_ids", args[0] if args else [])
        for scorecard_id in claims.scorecard_emails_unsent(scorecard_ids=scorecard_ids):
            logger.error("scorecard %s e-mail failed for good: %s", scorecard_id, exc)
            claims.scorecard_email_release(scorecard_id=scorecard_id, error=exc)


@shared_task(
    name="pilots.send_scorecard_emails",
    bind=True,
    base=ScorecardEmailBatchTask,
    max_retries=EMAIL_MAX_RETRIES,
)
def send_scorecard_emails(self, scorecard_ids: list[int]) -> int:
    """Claim each scorecard (a message the broker redelivered because its worker died takes
    over the claims that worker left), send the claimed ones over one connection, and retry
    SMTP and network errors with backoff for the ones not sent yet."""
    if self.request.retries == 0:
        redelivered = _redelivered(self.request)
        claimed = [
            pk
            for pk in scorecard_ids
            if claims.scorecard_email_claim(scorecard_id=pk)
            or (redelivered and claims.scorecard_email_reclaim(scorecard_id=pk))
        ]
    else:  # a retry carries only the ids its first attempt claimed
        claimed = [pk for pk in scorecard_ids if claims.scorecard_email_reclaim(scorecard_id=pk)]
    if not claimed:
        return 0
    try:
        return len(claims.scorecard_emails_deliver(scorecard_ids=claimed))
    except (SMTPException, OSError) as exc:
        unsent = claims.scorecard_emails_unsent(scorecard_ids=claimed)
        countdown = get_exponential_backoff_interval(
            factor=1, retries=self.request.retries, maximum=600, full_jitter=True
        )
        raise self.retry(args=[unsent], exc=exc, countdown=countdown) from exc
    except Exception as exc:
        # Not worth retrying (a bug, bad data): free the claims with the alert, as the
        # single task's on_failure does.
        logger.exception("scorecard e-mail batch failed")
        for scorecard_id in claims.scorecard_emails_unsent(scorecard_ids=claimed):
            claims.scorecard_email_release(scorecard_id=scorecard_id, error=exc)
        return 0
