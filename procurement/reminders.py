"""The quote-deadline reminder (DOMAIN.md §7): 48 hours before an RFQ's deadline, each user of
an invited vendor that has not submitted a quote gets one reminder, in their language.

"Once" is per (invitation, deadline): moving the deadline makes a new moment. The sent-log
(`common.sendlog.send_once`) makes a second run or a concurrent worker send nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from common.emails import absolute_url, local_datetime_display, make_message, recipient_name
from common.sendlog import Outgoing, send_once

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


def _message(invitation: Invitation, user: User):
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
    )


def quote_reminders_send(*, at: datetime, batch_size: int = BATCH_SIZE) -> list[Outgoing]:
    """Send the reminders due at `at`; return those sent by this run (3 queries a batch)."""
    sent: list[Outgoing] = []
    last_id = 0
    invitations = invitations_to_remind(at=at)
    while True:
        batch = list(invitations.filter(pk__gt=last_id)[:batch_size])
        if not batch:
            return sent
        last_id = batch[-1].pk
        users: dict[int, list[User]] = defaultdict(list)
        for user in User.objects.filter(
            vendor_id__in={i.vendor_id for i in batch}, is_active=True
        ).select_related("vendor"):
            users[user.vendor_id].append(user)
        outgoing = [
            Outgoing(
                kind=KIND,
                key=f"{invitation.pk}:{invitation.rfq.quote_deadline:%Y-%m-%dT%H:%M}",
                recipient_id=user.pk,
                build=partial(_message, invitation, user),
                label=f"{user.email}: {invitation.rfq.reference}",
            )
            for invitation in batch
            for user in users[invitation.vendor_id]
        ]
        sent.extend(send_once(outgoing))
