"""Award with approval over the API (issue 12): procurement proposes (the comparison judges
the quote), a manager approves or rejects. There is no other way to award an RFQ.

`POST /rfqs/{id}/award-proposals` (procurement), `GET /rfqs/{id}/award-proposals`
(procurement, managers), `POST /award-proposals/{id}/approve` and `…/reject` (managers).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from accounts.permissions import INTERNAL, MANAGERS, PROCUREMENT, check_role
from common.api import ApiValidationError
from costing.awards import award_assessment, comparison_for_award
from costing.engine import EngineInputError
from costing.messages import engine_error_text
from procurement import awards
from procurement.models import AwardProposal, Quote
from procurement.selectors import get_rfq_for_user

router = Router(tags=["awards"])


class AwardProposalIn(Schema):
    quote_id: int
    reason: str = Field(max_length=5000)
    override_reason: str = Field(
        "",
        max_length=5000,
        description="Required when the quote is excluded or not the best value.",
    )


class AwardDecisionIn(Schema):
    note: str = Field("", max_length=5000, description="Required to reject.")


class AwardProposalOut(Schema):
    id: int
    rfq_id: int
    quote_id: int
    vendor_id: int
    status: str = Field(description="pending, approved or rejected")
    reason: str
    override_reason: str
    best_value: bool
    excluded: bool
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str


def _out(proposal: AwardProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "rfq_id": proposal.rfq_id,
        "quote_id": proposal.quote_id,
        "vendor_id": proposal.quote.vendor_id,
        "status": proposal.status,
        "reason": proposal.reason,
        "override_reason": proposal.override_reason,
        "best_value": proposal.is_best_value,
        "excluded": proposal.is_excluded,
        "proposed_by": proposal.proposed_by.email,
        "proposed_at": proposal.proposed_at,
        "decided_by": proposal.decided_by.email if proposal.decided_by else None,
        "decided_at": proposal.decided_at,
        "decision_note": proposal.decision_note,
    }


def _reject(exc: ValidationError) -> None:
    raise ApiValidationError.from_django(exc) from exc


@router.get("/rfqs/{id}/award-proposals", response=list[AwardProposalOut])
def award_proposal_list(request: HttpRequest, id: int):
    """The RFQ's award proposals, newest first (procurement, managers)."""
    check_role(request.auth, INTERNAL)
    rfq = get_rfq_for_user(request.auth, id)
    return [_out(p) for p in awards.award_proposals_for_rfq(rfq)]


@router.post("/rfqs/{id}/award-proposals", response={201: AwardProposalOut})
def award_propose(request: HttpRequest, id: int, payload: AwardProposalIn):
    """Propose to award the RFQ (closed) to one of its submitted quotes; the managers are
    e-mailed. Nothing is awarded until a manager approves."""
    check_role(request.auth, PROCUREMENT)
    rfq = get_rfq_for_user(request.auth, id)
    quote = Quote.objects.filter(pk=payload.quote_id, rfq=rfq).select_related("vendor").first()
    if quote is None:
        raise ApiValidationError({"quote_id": "No quote with this id on this RFQ."})
    try:
        comparison = comparison_for_award(rfq)
    except EngineInputError as exc:
        raise ApiValidationError({exc.field: engine_error_text(exc)}) from None
    try:
        proposal = awards.award_propose(
            rfq=rfq,
            quote=quote,
            by=request.auth,
            reason=payload.reason,
            override_reason=payload.override_reason,
            assessment=award_assessment(comparison, quote),
        )
    except ValidationError as exc:
        _reject(exc)
    return Status(201, _out(awards.get_award_proposal_for_user(request.auth, proposal.pk)))


@router.post("/award-proposals/{id}/approve", response=AwardProposalOut)
def award_approve(request: HttpRequest, id: int, payload: AwardDecisionIn):
    """A manager approves: the RFQ is awarded and the invited vendors are e-mailed."""
    check_role(request.auth, MANAGERS)
    proposal = awards.get_award_proposal_for_user(request.auth, id)
    try:
        awards.award_approve(proposal=proposal, by=request.auth, note=payload.note)
    except ValidationError as exc:
        _reject(exc)
    return _out(awards.get_award_proposal_for_user(request.auth, id))


@router.post("/award-proposals/{id}/reject", response=AwardProposalOut)
def award_reject(request: HttpRequest, id: int, payload: AwardDecisionIn):
    """A manager rejects, with a note; the RFQ stays closed."""
    check_role(request.auth, MANAGERS)
    proposal = awards.get_award_proposal_for_user(request.auth, id)
    try:
        awards.award_reject(proposal=proposal, by=request.auth, note=payload.note)
    except ValidationError as exc:
        _reject(exc)
    return _out(awards.get_award_proposal_for_user(request.auth, id))
