"""Invitations: who is asked to quote, e-mailed once the RFQ is open, and declines."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..emails import invitation_notify
from ..models import (
    Invitation,
    InvitationStatus,
    Quote,
    QuoteStatus,
    Rfq,
    RfqStatus,
    Vendor,
)
from .base import locked, require_procurement, save_with_history

# The cost article asks for three quotes on the same scope; fewer than two is no comparison.
RECOMMENDED_QUOTES = 3
MINIMUM_INVITATIONS = 2


def notify_on_commit(invitation_id: int, *, again: bool = False) -> None:
    """Queue the e-mails in this transaction (the outbox), send them once it commits."""
    invitation_notify(invitation_id, again=again)


@transaction.atomic
def invitation_create(*, rfq: Rfq, vendor: Vendor, by: User) -> Invitation:
    """Invite a vendor to quote. Its users are e-mailed once the RFQ is open (now, if it is).
    A vendor that declined may be invited again."""
    require_procurement(by)
    rfq = locked(Rfq, rfq.pk)
    if not rfq.is_editable:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s: no more vendors can be invited.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if rfq.status == RfqStatus.OPEN and rfq.quote_deadline <= timezone.now():
        raise ValidationError(
            {
                "quote_deadline": _(
                    "The quote deadline has passed: extend it before inviting more vendors."
                )
            }
        )
    invitation = Invitation.objects.filter(rfq=rfq, vendor=vendor).first()
    if invitation is not None and invitation.status != InvitationStatus.DECLINED:
        raise ValidationError({"vendor": _("%(vendor)s is already invited.") % {"vendor": vendor}})
    if invitation is None:
        invitation = Invitation(rfq=rfq, vendor=vendor, invited_by=by)
    else:
        invitation.invited_by = by
        invitation.declined_at = None
        invitation.decline_reason = ""
        invitation.notified_at = None
    invitation.status = InvitationStatus.INVITED
    save_with_history(invitation, by=by)
    if rfq.status == RfqStatus.OPEN:
        notify_on_commit(invitation.pk, again=True)  # a new invitation after a decline: again
    return invitation


@transaction.atomic
def invitations_create(*, rfq: Rfq, vendors: Iterable[Vendor], by: User) -> list[Invitation]:
    """Invite several vendors at once: all or none."""
    return [invitation_create(rfq=rfq, vendor=v, by=by) for v in vendors]


def invitation_warnings(rfq: Rfq) -> list[str]:
    """Not a block: the round can go on, but procurement should know (cost article: three
    quotes on the same scope)."""
    active = rfq.invitations.exclude(status=InvitationStatus.DECLINED).count()
    if active >= MINIMUM_INVITATIONS:
        return []
    if active == 0:
        return [_("No vendor is invited yet. Invite at least two, preferably three.")]
    return [
        _(
            "Only one vendor is invited. Invite at least two, preferably three, so the "
            "quotes can be compared on the same scope."
        )
    ]


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """E-mail the vendor's users again (a new user, a lost message)."""
    require_procurement(by)
    invitation = locked(Invitation, invitation.pk)
    if invitation.rfq.status != RfqStatus.OPEN:
        raise ValidationError({"status": _("Only invitations to an open RFQ can be e-mailed.")})
    if invitation.status == InvitationStatus.DECLINED:
        raise ValidationError({"status": _("The vendor declined; invite it again instead.")})
    Invitation.objects.filter(pk=invitation.pk).update(notified_at=None)
    notify_on_commit(invitation.pk, again=True)
    return invitation


def invitation_mark_viewed(*, invitation: Invitation, by: User) -> Invitation:
    """The vendor opened the RFQ: invited → viewed. Only the vendor's own users count."""
    if not (by.is_vendor and by.vendor_id == invitation.vendor_id):
        return invitation
    if invitation.status != InvitationStatus.INVITED:
        return invitation
    with transaction.atomic():
        invitation = locked(Invitation, invitation.pk)
        if invitation.status == InvitationStatus.INVITED:
            invitation.status = InvitationStatus.VIEWED
            invitation.viewed_at = timezone.now()
            save_with_history(invitation, by=by)
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User, reason: str) -> Invitation:
    """The vendor will not quote, with its reason (procurement may record a decline it
    received by phone or e-mail)."""
    if by.is_vendor:
        if by.vendor_id != invitation.vendor_id:
            raise PermissionDenied
    else:
        require_procurement(by)
    invitation = locked(Invitation, invitation.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decline_reason": _("Tell us why you decline.")})
    if invitation.status == InvitationStatus.DECLINED:
        raise ValidationError({"status": _("This invitation is already declined.")})
    if invitation.rfq.status != RfqStatus.OPEN:
        raise ValidationError({"status": _("Only an invitation to an open RFQ can be declined.")})
    if Quote.objects.filter(
        rfq_id=invitation.rfq_id, vendor_id=invitation.vendor_id, status=QuoteStatus.SUBMITTED
    ).exists():
        raise ValidationError(
            {"status": _("A quote was already submitted; it cannot be declined any more.")}
        )
    invitation.status = InvitationStatus.DECLINED
    invitation.declined_at = timezone.now()
    invitation.decline_reason = reason
    save_with_history(invitation, by=by)
    return invitation
