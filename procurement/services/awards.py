"""Award with approval: procurement proposes, a manager approves or rejects (docs/domain.md §4,
issue 12). This is the only way an RFQ becomes awarded.

The comparison (scores, best value, exclusions) lives in costing, above procurement: the
caller passes its verdict on the quote as an `AwardAssessment`, and the service applies
the rules — an excluded quote or one that is not the best value needs a written reason,
kept with the proposal and in its history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common import events

from .. import emails
from ..models import AwardProposal, AwardStatus, Quote, QuoteStatus, Rfq, RfqStatus


@dataclass(frozen=True)
class AwardAssessment:
    """The comparison's verdict on one quote when it is proposed."""

    is_best_value: bool
    is_excluded: bool
    missing_must_haves: tuple[str, ...] = ()
    snapshot: dict[str, Any] = field(default_factory=dict)


def _require(by: User, allowed: bool) -> None:
    if not (by.is_authenticated and allowed):
        raise PermissionDenied


def award_self_decision_reason(proposal: AwardProposal, user: User) -> str | None:
    """Segregation of duties: whoever proposed an award may not approve or reject it, an
    admin included (a second person must decide). The reason, or None when `user` may."""
    if user.is_authenticated and proposal.proposed_by_id == user.pk:
        return _(
            "You proposed this award, so another manager must approve or reject it "
            "(a second person decides every award)."
        )
    return None


def _require_second_person(proposal: AwardProposal, by: User) -> None:
    reason = award_self_decision_reason(proposal, by)
    if reason:
        raise PermissionDenied(reason)


def award_needs_override(assessment: AwardAssessment) -> bool:
    """An excluded quote, or one that is not the best value, is awarded only with a reason."""
    return assessment.is_excluded or not assessment.is_best_value


@transaction.atomic
def award_propose(
    *,
    rfq: Rfq,
    quote: Quote,
    by: User,
    reason: str,
    assessment: AwardAssessment,
    override_reason: str = "",
) -> AwardProposal:
    """A closed RFQ, one submitted quote of it, no other proposal pending."""
    _require(by, by.is_procurement)
    rfq = Rfq.objects.select_for_update().get(pk=rfq.pk)
    if not rfq.is_closed:
        raise ValidationError(
            {
                "status": _("Close the RFQ before proposing an award; it is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if quote.rfq_id != rfq.pk:
        raise ValidationError({"quote": _("This quote does not answer this RFQ.")})
    if quote.status != QuoteStatus.SUBMITTED:
        raise ValidationError({"quote": _("Only a submitted quote can be awarded.")})
    if rfq.award_proposals.filter(status=AwardStatus.PENDING).exists():
        raise ValidationError(
            {"status": _("An award proposal for this RFQ is already awaiting approval.")}
        )
    errors = {}
    reason = (reason or "").strip()
    override_reason = (override_reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why this quote should win.")
    if award_needs_override(assessment) and not override_reason:
        errors["override_reason"] = (
            _("This quote is excluded (a must-have is open): give the reason to award it anyway.")
            if assessment.is_excluded
            else _("This quote is not the best value: give the reason to award it anyway.")
        )
    if errors:
        raise ValidationError(errors)
    proposal = AwardProposal(
        rfq=rfq,
        quote=quote,
        reason=reason,
        override_reason=override_reason if award_needs_override(assessment) else "",
        is_best_value=assessment.is_best_value,
        is_excluded=assessment.is_excluded,
        snapshot={
            **assessment.snapshot,
            "missing_must_haves": list(assessment.missing_must_haves),
        },
        proposed_by=by,
    )
    proposal.full_clean()
    proposal._history_user = by
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:  # a second click raced the first past the check above
        raise ValidationError(
            {"status": _("An award proposal for this RFQ is already awaiting approval.")}
        ) from exc
    _after_commit("proposed", proposal.pk)
    return proposal


def _pending(proposal: AwardProposal) -> AwardProposal:
    proposal = (
        AwardProposal.objects.select_for_update().select_related("rfq", "quote").get(pk=proposal.pk)
    )
    if proposal.status != AwardStatus.PENDING:
        raise ValidationError(
            {
                "status": _("This proposal is already %(status)s.")
                % {"status": proposal.get_status_display().lower()}
            }
        )
    return proposal


@transaction.atomic
def award_approve(*, proposal: AwardProposal, by: User, note: str = "") -> AwardProposal:
    """A manager approves: the RFQ is awarded to the quote, the vendors are told."""
    _require(by, by.is_manager)
    proposal = _pending(proposal)
    _require_second_person(proposal, by)
    rfq = Rfq.objects.select_for_update().get(pk=proposal.rfq_id)
    if not rfq.is_closed:
        raise ValidationError(
            {
                "status": _("Only a closed RFQ can be awarded; this one is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    now = timezone.now()
    proposal.status = AwardStatus.APPROVED
    proposal.decided_by = by
    proposal.decided_at = now
    proposal.decision_note = (note or "").strip()
    proposal._history_user = by
    proposal.save()
    rfq.status = RfqStatus.AWARDED
    rfq.awarded_quote = proposal.quote
    rfq.full_clean()
    rfq._history_user = by
    rfq.save()
    _after_commit("approved", proposal.pk)
    events.emit(
        events.AWARD_APPROVED,
        [
            {
                "award_proposal_id": proposal.pk,
                "rfq_id": rfq.pk,
                "quote_id": proposal.quote_id,
                "vendor_id": proposal.quote.vendor_id,
                "decided_at": now.isoformat(),
            }
        ],
    )
    return proposal


@transaction.atomic
def award_reject(*, proposal: AwardProposal, by: User, note: str) -> AwardProposal:
    """A manager rejects, saying why; the RFQ stays closed for another proposal."""
    _require(by, by.is_manager)
    _require_second_person(proposal, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"decision_note": _("Say why the proposal is rejected.")})
    proposal = _pending(proposal)
    proposal.status = AwardStatus.REJECTED
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal._history_user = by
    proposal.save()
    _after_commit("rejected", proposal.pk)
    return proposal


def _after_commit(event: str, proposal_id: int) -> None:
    """Queue the e-mails in this transaction (the outbox), send them once it commits."""
    emails.award_notify(event, proposal_id)
