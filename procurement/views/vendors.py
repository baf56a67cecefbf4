"""Vendors and their sign-ins (procurement)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import INTERNAL, PROCUREMENT, role_required
from common import hooks

from .. import selectors, services
from ..filters import VendorFilter
from ..forms import (
    VendorForm,
    VendorUserForm,
    add_service_errors,
)
from ..widgets import VENDOR_OPTIONS_LIMIT
from .base import INVALID, paginate, query_without_page


@role_required(PROCUREMENT)
def vendor_list(request: HttpRequest) -> HttpResponse:
    filters = VendorFilter(request.GET or None, queryset=selectors.vendor_list())
    page = paginate(request, filters.qs)
    return render(
        request,
        "procurement/vendor_list.html",
        {"form": filters.form, "page": page, "query": query_without_page(request)},
    )


@role_required(INTERNAL)
def vendor_options(request: HttpRequest) -> HttpResponse:
    """The vendor pickers' search (VendorSearchSelect): `<option>`s of the first vendors by
    name that match `q`, never the whole list."""
    vendors = selectors.vendor_search(request.GET.get("q", ""))[:VENDOR_OPTIONS_LIMIT]
    return render(
        request,
        "procurement/_vendor_options.html",
        {"vendors": vendors, "empty": request.GET.get("empty", "")[:100]},
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
                for warning in services.vendor_name_warnings(vendor):
                    messages.warning(request, warning)
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
            "panels": vendor_panels(vendor, request.user),
        },
    )


def vendor_panels(vendor, user) -> list:
    """Panels the apps above procurement add to the vendor page (`common.hooks`): procurement
    never imports them."""
    return [panel for hook in hooks.vendor_panels if (panel := hook(vendor, user)) is not None]


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
