"""E-mails of the procurement round, sent after the transaction that caused them commits.

Claim once (STYLE.md): an invitation is claimed by setting `notified_at` where it is still
empty, so a double click, a retry or a second `rfq_open` never mails a vendor twice. When
sending fails the claim is released and the RFQ page offers to send it again; the request
that triggered it does not fail (the invitation itself is saved).
"""

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User
from common.emails import absolute_url, make_message

from .models import AwardProposal, AwardStatus, Invitation, InvitationStatus, RfqStatus

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


# --- award with approval (issue 12) -----------------------------------------------------


def send_award_emails(event: str, proposal_id: int) -> int:
    """Award with approval (issue 12), each e-mail once: the managers on a proposal, the
    proposer on a decision, every invited vendor on an approval."""
    if event == "proposed":
        return send_proposal_to_managers(proposal_id)
    sent = send_decision_to_procurement(proposal_id)
    if event == "approved":
        sent += send_outcome_to_vendors(proposal_id)
    return sent


def _send_all(messages) -> int:
    return get_connection().send_messages(messages) or 0


def _proposal(proposal_id: int) -> AwardProposal | None:
    return (
        AwardProposal.objects.select_related("rfq", "quote__vendor", "proposed_by", "decided_by")
        .filter(pk=proposal_id)
        .first()
    )


def send_proposal_to_managers(proposal_id: int) -> int:
    proposal = _proposal(proposal_id)
    if proposal is None or proposal.status != AwardStatus.PENDING:
        return 0
    managers = list(User.objects.filter(role__in=[Role.MANAGER], is_active=True))
    if not managers:
        return 0
    claimed = AwardProposal.objects.filter(pk=proposal.pk, managers_emailed_at=None).update(
        managers_emailed_at=timezone.now()
    )
    if claimed != 1:
        return 0
    link = absolute_url(reverse("procurement:award_proposal", args=[proposal.pk]))
    messages = [
        make_message(
            "award-proposed",
            to=[user.email],
            language=user.language,
            reply_to=[proposal.proposed_by.email],
            context={"user": user, "proposal": proposal, "rfq": proposal.rfq, "link": link},
        )
        for user in managers
    ]
    try:
        return _send_all(messages)
    except Exception:
        logger.exception("Award proposal %s: e-mail to managers failed", proposal.pk)
        AwardProposal.objects.filter(pk=proposal.pk).update(managers_emailed_at=None)
        return 0


def send_decision_to_procurement(proposal_id: int) -> int:
    proposal = _proposal(proposal_id)
    if proposal is None or proposal.status == AwardStatus.PENDING:
        return 0
    recipient = proposal.proposed_by
    if not recipient.is_active:
        return 0
    claimed = AwardProposal.objects.filter(pk=proposal.pk, decision_emailed_at=None).update(
        decision_emailed_at=timezone.now()
    )
    if claimed != 1:
        return 0
    link = absolute_url(reverse("procurement:award_proposal", args=[proposal.pk]))
    message = make_message(
        "award-decided",
        to=[recipient.email],
        language=recipient.language,
        context={"user": recipient, "proposal": proposal, "rfq": proposal.rfq, "link": link},
    )
    try:
        return _send_all([message])
    except Exception:
        logger.exception("Award proposal %s: decision e-mail failed", proposal.pk)
        AwardProposal.objects.filter(pk=proposal.pk).update(decision_emailed_at=None)
        return 0


def send_outcome_to_vendors(proposal_id: int) -> int:
    """Each invited vendor (not those that declined) hears once whether it won."""
    proposal = _proposal(proposal_id)
    if proposal is None or proposal.status != AwardStatus.APPROVED:
        return 0
    rfq = proposal.rfq
    sent = 0
    invitations = Invitation.objects.filter(rfq=rfq).exclude(status=InvitationStatus.DECLINED)
    for invitation in invitations.select_related("vendor"):
        recipients = list(User.objects.filter(vendor_id=invitation.vendor_id, is_active=True))
        if not recipients:
            continue
        claimed = Invitation.objects.filter(
            Q(outcome_notified_at__isnull=True), pk=invitation.pk
        ).update(outcome_notified_at=timezone.now())
        if claimed != 1:
            continue
        won = invitation.vendor_id == proposal.quote.vendor_id
        link = absolute_url(reverse("procurement:portal_rfq", args=[rfq.pk]))
        messages = [
            make_message(
                "award-outcome",
                to=[user.email],
                language=user.language,
                reply_to=[rfq.owner.email],
                context={
                    "user": user,
                    "vendor": invitation.vendor,
                    "rfq": rfq,
                    "won": won,
                    "link": link,
                },
            )
            for user in recipients
        ]
        try:
            sent += _send_all(messages)
        except Exception:
            logger.exception("Award outcome to invitation %s failed", invitation.pk)
            Invitation.objects.filter(pk=invitation.pk).update(outcome_notified_at=None)
    return sent
