"""The admin's webhook pages: endpoints, their secret (shown once), the delivery log and the
replay. Admins only (403 for every other role)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import role_required

from . import dispatch, services
from .forms import EndpointForm
from .models import Delivery, DeliveryStatus, Endpoint

ADMINS = frozenset({Role.ADMIN})
PER_PAGE = 25
INVALID = 422
REVEAL_KEY = "webhooks_reveal_secret"


def _apply_errors(form: EndpointForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@role_required(ADMINS)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = Endpoint.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    ).order_by("pk")
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@role_required(ADMINS)
@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            request.session[REVEAL_KEY] = endpoint.pk
            return redirect("webhooks:endpoint_detail", endpoint.pk)
    status = INVALID if request.method == "POST" else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form}, status=status)


@role_required(ADMINS)
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhooks:endpoint_detail", endpoint.pk)
    status = INVALID if request.method == "POST" else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@role_required(ADMINS)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    # The secret in full once: right after it was made or rotated, on this page's next view.
    reveal = request.session.get(REVEAL_KEY) == endpoint.pk
    if reveal:
        del request.session[REVEAL_KEY]
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("-pk")
    page = Paginator(deliveries, PER_PAGE).get_page(request.GET.get("page"))
    context = {"endpoint": endpoint, "reveal_secret": reveal, "page": page}
    return render(request, "webhooks/endpoint_detail.html", context)


@role_required(ADMINS)
@require_http_methods(["GET", "POST"])
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST makes the new secret."""
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "POST":
        services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
        request.session[REVEAL_KEY] = endpoint.pk
        messages.success(request, _("A new secret is made; the old one no longer signs."))
        return redirect("webhooks:endpoint_detail", endpoint.pk)
    return render(request, "webhooks/endpoint_rotate.html", {"endpoint": endpoint})


@role_required(ADMINS)
@require_http_methods(["GET", "POST"])
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST sends the same event again (a new delivery)."""
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    if request.method == "POST":
        try:
            dispatch.delivery_replay(delivery=delivery, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The event is sent again."))
        return redirect("webhooks:endpoint_detail", delivery.endpoint_id)
    return render(request, "webhooks/delivery_replay.html", {"delivery": delivery})
