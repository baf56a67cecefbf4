from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import INTERNAL, role_required


@role_required(INTERNAL)
def calculator(request: HttpRequest) -> HttpResponse:
    return render(request, "common/placeholder.html", {"title": "Calculator"})
