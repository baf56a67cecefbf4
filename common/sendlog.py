"""Send each reminder or digest exactly once per (kind, moment, recipient) — DOMAIN.md §7.

`send_once(outgoing)` claims a whole batch in two queries: it inserts one `SentEmail` row per
e-mail with this run's claim token (rows that exist already are left alone by the unique
constraint), takes over claims that went stale, then reads back which rows carry its token.
Only those are built and sent; each sent row gets `sent_at`, and a row whose send failed is
deleted so that the next run claims it again. Two workers running the same moment at once
therefore split the e-mails between them and never send one twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from .models import SentEmail

logger = logging.getLogger(__name__)

# A live send takes seconds; a claim untouched this long belongs to a worker that died.
STALE_CLAIM_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class Outgoing:
    kind: str
    key: str
    recipient_id: int
    # Renders the message (in the recipient's language) only once the claim is ours.
    build: Callable[[], EmailMessage]
    label: str = ""  # what the command prints when it is sent


def send_once(outgoing: Sequence[Outgoing], *, now=None) -> list[Outgoing]:
    """Send what no other run has claimed or sent; return what this run sent."""
    if not outgoing:
        return []
    now = now or timezone.now()
    token = uuid.uuid4()
    SentEmail.objects.bulk_create(
        [
            SentEmail(
                kind=o.kind,
                key=o.key,
                recipient_id=o.recipient_id,
                claim_token=token,
                claimed_at=now,
            )
            for o in outgoing
        ],
        ignore_conflicts=True,
    )
    # Stale claims among these moments (a superset of this batch: what this run takes over
    # but does not send is released again below).
    SentEmail.objects.filter(
        kind__in={o.kind for o in outgoing},
        key__in={o.key for o in outgoing},
        recipient_id__in={o.recipient_id for o in outgoing},
        sent_at=None,
        claimed_at__lt=now - STALE_CLAIM_AGE,
    ).update(claim_token=token, claimed_at=now)
    mine = {
        (row.kind, row.key, row.recipient_id): row.pk
        for row in SentEmail.objects.filter(claim_token=token, sent_at=None)
    }
    sent: list[Outgoing] = []
    sent_ids: list[int] = []
    with get_connection(fail_silently=False) as connection:
        for o in outgoing:
            row_id = mine.get((o.kind, o.key, o.recipient_id))
            if row_id is None:
                continue
            try:
                message = o.build()
                message.connection = connection
                message.send()
            except Exception:
                logger.exception("%s %s to user %s failed", o.kind, o.key, o.recipient_id)
            else:
                sent.append(o)
                sent_ids.append(row_id)
    if sent_ids:
        SentEmail.objects.filter(pk__in=sent_ids).update(sent_at=timezone.now())
    # Failed sends, and claims taken over but not in this batch, are released: the next run
    # claims and sends them again.
    SentEmail.objects.filter(claim_token=token, sent_at=None).delete()
    return sent
