from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import INTERNAL, role_required


@role_required(INTERNAL)
def calculator(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "Calculator"})


@role_required(INTERNAL)
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    # Placeholder (procurement branch): the costing branch builds the real comparison page.
    return render(request, "common/placeholder.html", {"title": "Comparison"})
