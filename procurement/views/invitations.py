"""Inviting vendors to an RFQ and e-mailing them again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import PROCUREMENT, role_required

from .. import selectors, services
from ..forms import (
    InviteForm,
)
from ..standing import standing_warnings


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
    if rfq.is_open:
        messages.success(request, _("Invited and e-mailed: %(names)s.") % {"names": names})
    else:
        messages.success(
            request,
            _("Invited: %(names)s. They are e-mailed when you open the RFQ.") % {"names": names},
        )
    for warning in services.invitation_warnings(rfq):
        messages.warning(request, warning)
    # docs/domain.md §6: a stopped pilot or a poor month warns; it does not block.
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
