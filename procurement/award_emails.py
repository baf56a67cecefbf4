"""E-mails of the award with approval, each sent once (claimed before sending, released when
sending fails) and in the recipient's language:

- proposed: every active manager is asked to decide;
- approved / rejected: the procurement user who proposed is told the decision;
- approved: every invited vendor's users hear the outcome (won / not selected).
"""

from __future__ import annotations

import logging

from django.core.mail import get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from common.emails import absolute_url, make_message

from .models import AwardProposal, AwardStatus, Invitation, InvitationStatus

logger = logging.getLogger(__name__)


def send_for_event(event: str, proposal_id: int) -> int:
    if event == "proposed":
        return send_proposal_to_managers(proposal_id)
    sent = send_decision_to_procurement(proposal_id)
    if event == "approved":
        sent += send_outcome_to_vendors(proposal_id)
    return sent


def _send(messages) -> int:
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
        return _send(messages)
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
        return _send([message])
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
            sent += _send(messages)
        except Exception:
            logger.exception("Award outcome to invitation %s failed", invitation.pk)
            Invitation.objects.filter(pk=invitation.pk).update(outcome_notified_at=None)
    return sent
