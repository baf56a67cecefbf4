from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import INTERNAL, PROCUREMENT, VENDORS, role_required


@role_required(INTERNAL)
def rfq_list(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "RFQs"})


@role_required(PROCUREMENT)
def vendor_list(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "Vendors"})


@role_required(VENDORS)
def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "My invitations"})
