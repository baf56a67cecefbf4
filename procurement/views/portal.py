"""The vendor portal: a vendor's own invitations, RFQs, quote and decline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import VENDORS, role_required

from .. import selectors, services
from ..filters import PortalInvitationFilter
from ..forms import (
    STATE_LABELS,
    DeclineForm,
    add_service_errors,
)
from ..models import Quote
from .base import INVALID, paginate, query_without_page
from .quotes import quote_form_response, refuse_locked


@role_required(VENDORS)
def portal(request: HttpRequest) -> HttpResponse:
    filters = PortalInvitationFilter(
        request.GET or None, queryset=selectors.portal_invitations(user=request.user)
    )
    page = paginate(request, filters.qs)
    rows = [(i, selectors.deadline_state(i.rfq)) for i in page.object_list]
    return render(
        request,
        "procurement/portal.html",
        {
            "form": filters.form,
            "page": page,
            "rows": rows,
            "state_labels": STATE_LABELS,
            "query": query_without_page(request),
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
        if request.method == "POST":
            # A second submit of the same form (a double click whose second request arrives
            # after the first committed) is handled as the edit page would: the same content
            # makes no revision and answers the same quote page, never a bounce to the form.
            return quote_form_response(request, rfq=rfq, quote=quote, vendor=vendor)
        return redirect("procurement:quote_edit", quote.pk)
    error = services.quote_write_error(rfq=rfq, vendor=vendor, by=request.user)
    if error is not None and request.method != "POST":
        return refuse_locked(request, error, reverse("procurement:portal_rfq", args=[rfq.pk]))
    return quote_form_response(request, rfq=rfq, quote=None, vendor=vendor)


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
