"""Quotes: entering and changing them, the list, detail, history, document, and the buyer's risk register."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import EVERYONE, INTERNAL, PROCUREMENT, VENDORS, role_required

from .. import selectors, services
from ..display import quote_checks, template_sections
from ..filters import QuoteFilter
from ..forms import (
    ProcurementQuoteForm,
    QuoteForm,
    RiskItemForm,
    add_service_errors,
)
from ..models import Quote, QuoteStatus, Rfq, RiskItem
from .base import INVALID, paginate, query_without_page


def quote_form_response(
    request: HttpRequest, *, rfq: Rfq, quote: Quote | None, vendor=None
) -> HttpResponse:
    """The standard template: save a draft, submit, or (once submitted) save a revision."""
    user = request.user
    entering = vendor is None and quote is None  # procurement picks the vendor in the form
    form_class = ProcurementQuoteForm if entering else QuoteForm
    hide_answers = quote is not None and selectors.quote_answers_hidden(quote, user)
    form = form_class(
        request.POST or None,
        request.FILES or None,
        instance=quote,
        rfq=rfq,
        hide_answers=hide_answers,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            target_vendor = form.cleaned_data["vendor"] if entering else (vendor or quote.vendor)
            action = request.POST.get("action", "draft")
            kwargs = {
                "by": user,
                "data": form.template_data(),
                "offer_document": form.cleaned_data.get("offer_document"),
            }
            try:
                with transaction.atomic():  # the quote and its test-case answers, or nothing
                    if quote is not None and quote.status == QuoteStatus.SUBMITTED:
                        before = quote.revision
                        saved = services.quote_update(quote=quote, **kwargs)
                        done = (
                            _("Nothing changed: no new revision was made.")
                            if saved.revision == before
                            else _("Saved as revision %(revision)s.") % {"revision": saved.revision}
                        )
                    elif action == "submit":
                        saved = services.quote_submit(rfq=rfq, vendor=target_vendor, **kwargs)
                        done = _("The quote was submitted (revision 1).")
                    else:
                        saved = services.quote_save_draft(rfq=rfq, vendor=target_vendor, **kwargs)
                        done = _("The draft was saved. Submit it before the deadline.")
                    answered = services.test_case_answers_save(
                        quote=saved, by=user, answers=form.test_case_answers()
                    )
                    if answered and quote is not None and saved.revision == quote.revision:
                        done = _("Your answers were saved.")
                messages.success(request, done)
                return redirect("procurement:quote_detail", saved.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
    return render(
        request,
        "procurement/quote_form.html",
        {
            "form": form,
            "rfq": rfq,
            "quote": quote,
            "vendor": vendor or (quote.vendor if quote else None),
            "deadline": selectors.deadline_state(rfq),
            "entering": entering,
            "answers_hidden": hide_answers,
        },
        status=status,
    )


def refuse_locked(request: HttpRequest, error: ValidationError, fallback: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(fallback)


@role_required(PROCUREMENT)
def quote_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Procurement enters a quote it received (by e-mail or on paper) for an invited vendor."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    if not rfq.takes_entered_quotes:
        messages.error(request, _("Quotes can be entered while the RFQ is open or closed."))
        return redirect("procurement:rfq_detail", rfq.pk)
    return quote_form_response(request, rfq=rfq, quote=None)


@role_required(frozenset(PROCUREMENT | VENDORS))
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    error = services.quote_write_error(rfq=quote.rfq, vendor=quote.vendor, by=request.user)
    if error is not None and request.method != "POST":
        return refuse_locked(request, error, reverse("procurement:quote_detail", args=[pk]))
    return quote_form_response(request, rfq=quote.rfq, quote=quote, vendor=quote.vendor)


@role_required(INTERNAL)
def quote_list(request: HttpRequest) -> HttpResponse:
    filters = QuoteFilter(request.GET or None, queryset=selectors.quote_list(user=request.user))
    page = paginate(request, filters.qs)
    rows = [(q, quote_checks(q)) for q in page.object_list]
    return render(
        request,
        "procurement/quote_list.html",
        {"form": filters.form, "page": page, "rows": rows, "query": query_without_page(request)},
    )


@role_required(EVERYONE)
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    user = request.user
    rfq = quote.rfq
    in_scope = {c.channel for c in rfq.channels.all()}
    write_error = None
    if user.is_procurement or user.is_vendor:
        write_error = services.quote_write_error(rfq=rfq, vendor=quote.vendor, by=user)
    context = {
        "quote": quote,
        "rfq": rfq,
        "sections": template_sections(quote, in_scope=in_scope),
        "checks": quote_checks(quote),
        "deadline": selectors.deadline_state(rfq),
        "can_edit": (user.is_procurement or user.is_vendor) and write_error is None,
        "write_error": write_error.messages[0] if write_error is not None else "",
        "is_awarded": rfq.awarded_quote_id == quote.pk,
        # Blind review (issue 21): no answer paired with its vendor until all are rated.
        "answers_hidden": selectors.quote_answers_hidden(quote, user),
    }
    if user.is_internal:
        context["risks"] = list(quote.risks.all())
        context["risk_form"] = RiskItemForm() if user.is_procurement else None
    return render(request, "procurement/quote_detail.html", context)


@role_required(EVERYONE)
def quote_history(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    entries = selectors.quote_history(quote=quote, user=request.user)
    return render(
        request,
        "procurement/quote_history.html",
        {"quote": quote, "entries": list(reversed(entries))},
    )


@role_required(EVERYONE)
def quote_revision(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    record = selectors.get_quote_revision(quote=quote, user=request.user, history_id=history_id)
    snapshot = record.instance
    in_scope = {c.channel for c in quote.rfq.channels.all()}
    return render(
        request,
        "procurement/quote_revision.html",
        {
            "quote": quote,
            "record": record,
            "sections": template_sections(snapshot, in_scope=in_scope),
        },
    )


@role_required(EVERYONE)
def quote_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer PDF, behind the same access check as the quote (never a public media URL)."""
    quote = selectors.get_quote_for_user(request.user, pk)
    if not quote.offer_document:
        raise Http404
    try:
        handle = quote.offer_document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        content_type="application/pdf",
        filename=quote.offer_document.name.rsplit("/", 1)[-1],
    )


