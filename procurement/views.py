"""Procurement pages. Each view: access check → form → service → redirect (STYLE.md).

Roles: procurement (and admin) write; managers read the internal pages; vendors use the
portal and their own quotes only. Vendor scoping lives in the selectors (404 for another
vendor's objects); the wrong role gets 403 from `role_required` or the services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import EVERYONE, INTERNAL, PROCUREMENT, VENDORS, role_required

from . import criteria, selectors, services
from .display import quote_checks, template_sections
from .forms import (
    STATE_LABELS,
    AwardForm,
    CancelForm,
    DeclineForm,
    InviteForm,
    PortalFilterForm,
    ProcurementQuoteForm,
    QuoteFilterForm,
    QuoteForm,
    RfqFilterForm,
    RfqForm,
    RiskItemForm,
    VendorFilterForm,
    VendorForm,
    VendorUserForm,
    add_service_errors,
    channel_forms,
)
from .models import Quote, QuoteStatus, Rfq, RfqStatus, RiskItem
from .standing import standing_warnings

PER_PAGE = 25
INVALID = 422  # a form sent back with errors, like the API's 422


def _paginate(request: HttpRequest, items: QuerySet) -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- RFQs ----------------------------------------------------------------------------------


@role_required(INTERNAL)
def rfq_list(request: HttpRequest) -> HttpResponse:
    form = RfqFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rfqs = selectors.rfq_list(
        user=request.user,
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        owner_only=filters.get("mine", False),
    )
    page = _paginate(request, rfqs)
    return render(
        request,
        "procurement/rfq_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _rfq_form_response(request: HttpRequest, rfq: Rfq | None) -> HttpResponse:
    form = RfqForm(request.POST or None, instance=rfq)
    channels = channel_forms(request.POST or None, rfq=rfq)
    status = 200
    if request.method == "POST":
        if form.is_valid() and all(c.is_valid() for c in channels):
            rows = [row for c in channels if (row := c.as_row())]
            data = {name: form.cleaned_data[name] for name in services.RFQ_FIELDS}
            try:
                if rfq is None:
                    rfq = services.rfq_create(
                        by=request.user,
                        data=data,
                        channels=rows,
                        open_now=request.POST.get("action") == "open",
                    )
                    messages.success(request, _("The RFQ %(ref)s was created.") % {"ref": rfq})
                else:
                    rfq = services.rfq_update(rfq=rfq, by=request.user, data=data, channels=rows)
                    messages.success(request, _("The RFQ was saved."))
                return redirect("procurement:rfq_detail", rfq.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
    return render(
        request,
        "procurement/rfq_form.html",
        {"form": form, "channel_forms": channels, "rfq": rfq},
        status=status,
    )


@role_required(PROCUREMENT)
def rfq_create(request: HttpRequest) -> HttpResponse:
    return _rfq_form_response(request, None)


@role_required(PROCUREMENT)
def rfq_update(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    if rfq.status not in services.EDITABLE_RFQ_STATUSES:
        messages.error(request, _("This RFQ can no longer be changed."))
        return redirect("procurement:rfq_detail", rfq.pk)
    return _rfq_form_response(request, rfq)


@role_required(INTERNAL)
def rfq_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    user = request.user
    invitations = list(selectors.invitations_for_rfq(rfq=rfq, user=user))
    quotes = list(selectors.quotes_for_rfq(rfq=rfq, user=user))
    quote_rows = [(q, quote_checks(q)) for q in quotes]
    can_write = user.is_procurement
    invite_form = None
    if can_write and rfq.status in services.EDITABLE_RFQ_STATUSES:
        invite_form = InviteForm(queryset=selectors.vendors_to_invite(rfq))
    active_invitations = [i for i in invitations if i.state != "declined"]
    return render(
        request,
        "procurement/rfq_detail.html",
        {
            "rfq": rfq,
            "channels": list(rfq.channels.all()),
            "deadline": selectors.deadline_state(rfq),
            "invitations": invitations,
            "state_labels": STATE_LABELS,
            "quote_rows": quote_rows,
            "submitted_count": sum(q.status == QuoteStatus.SUBMITTED for q in quotes),
            "recommended_quotes": services.RECOMMENDED_QUOTES,
            "too_few_invited": len(active_invitations) < services.MINIMUM_INVITATIONS,
            "can_write": can_write,
            "invite_form": invite_form,
            "award_form": AwardForm(rfq=rfq) if can_write and rfq.status == "closed" else None,
            "cancel_form": CancelForm(),
        },
    )


@role_required(PROCUREMENT)
@require_POST
def rfq_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    # Closing asks first, on its own page (procurement:rfq_close).
    service = {"open": services.rfq_open}.get(action)
    if service is None:
        raise Http404
    try:
        service(rfq=rfq, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The RFQ is open: invited vendors were e-mailed."))
    return redirect("procurement:rfq_detail", rfq.pk)


@role_required(PROCUREMENT)
def rfq_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    form = CancelForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rfq_cancel(rfq=rfq, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"cancel_reason": "reason"})
            else:
                messages.success(request, _("The RFQ was cancelled."))
                return redirect("procurement:rfq_detail", rfq.pk)
        status = INVALID
    return render(request, "procurement/rfq_cancel.html", {"rfq": rfq, "form": form}, status=status)


@role_required(PROCUREMENT)
@require_POST
def rfq_award(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    form = AwardForm(request.POST, rfq=rfq)
    if not form.is_valid():
        messages.error(request, _("Choose one of this RFQ's quotes to award."))
        return redirect("procurement:rfq_detail", rfq.pk)
    try:
        services.rfq_award(rfq=rfq, quote=form.cleaned_data["quote"], by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The RFQ was awarded to %(vendor)s.") % {"vendor": form.cleaned_data["quote"].vendor},
        )
    return redirect("procurement:rfq_detail", rfq.pk)


@role_required(PROCUREMENT)
@require_POST
def rfq_invite(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    form = InviteForm(request.POST, queryset=selectors.vendors_to_invite(rfq))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("procurement:rfq_detail", rfq.pk)
    try:
        invited = services.invitations_create(
            rfq=rfq, vendors=form.cleaned_data["vendors"], by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("procurement:rfq_detail", rfq.pk)
    names = ", ".join(i.vendor.name for i in invited)
    if rfq.status == RfqStatus.OPEN:
        messages.success(request, _("Invited and e-mailed: %(names)s.") % {"names": names})
    else:
        messages.success(
            request,
            _("Invited: %(names)s. They are e-mailed when you open the RFQ.") % {"names": names},
        )
    for warning in services.invitation_warnings(rfq):
        messages.warning(request, warning)
    # DOMAIN.md §6: a stopped pilot or a poor month warns; it does not block.
    for warning in standing_warnings(i.vendor for i in invited):
        messages.warning(request, warning)
    return redirect("procurement:rfq_detail", rfq.pk)


@role_required(PROCUREMENT)
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    invitation = get_object_or_404(rfq.invitations, pk=invitation_pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The invitation is e-mailed again to %(vendor)s.") % {"vendor": invitation.vendor},
        )
    return redirect("procurement:rfq_detail", rfq.pk)


# --- quotes --------------------------------------------------------------------------------


def _quote_form_response(
    request: HttpRequest, *, rfq: Rfq, quote: Quote | None, vendor=None
) -> HttpResponse:
    """The standard template: save a draft, submit, or (once submitted) save a revision."""
    user = request.user
    entering = vendor is None and quote is None  # procurement picks the vendor in the form
    form_class = ProcurementQuoteForm if entering else QuoteForm
    form = form_class(request.POST or None, request.FILES or None, instance=quote, rfq=rfq)
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
                    answered = criteria.test_case_answers_save(
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
        },
        status=status,
    )


def _refuse_locked(request: HttpRequest, error: ValidationError, fallback: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(fallback)


@role_required(PROCUREMENT)
def quote_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Procurement enters a quote it received (by e-mail or on paper) for an invited vendor."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    if rfq.status not in (RfqStatus.OPEN, RfqStatus.CLOSED):
        messages.error(request, _("Quotes can be entered while the RFQ is open or closed."))
        return redirect("procurement:rfq_detail", rfq.pk)
    return _quote_form_response(request, rfq=rfq, quote=None)


@role_required(frozenset(PROCUREMENT | VENDORS))
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.get_quote_for_user(request.user, pk)
    error = services.quote_write_error(rfq=quote.rfq, vendor=quote.vendor, by=request.user)
    if error is not None and request.method != "POST":
        return _refuse_locked(request, error, reverse("procurement:quote_detail", args=[pk]))
    return _quote_form_response(request, rfq=quote.rfq, quote=quote, vendor=quote.vendor)


@role_required(INTERNAL)
def quote_list(request: HttpRequest) -> HttpResponse:
    form = QuoteFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    quotes = selectors.quote_list(
        user=request.user,
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        region=filters.get("region", ""),
        pricing_model=filters.get("pricing_model", ""),
        rate_flag=filters.get("rate_flag", ""),
    )
    page = _paginate(request, quotes)
    rows = [(q, quote_checks(q)) for q in page.object_list]
    return render(
        request,
        "procurement/quote_list.html",
        {"form": form, "page": page, "rows": rows, "query": _query_without_page(request)},
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


# --- risk register (procurement only; vendors never see it) -------------------------------


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


# --- vendors -------------------------------------------------------------------------------


@role_required(PROCUREMENT)
def vendor_list(request: HttpRequest) -> HttpResponse:
    form = VendorFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    vendors = selectors.vendor_list(
        search=filters.get("q", ""),
        region=filters.get("region", ""),
        certified=filters.get("certified", ""),
    )
    page = _paginate(request, vendors)
    return render(
        request,
        "procurement/vendor_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _vendor_form_response(request: HttpRequest, vendor=None) -> HttpResponse:
    form = VendorForm(request.POST or None, instance=vendor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if vendor is None:
                    vendor = services.vendor_create(by=request.user, data=data)
                    messages.success(request, _("The vendor was added."))
                else:
                    vendor = services.vendor_update(vendor=vendor, by=request.user, data=data)
                    messages.success(request, _("The vendor was saved."))
                return redirect("procurement:vendor_detail", vendor.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
    return render(
        request, "procurement/vendor_form.html", {"form": form, "vendor": vendor}, status=status
    )


@role_required(PROCUREMENT)
def vendor_create(request: HttpRequest) -> HttpResponse:
    return _vendor_form_response(request)


@role_required(PROCUREMENT)
def vendor_update(request: HttpRequest, pk: int) -> HttpResponse:
    # A vendor is a fresh instance per request: the form writes into it only on success.
    return _vendor_form_response(request, selectors.get_vendor(pk))


@role_required(PROCUREMENT)
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = selectors.get_vendor(pk)
    return render(
        request,
        "procurement/vendor_detail.html",
        {
            "vendor": vendor,
            "users": list(vendor.users.order_by("email")),
            "quotes": list(selectors.vendor_quotes(vendor)),
            "invitations": list(
                vendor.invitations.select_related("rfq").order_by("-invited_at")[:50]
            ),
            "user_form": VendorUserForm(),
        },
    )


@role_required(PROCUREMENT)
def vendor_user_create(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = selectors.get_vendor(pk)
    form = VendorUserForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.vendor_user_create(
                    vendor=vendor, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(email)s can now sign in for %(vendor)s: we e-mailed a link to choose a password."
                    )
                    % {"email": user.email, "vendor": vendor},
                )
                return redirect("procurement:vendor_detail", vendor.pk)
        status = INVALID
    return render(
        request,
        "procurement/vendor_user_form.html",
        {"vendor": vendor, "form": form},
        status=status,
    )


# --- vendor portal -------------------------------------------------------------------------


@role_required(VENDORS)
def portal(request: HttpRequest) -> HttpResponse:
    form = PortalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invitations = selectors.portal_invitations(
        user=request.user, search=filters.get("q", ""), state=filters.get("state", "")
    )
    page = _paginate(request, invitations)
    rows = [(i, selectors.deadline_state(i.rfq)) for i in page.object_list]
    return render(
        request,
        "procurement/portal.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "state_labels": STATE_LABELS,
            "query": _query_without_page(request),
        },
    )


@role_required(VENDORS)
def portal_rfq(request: HttpRequest, pk: int) -> HttpResponse:
    """The RFQ as a vendor sees it: the scope, its own invitation, its own quote. Nothing
    about other vendors, and not the buyer's in-house baseline."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    invitation = selectors.get_invitation_for_vendor(request.user, rfq)
    if services.invitation_mark_viewed(invitation=invitation, by=request.user) is not invitation:
        # Now viewed: read it again with its annotated state.
        invitation = selectors.get_invitation_for_vendor(request.user, rfq)
    quote = Quote.objects.filter(rfq=rfq, vendor_id=request.user.vendor_id).first()
    write_error = services.quote_write_error(rfq=rfq, vendor=request.user.vendor, by=request.user)
    return render(
        request,
        "procurement/portal_rfq.html",
        {
            "rfq": rfq,
            "channels": list(rfq.channels.all()),
            "deadline": selectors.deadline_state(rfq),
            "invitation": invitation,
            "state_label": STATE_LABELS[invitation.state],
            "quote": quote,
            "can_write": write_error is None,
            "write_error": write_error.messages[0] if write_error is not None else "",
            "can_decline": write_error is None
            and invitation.state not in ("submitted", "declined"),
            "decline_form": DeclineForm(),
            "is_awarded": quote is not None and rfq.awarded_quote_id == quote.pk,
        },
    )


@role_required(VENDORS)
def portal_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """Start or continue the vendor's own quote on this RFQ."""
    rfq = selectors.get_rfq_for_user(request.user, pk)
    vendor = request.user.vendor
    quote = Quote.objects.filter(rfq=rfq, vendor=vendor).first()
    if quote is not None:
        return redirect("procurement:quote_edit", quote.pk)
    error = services.quote_write_error(rfq=rfq, vendor=vendor, by=request.user)
    if error is not None and request.method != "POST":
        return _refuse_locked(request, error, reverse("procurement:portal_rfq", args=[rfq.pk]))
    return _quote_form_response(request, rfq=rfq, quote=None, vendor=vendor)


@role_required(VENDORS)
def portal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    invitation = selectors.get_invitation_for_vendor(request.user, rfq)
    form = DeclineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.invitation_decline(
                    invitation=invitation, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"decline_reason": "reason"})
            else:
                messages.success(
                    request, _("You declined this RFQ. Thank you for letting us know.")
                )
                return redirect("procurement:portal")
        status = INVALID
    return render(
        request,
        "procurement/portal_decline.html",
        {"rfq": rfq, "form": form},
        status=status,
    )
