"""Propose an award from the comparison (issue 12): choose the quote, say why, then confirm
on a second step that says what will happen. A manager approves it in procurement's pages;
nothing is awarded here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import PROCUREMENT, role_required
from costing.awards import award_assessment, comparison_for_award
from costing.engine import EngineInputError
from costing.messages import engine_error_text
from costing.selectors import rfq_for_costing
from procurement import services
from procurement.checks import GAP_LABELS
from procurement.forms import AwardProposeForm, add_service_errors
from procurement.models import RfqStatus

INVALID = 422


@role_required(PROCUREMENT)
def award_propose(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = rfq_for_costing(pk=pk)
    if rfq.status != RfqStatus.CLOSED:
        messages.error(request, _("Close the RFQ before proposing an award."))
        return redirect("procurement:rfq_detail", rfq.pk)
    try:
        comparison = comparison_for_award(rfq)
    except EngineInputError as exc:
        messages.error(request, engine_error_text(exc))
        return redirect("procurement:rfq_detail", rfq.pk)
    form = AwardProposeForm(request.POST or None, rfq=rfq)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            quote = form.cleaned_data["quote"]
            assessment = award_assessment(comparison, quote)
            if (
                services.award_needs_override(assessment)
                and not form.cleaned_data["override_reason"].strip()
            ):
                form.add_error(
                    "override_reason",
                    _(
                        "This quote is excluded (a must-have is open): give the reason to award it anyway."
                    )
                    if assessment.is_excluded
                    else _("This quote is not the best value: give the reason to award it anyway."),
                )
            elif request.POST.get("confirmed") != "1":
                # Step 2: say what proposing will do before doing it.
                return render(
                    request,
                    "costing/award_propose_confirm.html",
                    {
                        "rfq": rfq,
                        "form": form,
                        "quote": quote,
                        "assessment": assessment,
                        "missing_labels": [
                            str(GAP_LABELS.get(k, k)) for k in assessment.missing_must_haves
                        ],
                        "best": comparison.best_value_column,
                    },
                )
            else:
                try:
                    proposal = services.award_propose(
                        rfq=rfq,
                        quote=quote,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        override_reason=form.cleaned_data["override_reason"],
                        assessment=assessment,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("The award is proposed: the managers are asked to approve it."),
                    )
                    return redirect("procurement:award_proposal", proposal.pk)
        status = INVALID
    return render(
        request,
        "costing/award_propose.html",
        {"rfq": rfq, "form": form, "comparison": comparison},
        status=status,
    )
