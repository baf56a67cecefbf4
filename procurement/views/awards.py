"""Award with approval (issue 12): the proposals awaiting a manager, the approve and reject
confirmation pages, the award memo PDF. The proposal itself is made on the comparison
(costing:award_propose), which judges the quote."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.permissions import INTERNAL, MANAGERS, PROCUREMENT, role_required

from .. import selectors, services
from ..checks import GAP_LABELS, REASON_LABELS, RECOMMENDATION_LABELS
from ..forms import WEIGHT_LABELS, AwardDecisionForm, add_service_errors
from ..models import Invitation, InvitationStatus
from .base import INVALID

# --- award proposals -----------------------------------------------------------------------


def _proposal_context(proposal) -> dict:
    snapshot = proposal.snapshot or {}
    scores = snapshot.get("scores") or {}
    return {
        "proposal": proposal,
        "rfq": proposal.rfq,
        "score_rows": [
            (WEIGHT_LABELS[key], scores.get(key), (snapshot.get("weights") or {}).get(key))
            for key in WEIGHT_LABELS
            if key in scores
        ],
        "missing_must_have_labels": [
            str(GAP_LABELS.get(k, k)) for k in snapshot.get("missing_must_haves", [])
        ],
        "gap_labels": [str(GAP_LABELS.get(k, k)) for k in snapshot.get("gaps", [])],
        # Issue 24: the comparison's verdict when proposed (costing.comparison.quote_verdict).
        "recommendation_label": str(RECOMMENDATION_LABELS.get(snapshot.get("recommendation"), ""))
        if snapshot.get("recommendation")
        else "",
        "recommendation_reasons": [
            str(REASON_LABELS.get(k, k)) for k in snapshot.get("recommendation_reasons", [])
        ],
        "others": Invitation.objects.filter(rfq=proposal.rfq)
        .exclude(status=InvitationStatus.DECLINED)
        .exclude(vendor_id=proposal.quote.vendor_id)
        .select_related("vendor"),
    }


@role_required(MANAGERS | PROCUREMENT)
def award_proposal_list(request: HttpRequest) -> HttpResponse:
    """The managers' alert: proposals awaiting approval (and the latest decisions)."""
    return render(
        request,
        "procurement/award_proposal_list.html",
        {
            "pending": list(selectors.pending_award_proposals()),
            "recent": list(selectors.decided_award_proposals()[:20]),
        },
    )


@role_required(INTERNAL)
def award_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_award_proposal_for_user(request.user, pk)
    self_decision = services.award_self_decision_reason(proposal, request.user)
    return render(
        request,
        "procurement/award_proposal.html",
        {
            **_proposal_context(proposal),
            "can_decide": request.user.is_manager and not self_decision,
            "cannot_decide_reason": self_decision if request.user.is_manager else None,
        },
    )


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    proposal = selectors.get_award_proposal_for_user(request.user, pk)
    self_decision = services.award_self_decision_reason(proposal, request.user)
    if self_decision:  # segregation of duties: the proposer never decides (an admin neither)
        raise PermissionDenied(self_decision)
    form = AwardDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if approve:
                    services.award_approve(
                        proposal=proposal, by=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    services.award_reject(
                        proposal=proposal, by=request.user, note=form.cleaned_data["note"]
                    )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"decision_note": "note"})
            else:
                if approve:
                    messages.success(
                        request,
                        _("Approved: %(ref)s is awarded to %(vendor)s.")
                        % {"ref": proposal.rfq.reference, "vendor": proposal.quote.vendor},
                    )
                else:
                    messages.success(request, _("The proposal was rejected."))
                return redirect("procurement:award_proposal", proposal.pk)
        status = INVALID
    return render(
        request,
        "procurement/award_decide.html",
        {**_proposal_context(proposal), "form": form, "approve": approve},
        status=status,
    )


@role_required(MANAGERS)
def award_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@role_required(MANAGERS)
def award_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


def award_memo_document(proposal, request: HttpRequest):
    """The award memo laid out by WeasyPrint (a `Document`: its pages can be counted)."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string(
        "procurement/award_memo_pdf.html", _proposal_context(proposal), request=request
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).render()


@role_required(INTERNAL)
def award_memo_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-page award memo for the file: the quote, why, the scores, the risks, who
    proposed and who approved (WeasyPrint, as the pilot scorecard PDF)."""
    proposal = selectors.get_award_proposal_for_user(request.user, pk)
    pdf = award_memo_document(proposal, request).write_pdf()
    filename = (
        f"award-memo-{slugify(proposal.rfq.reference)}-{slugify(proposal.quote.vendor.name)}.pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
