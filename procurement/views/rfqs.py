"""RFQ pages: the list, the form, the detail page and the life-cycle buttons."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import INTERNAL, PROCUREMENT, role_required
from common.formats import format_deadline

from .. import selectors, services
from ..display import quote_checks
from ..filters import RfqFilter
from ..forms import (
    STATE_LABELS,
    CancelForm,
    InviteForm,
    RfqForm,
    add_channel_errors,
    add_service_errors,
    channel_forms,
)
from ..models import InvitationStatus, QuoteStatus, Rfq
from ..scope import weights_count_error
from ..templatetags.procurement_tags import channel_label
from .base import INVALID, paginate, query_without_page


@role_required(INTERNAL)
def rfq_list(request: HttpRequest) -> HttpResponse:
    filters = RfqFilter(
        request.GET or None, queryset=selectors.rfq_list(user=request.user), request=request
    )
    page = paginate(request, filters.qs)
    _list_rows(page.object_list)
    return render(
        request,
        "procurement/rfq_list.html",
        {"form": filters.form, "page": page, "query": query_without_page(request)},
    )


def _list_rows(rfqs) -> None:
    """What each row shows, worked out once per row here rather than by tags and filters per
    cell (issue 22): the link from one reversed prefix, the channels as one text, the
    deadline formatted. The template escapes the texts as before."""
    link = reverse("procurement:rfq_detail", args=[0])
    head, tail = link.rsplit("/0/", 1)
    for rfq in rfqs:
        rfq.detail_url = f"{head}/{rfq.pk}/{tail}"
        rfq.channels_text = ", ".join(
            f"{channel_label(channel.channel)} ({localize(channel.volume_per_month)})"
            for channel in rfq.channels.all()
        )
        rfq.deadline_text = format_deadline(rfq.quote_deadline)


def _weights_beside_other_errors(form: RfqForm, channels: list) -> None:
    """The weights-per-open-hour rule (the service's) shown with the field errors, when the
    opening hours and the weights themselves were read."""
    opens, closes = form.cleaned_data.get("opens_at"), form.cleaned_data.get("closes_at")
    if opens is None or closes is None:
        return
    hours = Rfq(opens_at=opens, closes_at=closes).open_hours_per_day
    for channel in channels:
        data = getattr(channel, "cleaned_data", {})
        if not (channel.is_live and data.get("included")) or "hourly_weights" in channel.errors:
            continue
        message = weights_count_error(data.get("hourly_weights") or [], hours)
        if message:
            channel.add_error("hourly_weights", message)


def _rfq_form_response(request: HttpRequest, rfq: Rfq | None) -> HttpResponse:
    form = RfqForm(request.POST or None, instance=rfq)
    channels = channel_forms(request.POST or None, rfq=rfq)
    status = 200
    if request.method == "POST":
        # Every check at once: the form, each channel, and a scope with no channel at all.
        valid = form.is_valid()
        channel_errors = [c.errors for c in channels]  # validates every channel form
        valid = valid and not any(channel_errors)
        if not any(c.cleaned_data.get("included") for c in channels):
            try:
                services.check_channels([])
            except ValidationError as exc:
                add_service_errors(form, exc)
                valid = False
        if not valid:
            _weights_beside_other_errors(form, channels)
        if valid:
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
                rest = add_channel_errors(form, channels, exc)
                if rest is not None:
                    add_service_errors(form, rest)
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
    if not rfq.is_editable:
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
    actions = selectors.rfq_actions(rfq, user)
    invite_form = None
    if actions.invite:
        invite_form = InviteForm(
            queryset=selectors.vendors_to_invite(rfq),
            search=request.GET.get("vendor_q", ""),
            chosen=request.GET.getlist("vendors"),
        )
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
            "too_few_invited": not rfq.is_cancelled
            and len(active_invitations) < services.MINIMUM_INVITATIONS,
            "actions": actions,
            "invite_form": invite_form,
            "cancel_form": CancelForm(),
        },
    )


@role_required(PROCUREMENT)
@require_POST
def rfq_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rfq = selectors.get_rfq_for_user(request.user, pk)
    # Closing asks first, on its own page (rfq_close below).
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
def rfq_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET says what closing does (an irreversible step asks first); POST closes."""
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
    submitted = rfq.quotes.filter(status=QuoteStatus.SUBMITTED).count()
    active = rfq.invitations.exclude(status=InvitationStatus.DECLINED).count()
    return render(
        request,
        "procurement/rfq_close_confirm.html",
        {"rfq": rfq, "submitted": submitted, "without_quote": active - submitted},
    )
