from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import INTERNAL, VENDORS, role_required


@role_required(INTERNAL)
def pilot_list(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "Pilots"})


@role_required(INTERNAL)
def alert_list(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "Alerts"})


@role_required(VENDORS)
def vendor_pilot_list(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "My pilots"})
