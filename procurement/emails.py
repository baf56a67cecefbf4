"""E-mails of the procurement round, sent after the transaction that caused them commits.

Claim once (STYLE.md): an invitation is claimed by setting `notified_at` where it is still
empty, so a double click, a retry or a second `rfq_open` never mails a vendor twice. When
sending fails the claim is released and the RFQ page offers to send it again; the request
that triggered it does not fail (the invitation itself is saved).
"""

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from common.emails import absolute_url, make_message

from .models import Invitation, InvitationStatus, RfqStatus

logger = logging.getLogger(__name__)


def send_invitation_emails(invitation_id: int) -> int:
    """E-mail every active user of the invited vendor, each in their own language, with a
    link to the RFQ in the vendor portal. Returns the number of messages sent."""
    invitation = (
        Invitation.objects.select_related("rfq", "rfq__owner", "vendor")
        .filter(pk=invitation_id, status=InvitationStatus.INVITED, rfq__status=RfqStatus.OPEN)
        .first()
    )
    if invitation is None:
        return 0
    recipients = list(User.objects.filter(vendor_id=invitation.vendor_id, is_active=True))
    if not recipients:
        # Nobody to tell yet: stays unsent, so adding a user and resending works.
        return 0
    claimed = Invitation.objects.filter(pk=invitation.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if claimed != 1:
        return 0
    rfq = invitation.rfq
    link = absolute_url(reverse("procurement:portal_rfq", args=[rfq.pk]))
    messages = [
        make_message(
            "rfq-invitation",
            to=[user.email],
            language=user.language,
            reply_to=[rfq.owner.email],
            context={
                "user": user,
                "vendor": invitation.vendor,
                "rfq": rfq,
                "channels": list(rfq.channels.all()),
                "link": link,
            },
        )
        for user in recipients
    ]
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("Invitation %s: e-mail failed; released for a retry", invitation.pk)
        Invitation.objects.filter(pk=invitation.pk).update(notified_at=None)
        return 0
    return sent


def send_vendor_user_welcome(user_id: int) -> int:
    """A new vendor user chooses a password through a one-time link."""
    user = User.objects.select_related("vendor").filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    message = make_message(
        "vendor-user-welcome",
        to=[user.email],
        language=user.language,
        context={"user": user, "vendor": user.vendor, "link": absolute_url(path)},
    )
    try:
        return message.send()
    except Exception:
        logger.exception("Welcome e-mail to user %s failed", user.pk)
        return 0
