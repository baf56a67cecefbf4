"""E-mails of the procurement round, queued in the outbox (`common.outbox`) in the transaction
that causes them and sent once it commits; what fails then is retried by `common.send_outbox`.

Once per cause and recipient: an invitation round (`invitation:<id>:<round>`; a resend or a
new invitation after a decline is a new round), a vendor user's welcome, and each step of an
award (proposed, decided, the outcome to each invited vendor). `Invitation.notified_at` is set
from the outbox when its round's messages went out (the RFQ page shows it).
"""

import logging
from functools import partial

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User
from common import outbox
from common.emails import absolute_url, make_message
from common.models import OutboxMessage

from .models import AwardProposal, AwardStatus, Invitation, InvitationStatus, RfqStatus

logger = logging.getLogger(__name__)

INVITATION = "rfq_invitation"
WELCOME = "vendor_welcome"
AWARD_PROPOSED = "award_proposed"
AWARD_DECIDED = "award_decided"
AWARD_OUTCOME = "award_outcome"


def _send_now(rows: list[OutboxMessage]) -> int:
    return len(outbox.send_due(ids=[r.pk for r in rows])) if rows else 0


# --- the invitation ---------------------------------------------------------------------------


def invitation_emails_enqueue(invitation_id: int, *, again: bool = False) -> list[OutboxMessage]:
    """Queue the invitation to every active user of the vendor, each in their language, with a
    link to the RFQ in the vendor portal. The first round goes once; `again` (a resend, a new
    invitation after a decline) starts a new round. Call it with the RFQ or the invitation
    locked (the services do), so two requests cannot start the same round."""
    invitation = (
        Invitation.objects.select_related("rfq", "rfq__owner", "vendor")
        .filter(pk=invitation_id, status=InvitationStatus.INVITED, rfq__status=RfqStatus.OPEN)
        .first()
    )
    if invitation is None:
        return []
    recipients = list(User.objects.filter(vendor_id=invitation.vendor_id, is_active=True))
    if not recipients:
        # Nobody to tell yet: no round starts, so adding a user and resending works.
        return []
    rounds = (
        OutboxMessage.objects.filter(kind=INVITATION, object_id=invitation.pk)
        .values("cause")
        .distinct()
        .count()
    )
    if rounds and not again:
        return []
    # A new round replaces what of an earlier one is still waiting (a retry after a failure):
    # the vendor's users get the invitation once more, not twice.
    OutboxMessage.objects.filter(
        kind=INVITATION, object_id=invitation.pk, sent_at=None, failed_at=None
    ).update(failed_at=timezone.now(), last_error="superseded by a new round")
    rfq = invitation.rfq
    link = absolute_url(reverse("procurement:portal_rfq", args=[rfq.pk]))
    context = {"vendor": invitation.vendor, "rfq": rfq, "channels": list(rfq.channels.all()), "link": link}  # fmt: skip

    def render(user, *, unsubscribe_url=None):
        return make_message(
            "rfq-invitation",
            to=[user.email],
            language=user.language,
            reply_to=[rfq.owner.email],
            context={**context, "user": user},
        )

    drafts = [
        outbox.Draft(
            cause=f"invitation:{invitation.pk}:{rounds}",
            recipient=user,
            render=partial(render, user),
            object_id=invitation.pk,
        )
        for user in recipients
    ]
    return outbox.enqueue(INVITATION, drafts)


def invitation_notify(invitation_id: int, *, again: bool = False) -> None:
    """Queue now (inside the caller's transaction), send after it commits."""
    outbox.send_on_commit(invitation_emails_enqueue(invitation_id, again=again))


def send_invitation_emails(invitation_id: int) -> int:
    """Queue the first round if none was queued, and send what of it is due; return the
    messages sent (0 when it went out already)."""
    invitation_emails_enqueue(invitation_id)
    due = OutboxMessage.objects.filter(kind=INVITATION, object_id=invitation_id, sent_at=None)
    return _send_now(list(due))


def _invitation_settled(settled: outbox.Settled) -> None:
    if settled.sent:
        Invitation.objects.filter(pk=settled.object_id).update(notified_at=settled.last_sent_at)


outbox.on_settled(INVITATION, _invitation_settled)


# --- a new vendor user ------------------------------------------------------------------------


