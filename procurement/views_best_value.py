"""Best value pages (issue 12): the RFQ's criteria (weights, must-haves, test cases), the
vendors' test-case answers, the blind review, closing with a confirmation, and the award
proposals' approval (the proposal itself is made on the comparison, in costing).

Each view: access check → form → service → redirect (STYLE.md). Every irreversible step
asks on a page of its own what it will do; nothing relies on a JavaScript confirm.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import INTERNAL, MANAGERS, PROCUREMENT, VENDORS, role_required

from . import awards, criteria, selectors, services
from .checks import GAP_LABELS
from .forms import (
    WEIGHT_LABELS,
    AwardDecisionForm,
    CriteriaForm,
    RatingsForm,
    TestCaseAnswersForm,
    TestCaseForm,
    add_service_errors,
)
from .models import AwardStatus, Invitation, InvitationStatus, TestCase

INVALID = 422


# --- criteria: weights, must-haves, test cases --------------------------------------------


@role_required(PROCUREMENT)
def rfq_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    editable = rfq.status in criteria.EDITABLE_STATUSES
    form = CriteriaForm(request.POST or None, rfq=rfq)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                criteria.rfq_criteria_update(
                    rfq=rfq,
                    by=request.user,
                    weights=form.weights,
                    must_haves=form.cleaned_data["must_haves"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The evaluation criteria were saved."))
                return redirect("procurement:rfq_criteria", rfq.pk)
        status = INVALID
    return render(
        request,
        "procurement/rfq_criteria.html",
        {
            "rfq": rfq,
            "form": form,
            "editable": editable,
            "test_cases": list(rfq.test_cases.all()),
            "test_case_form": TestCaseForm(),
        },
        status=status,
    )


@role_required(PROCUREMENT)
@require_POST
def test_case_create(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    form = TestCaseForm(request.POST)
    if form.is_valid():
        try:
            criteria.test_case_create(rfq=rfq, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The test case was added."))
            return redirect(reverse("procurement:rfq_criteria", args=[rfq.pk]) + "#test-cases")
    return render(
        request,
        "procurement/test_case_form.html",
        {"rfq": rfq, "form": form},
        status=INVALID,
    )


def _test_case_for_user(request: HttpRequest, pk: int) -> TestCase:
    test_case = get_object_or_404(TestCase.objects.select_related("rfq"), pk=pk)
    selectors.get_rfq_for_user(request.user, test_case.rfq_id)  # same reach as its RFQ
    return test_case


@role_required(PROCUREMENT)
def test_case_update(request: HttpRequest, pk: int) -> HttpResponse:
    test_case = _test_case_for_user(request, pk)
    form = TestCaseForm(request.POST or None, instance=test_case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                criteria.test_case_update(
                    test_case=test_case, by=request.user, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The test case was saved."))
                return redirect(
                    reverse("procurement:rfq_criteria", args=[test_case.rfq_id]) + "#test-cases"
                )
        status = INVALID
    return render(
        request,
        "procurement/test_case_form.html",
        {"rfq": test_case.rfq, "form": form, "test_case": test_case},
        status=status,
    )


@role_required(PROCUREMENT)
@require_POST
def test_case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    test_case = _test_case_for_user(request, pk)
    rfq_id = test_case.rfq_id
    try:
        criteria.test_case_delete(test_case=test_case, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The test case was removed."))
    return redirect(reverse("procurement:rfq_criteria", args=[rfq_id]) + "#test-cases")


# --- the vendor's answers ------------------------------------------------------------------


@role_required(frozenset(PROCUREMENT | VENDORS))
def quote_test_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote's answers to the RFQ's test cases, written while the quote may be written."""
    quote = selectors.get_quote_for_user(request.user, pk)
    error = services.quote_write_error(rfq=quote.rfq, vendor=quote.vendor, by=request.user)
    form = TestCaseAnswersForm(request.POST or None, quote=quote)
    status = 200
    if request.method == "POST":
        if error is not None:
            for message in error.messages:
                form.add_error(None, message)
        elif form.is_valid():
            try:
                with transaction.atomic():
                    changed = criteria.test_case_answers_save(
                        quote=quote, by=request.user, answers=form.answers
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changed:
                    messages.success(request, _("Your answers were saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("procurement:quote_detail", quote.pk)
        status = INVALID
    return render(
        request,
        "procurement/quote_test_cases.html",
        {"quote": quote, "form": form, "write_error": error.messages[0] if error else ""},
        status=status,
    )


# --- the blind review ----------------------------------------------------------------------


@role_required(PROCUREMENT)
def blind_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate every answer 1–5 without the vendors' names; they appear once all are rated."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    review = criteria.blind_review(rfq)
    answers = [item.answer for row in review.rows for item in row.answers]
    form = RatingsForm(request.POST or None, answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    for quote, ratings in form.ratings_by_quote().items():
                        criteria.test_case_ratings_save(
                            quote=quote, by=request.user, ratings=ratings
                        )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The ratings were saved."))
                return redirect("procurement:blind_review", rfq.pk)
        status = INVALID
    rows = [
        (row, [(item, form[f"rating_{item.answer.pk}"]) for item in row.answers])
        for row in review.rows
    ]
    return render(
        request,
        "procurement/blind_review.html",
        {
            "rfq": rfq,
            "review": review,
            "rows": rows,
            "form": form,
            "can_rate": rfq.status in criteria.RATABLE_STATUSES,
        },
        status=status,
    )


# --- closing, with a confirmation ----------------------------------------------------------


@role_required(PROCUREMENT)
def rfq_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET says what closing does; POST closes."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.rfq_close(rfq=rfq, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The RFQ is closed: vendors can no longer change their quotes.")
            )
        return redirect("procurement:rfq_detail", rfq.pk)
    submitted = rfq.quotes.filter(status="submitted").count()
    return render(
        request,
        "procurement/rfq_close_confirm.html",
        {
            "rfq": rfq,
            "submitted": submitted,
            "without_quote": rfq.invitations.exclude(status=InvitationStatus.DECLINED).count()
            - submitted,
        },
    )


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
            "pending": list(awards.pending_award_proposals()),
            "recent": list(
                awards.AwardProposal.objects.exclude(status=AwardStatus.PENDING)
                .select_related("rfq", "quote__vendor", "proposed_by", "decided_by")
                .order_by("-decided_at")[:20]
            ),
        },
    )


@role_required(INTERNAL)
def award_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = awards.get_award_proposal_for_user(request.user, pk)
    return render(
        request,
        "procurement/award_proposal.html",
        {**_proposal_context(proposal), "can_decide": request.user.is_manager},
    )


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    proposal = awards.get_award_proposal_for_user(request.user, pk)
    form = AwardDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if approve:
                    awards.award_approve(
                        proposal=proposal, by=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    awards.award_reject(
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
    proposal = awards.get_award_proposal_for_user(request.user, pk)
    pdf = award_memo_document(proposal, request).write_pdf()
    filename = (
        f"award-memo-{slugify(proposal.rfq.reference)}-{slugify(proposal.quote.vendor.name)}.pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