def _risk_for_user(request: HttpRequest, pk: int) -> RiskItem:
    risk = get_object_or_404(RiskItem.objects.select_related("quote"), pk=pk)
    selectors.get_quote_for_user(request.user, risk.quote_id)  # same reach as its quote
    return risk


@role_required(PROCUREMENT)
@require_POST
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    form = RiskItemForm(request.POST)
    if form.is_valid():
        try:
            services.risk_item_create(quote=quote, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk was added."))
            return redirect(reverse("procurement:quote_detail", args=[quote.pk]) + "#risks")
    return render(
        request, "procurement/risk_form.html", {"quote": quote, "form": form}, status=INVALID
    )


@role_required(PROCUREMENT)
def risk_update(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk_for_user(request, pk)
    form = RiskItemForm(request.POST or None, instance=risk)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.risk_item_update(risk=risk, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The risk was saved."))
                return redirect(
                    reverse("procurement:quote_detail", args=[risk.quote_id]) + "#risks"
                )
        status = INVALID
    return render(
        request,
        "procurement/risk_form.html",
        {"quote": risk.quote, "form": form, "risk": risk},
        status=status,
    )


@role_required(PROCUREMENT)
@require_POST
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk_for_user(request, pk)
    quote_id = risk.quote_id
    services.risk_item_delete(risk=risk, by=request.user)
    messages.success(request, _("The risk was removed."))
    return redirect(reverse("procurement:quote_detail", args=[quote_id]) + "#risks")