def vendor_user_welcome_enqueue(user_id: int) -> list[OutboxMessage]:
    """A new vendor user chooses a password through a one-time link."""
    user = User.objects.select_related("vendor").filter(pk=user_id, is_active=True).first()
    if user is None:
        return []

    def render(*, unsubscribe_url=None):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        return make_message(
            "vendor-user-welcome",
            to=[user.email],
            language=user.language,
            context={"user": user, "vendor": user.vendor, "link": absolute_url(path)},
        )

    return outbox.enqueue(WELCOME, [outbox.Draft(cause=f"user:{user.pk}", recipient=user, render=render)])  # fmt: skip


def vendor_user_welcome_notify(user_id: int) -> None:
    """Queued with the user (the caller's transaction), sent once it commits."""
    outbox.send_on_commit(vendor_user_welcome_enqueue(user_id))


def send_vendor_user_welcome(user_id: int) -> int:
    return _send_now(vendor_user_welcome_enqueue(user_id))


# --- award with approval (issue 12) -----------------------------------------------------------


def award_emails_enqueue(event: str, proposal_id: int) -> list[OutboxMessage]:
    """Each e-mail once: the managers on a proposal, the proposer on a decision, every invited
    vendor on an approval."""
    proposal = (
        AwardProposal.objects.select_related("rfq", "quote__vendor", "proposed_by", "decided_by")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        return []
    if event == "proposed":
        return _proposal_to_managers(proposal)
    rows = _decision_to_procurement(proposal)
    if event == "approved":
        rows += _outcome_to_vendors(proposal)
    return rows


def award_notify(event: str, proposal_id: int) -> None:
    """Queue now (inside the caller's transaction), send after it commits."""
    outbox.send_on_commit(award_emails_enqueue(event, proposal_id))


def send_award_emails(event: str, proposal_id: int) -> int:
    """Queue what is not queued yet and send it; return the messages sent."""
    return _send_now(award_emails_enqueue(event, proposal_id))


def _proposal_to_managers(proposal: AwardProposal) -> list[OutboxMessage]:
    if proposal.status != AwardStatus.PENDING:
        return []
    link = absolute_url(reverse("procurement:award_proposal", args=[proposal.pk]))

    def render(user, *, unsubscribe_url=None):
        return make_message(
            "award-proposed",
            to=[user.email],
            language=user.language,
            reply_to=[proposal.proposed_by.email],
            context={"user": user, "proposal": proposal, "rfq": proposal.rfq, "link": link},
        )

    managers = User.objects.filter(role__in=[Role.MANAGER], is_active=True).order_by("pk")
    drafts = [
        outbox.Draft(cause=f"proposal:{proposal.pk}", recipient=u, render=partial(render, u))
        for u in managers
    ]
    return outbox.enqueue(AWARD_PROPOSED, drafts)


def _decision_to_procurement(proposal: AwardProposal) -> list[OutboxMessage]:
    recipient = proposal.proposed_by
    if proposal.status == AwardStatus.PENDING or not recipient.is_active:
        return []
    link = absolute_url(reverse("procurement:award_proposal", args=[proposal.pk]))

    def render(*, unsubscribe_url=None):
        return make_message(
            "award-decided",
            to=[recipient.email],
            language=recipient.language,
            context={"user": recipient, "proposal": proposal, "rfq": proposal.rfq, "link": link},
        )

    draft = outbox.Draft(cause=f"proposal:{proposal.pk}", recipient=recipient, render=render)
    return outbox.enqueue(AWARD_DECIDED, [draft])


def _outcome_to_vendors(proposal: AwardProposal) -> list[OutboxMessage]:
    """Each invited vendor (not those that declined) hears once whether it won."""
    if proposal.status != AwardStatus.APPROVED:
        return []
    rfq = proposal.rfq
    link = absolute_url(reverse("procurement:portal_rfq", args=[rfq.pk]))
    invitations = Invitation.objects.filter(rfq=rfq).exclude(status=InvitationStatus.DECLINED)
    invitations = list(invitations.select_related("vendor"))
    users = User.objects.filter(
        vendor_id__in=[i.vendor_id for i in invitations], is_active=True
    ).order_by("pk")

    def render(user, invitation, *, unsubscribe_url=None):
        return make_message(
            "award-outcome",
            to=[user.email],
            language=user.language,
            reply_to=[rfq.owner.email],
            context={
                "user": user,
                "vendor": invitation.vendor,
                "rfq": rfq,
                "won": invitation.vendor_id == proposal.quote.vendor_id,
                "link": link,
            },
        )

    by_vendor = {i.vendor_id: i for i in invitations}
    drafts = [
        outbox.Draft(
            cause=f"proposal:{proposal.pk}",
            recipient=user,
            render=partial(render, user, by_vendor[user.vendor_id]),
        )
        for user in users
    ]
    return outbox.enqueue(AWARD_OUTCOME, drafts)
