"""The quote-deadline reminder (docs/domain.md §7): 48 hours before an RFQ's deadline, each user of
an invited vendor that has not submitted a quote gets one reminder, in their language.

"Once" is per (invitation, deadline): moving the deadline makes a new moment. The outbox
(`common.outbox`, cause = invitation and deadline) makes a second run or a concurrent worker
send nothing new. Optional: a user who switched reminders off gets none.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from common import outbox
from common.emails import absolute_url, local_datetime_display, make_message, recipient_name
from common.models import OutboxMessage

from .models import Invitation, InvitationStatus, Quote, QuoteStatus, RfqStatus

KIND = "quote_deadline"
LEAD_TIME = timedelta(hours=48)
BATCH_SIZE = 500


def invitations_to_remind(*, at: datetime):
    """Invitations of open RFQs whose deadline falls within the next 48 hours, not declined,
    without a submitted quote from the vendor."""
    submitted = Quote.objects.filter(
        rfq_id=OuterRef("rfq_id"), vendor_id=OuterRef("vendor_id"), status=QuoteStatus.SUBMITTED
    )
    return (
        Invitation.objects.filter(
            rfq__status=RfqStatus.OPEN,
            rfq__quote_deadline__gt=at,
            rfq__quote_deadline__lte=at + LEAD_TIME,
        )
        .exclude(status=InvitationStatus.DECLINED)
        .filter(~Exists(submitted))
        .select_related("rfq", "vendor")
        .order_by("pk")
    )


def _message(invitation: Invitation, user: User, *, unsubscribe_url: str | None = None):
    rfq = invitation.rfq
    with translation.override(user.language):
        deadline = local_datetime_display(rfq.quote_deadline)
    return make_message(
        "quote-deadline-reminder",
        to=[user.email],
        language=user.language,
        context={
            "name": recipient_name(user),
            "vendor": invitation.vendor,
            "rfq": rfq,
            "deadline": deadline,
            "link": absolute_url(reverse("procurement:portal_rfq", args=[rfq.pk])),
        },
        unsubscribe_url=unsubscribe_url,
    )


def quote_reminders_enqueue(*, at: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Queue the reminders due at `at` (a constant number of queries a batch)."""
    queued = 0
    last_id = 0
    invitations = invitations_to_remind(at=at)
    while True:
        batch = list(invitations.filter(pk__gt=last_id)[:batch_size])
        if not batch:
            return queued
        last_id = batch[-1].pk
        users: dict[int, list[User]] = defaultdict(list)
        for user in User.objects.filter(
            vendor_id__in={i.vendor_id for i in batch}, is_active=True
        ).select_related("vendor"):
            users[user.vendor_id].append(user)
        drafts = [
            outbox.Draft(
                cause=f"{invitation.pk}:{invitation.rfq.quote_deadline:%Y-%m-%dT%H:%M}",
                recipient=user,
                render=partial(_message, invitation, user),
                object_id=invitation.pk,
            )
            for invitation in batch
            for user in users[invitation.vendor_id]
        ]
        queued += len(outbox.enqueue(KIND, drafts))


def quote_reminders_send(*, at: datetime, batch_size: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Queue the reminders due at `at` and send them (with any earlier reminder still due) in
    this process; return the messages sent by this run."""
    quote_reminders_enqueue(at=at, batch_size=batch_size)
    return outbox.send_due(kinds=[KIND])
