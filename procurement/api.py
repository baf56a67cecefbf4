"""Procurement endpoints of API.md."""

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.permissions import INTERNAL, check_role

from .models import Vendor

router = Router(tags=["procurement"])


class VendorOut(Schema):
    id: int
    name: str
    region: str
    country: str
    contact_email: str


@router.get("/vendors", response=list[VendorOut])
def vendor_list(request: HttpRequest):
    check_role(request.auth, INTERNAL)
    return Vendor.objects.order_by("name")
