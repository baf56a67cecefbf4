"""Best value criteria pages (issue 12): the RFQ's weights, must-haves and test cases, the
vendors' answers and the blind review. Each view: access check → form → service → redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import PROCUREMENT, VENDORS, role_required

from .. import selectors, services
from ..forms import (
    CriteriaForm,
    RatingsForm,
    TestCaseAnswersForm,
    TestCaseForm,
    add_service_errors,
)
from ..models import TestCase
from .base import INVALID

# --- criteria: weights, must-haves, test cases --------------------------------------------


@role_required(PROCUREMENT)
def rfq_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    form = CriteriaForm(request.POST or None, rfq=rfq)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rfq_criteria_update(
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
            "editable": rfq.is_editable,
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
            services.test_case_create(rfq=rfq, by=request.user, data=form.cleaned_data)
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
                services.test_case_update(
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
        services.test_case_delete(test_case=test_case, by=request.user)
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
    hidden = selectors.quote_answers_hidden(quote, request.user)
    form = TestCaseAnswersForm(request.POST or None, quote=quote, hide_answers=hidden)
    status = 200
    if request.method == "POST":
        if error is not None:
            for message in error.messages:
                form.add_error(None, message)
        elif form.is_valid():
            try:
                with transaction.atomic():
                    changed = services.test_case_answers_save(
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
        {
            "quote": quote,
            "form": form,
            "write_error": error.messages[0] if error else "",
            "answers_hidden": hidden,
        },
        status=status,
    )


# --- the blind review ----------------------------------------------------------------------


@role_required(PROCUREMENT)
def blind_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate every answer 1–5 without the vendors' names; they appear once all are rated."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    review = selectors.blind_review(rfq)
    items = [item for row in review.rows for item in row.answers]
    form = RatingsForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    for quote, ratings in form.ratings_by_quote().items():
                        services.test_case_ratings_save(
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
        (row, [(item, form[f"rating_{item.ref}"]) for item in row.answers]) for row in review.rows
    ]
    return render(
        request,
        "procurement/blind_review.html",
        {
            "rfq": rfq,
            "review": review,
            "rows": rows,
            "form": form,
            "can_rate": rfq.takes_ratings,
        },
        status=status,
    )
