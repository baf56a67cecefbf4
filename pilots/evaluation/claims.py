"""The scorecard e-mail: claimed once (`sending` flips False → True in one UPDATE) before it
is sent, and `emailed_at` records the send, so a retry or a second worker never mails twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from pilots.models import AlertKind, Scorecard

from .alerts import alert_open, alerts_close
from .emails import scorecard_messages
from .selectors import daily_entries_by_scorecard, scorecard_recipients_by_pilot

logger = logging.getLogger(__name__)

# Scorecards whose e-mail never went out (the broker was down, or every retry failed) are
# offered again by the daily sweep for this long.
PENDING_EMAIL_DAYS = 14
# A live send takes seconds; its retries back off 31 s at most and refresh the claim. A claim
# untouched for this long belongs to a worker that died mid-send.
STALE_CLAIM_AGE = timedelta(minutes=10)


def scorecard_email_claim(*, scorecard_id: int, now=None) -> bool:
    """True for exactly one caller: the one whose UPDATE took the claim (STYLE.md). A claim
    older than STALE_CLAIM_AGE was left by a worker that died mid-send and may be taken
    over. The same UPDATE counts the attempt."""
    now = now or timezone.now()
    free = Q(sending=False) | Q(sending_at__lt=now - STALE_CLAIM_AGE) | Q(sending_at=None)
    return (
        Scorecard.objects.filter(free, pk=scorecard_id, emailed_at=None).update(
            sending=True, sending_at=now, send_attempts=F("send_attempts") + 1
        )
        == 1
    )


def scorecard_email_reclaim(*, scorecard_id: int) -> bool:
    """For a retry, or a redelivery, of the task that claimed it: go on only while it is
    still claimed and not yet sent; refresh the claim and count the attempt."""
    return (
        Scorecard.objects.filter(pk=scorecard_id, emailed_at=None, sending=True).update(
            sending_at=timezone.now(), send_attempts=F("send_attempts") + 1
        )
        == 1
    )


class NoRecipients(Exception):
    pass


def scorecard_email_deliver(*, scorecard_id: int) -> int:
    """Send a claimed scorecard's e-mail and record `emailed_at`; return the messages sent.

    SMTP and network errors propagate (the task retries them with backoff)."""
    scorecard = Scorecard.objects.select_related("pilot__vendor", "pilot__quote__rfq__owner").get(
        pk=scorecard_id
    )
    messages = scorecard_messages(scorecard)
    if not messages:
        raise NoRecipients(gettext("nobody to e-mail: no active manager"))
    with get_connection(fail_silently=False) as connection:
        connection.send_messages(messages)
    _record_sent(scorecard)
    return len(messages)


def scorecard_emails_deliver(*, scorecard_ids: list[int]) -> list[int]:
    """Send a batch of claimed scorecards' e-mails over ONE SMTP connection, the recipients
    resolved once for the batch; record `emailed_at` right after each scorecard's send.
    Returns the ids sent.

    A scorecard without recipients is released with its alert and the batch goes on. An
    SMTP or network error stops the batch: the ones sent stay recorded, the error propagates
    (the caller hands the rest to the per-scorecard task and its retries)."""
    scorecards = _scorecards(scorecard_ids)
    recipients = scorecard_recipients_by_pilot({card.pilot_id: card.pilot for card in scorecards}.values())  # fmt: skip
    entries = daily_entries_by_scorecard(scorecards)
    sent = []
    with get_connection(fail_silently=False) as connection:
        for scorecard in scorecards:
            messages = scorecard_messages(
                scorecard, recipients=recipients[scorecard.pilot_id], entries=entries[scorecard.pk]
            )
            if not messages:
                scorecard_email_release(
                    scorecard_id=scorecard.pk,
                    error=NoRecipients(gettext("nobody to e-mail: no active manager")),
                )
                continue
            connection.send_messages(messages)
            _record_sent(scorecard)
            sent.append(scorecard.pk)
    return sent


def _scorecards(ids: list[int]) -> list[Scorecard]:
    cards = Scorecard.objects.select_related("pilot__vendor", "pilot__quote__rfq__owner")
    return list(cards.filter(pk__in=ids).order_by("pk"))


def _record_sent(scorecard: Scorecard) -> None:
    """`emailed_at` right after the send; an `email_failed` alert can only be open after an
    earlier attempt failed (the claim counts attempts), so a first send skips that query."""
    if scorecard.send_attempts <= 1:
        Scorecard.objects.filter(pk=scorecard.pk).update(emailed_at=timezone.now(), sending=False)
        return
    with transaction.atomic():
        Scorecard.objects.filter(pk=scorecard.pk).update(emailed_at=timezone.now(), sending=False)
        alerts_close(
            pilot_ids=[scorecard.pilot_id],
            kind=AlertKind.EMAIL_FAILED,
            key=str(scorecard.checkpoint_day),
        )


def scorecard_email_release(*, scorecard_id: int, error: BaseException | str) -> None:
    """Give up for now: free the claim (the next daily sweep offers it again) and alert."""
    Scorecard.objects.filter(pk=scorecard_id, emailed_at=None).update(sending=False)
    card = (
        Scorecard.objects.filter(pk=scorecard_id)
        .values("pilot_id", "checkpoint_day", "send_attempts")
        .first()
    )
    if card is None:
        return
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    alert_open(
        pilot_id=card["pilot_id"],
        kind=AlertKind.EMAIL_FAILED,
        key=str(card["checkpoint_day"]),
        params={"attempts": card["send_attempts"], "error": text[:200]},
    )


def scorecard_emails_unsent(*, scorecard_ids: list[int]) -> list[int]:
    """Which of a batch's claimed scorecards are still unsent (after a failed send)."""
    return list(
        Scorecard.objects.filter(pk__in=scorecard_ids, emailed_at=None, sending=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def scorecard_email_send_now(*, scorecard_id: int) -> bool:
    """Claim and send in this process (the command and the demo: no worker needed).
    A failure releases the claim and raises the `email_failed` alert."""
    if not scorecard_email_claim(scorecard_id=scorecard_id):
        return False
    try:
        scorecard_email_deliver(scorecard_id=scorecard_id)
    except Exception as exc:
        logger.exception("scorecard %s e-mail failed", scorecard_id)
        scorecard_email_release(scorecard_id=scorecard_id, error=exc)
        return False
    return True


def scorecard_email_release_stale(*, now=None) -> int:
    """Free claims left by a worker that died mid-send, so the sweep offers them again."""
    now = now or timezone.now()
    released = (
        Scorecard.objects.filter(emailed_at=None, sending=True)
        .filter(Q(sending_at__lt=now - STALE_CLAIM_AGE) | Q(sending_at=None))
        .update(sending=False, sending_at=None)
    )
    if released:
        logger.warning("released %d stale scorecard e-mail claims", released)
    return released


def scorecards_pending_email(*, now=None) -> list[int]:
    """Scorecards of the last two weeks whose e-mail is neither sent nor in flight."""
    now = now or timezone.now()
    return list(
        Scorecard.objects.filter(
            emailed_at=None,
            sending=False,
            created_at__gte=now - timedelta(days=PENDING_EMAIL_DAYS),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
