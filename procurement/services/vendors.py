"""Vendors and their people."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..emails import vendor_user_welcome_notify
from ..models import (
    Vendor,
)
from ..vendor_names import normalize_vendor_name, vendor_name_key
from .base import locked, require_procurement, save_with_history, update_with_history

VENDOR_FIELDS: tuple[str, ...] = (
    "name",
    "region",
    "country",
    "contact_email",
    "website",
    "cert_iso27001",
    "cert_soc2",
    "other_certifications",
    "notes",
)


def _normalized(data: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "name" in data:
        data["name"] = normalize_vendor_name(data["name"] or "")
        if not data["name"]:
            raise ValidationError({"name": _("Enter the vendor's name.")})
    return data


def vendor_name_lookalikes(name: str, *, exclude_pk: int | None = None) -> list[Vendor]:
    """Other vendors whose name reads the same once normalised (case, look-alike letters,
    invisible characters): a warning that this may be the same company twice."""
    key = vendor_name_key(name)
    others = Vendor.objects.exclude(pk=exclude_pk) if exclude_pk else Vendor.objects.all()
    return [v for v in others.only("pk", "name") if vendor_name_key(v.name) == key]


def vendor_name_warnings(vendor: Vendor) -> list[str]:
    """The warning shown after a vendor is added or renamed (page and API)."""
    return [
        _(
            "“%(name)s” reads the same as the existing vendor “%(other)s”: check that it is "
            "not the same company twice."
        )
        % {"name": vendor.name, "other": other.name}
        for other in vendor_name_lookalikes(vendor.name, exclude_pk=vendor.pk)
    ]


@transaction.atomic
def vendor_create(*, by: User, data: Mapping[str, Any]) -> Vendor:
    require_procurement(by)
    data = _normalized(data)
    vendor = Vendor(**{k: v for k, v in data.items() if k in VENDOR_FIELDS})
    save_with_history(vendor, by=by)
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, by: User, data: Mapping[str, Any]) -> Vendor:
    require_procurement(by)
    data = _normalized(data)
    vendor = locked(Vendor, vendor.pk)  # the row as stored, not a form's bound copy
    update_with_history(vendor, by=by, fields=VENDOR_FIELDS, data=data)
    return vendor


@transaction.atomic
def vendor_find_or_create(*, name: str, contact_email: str) -> Vendor:
    """`manage.py adduser --vendor NAME`: the vendor of that name (any case), made if missing."""
    name = normalize_vendor_name(name)
    vendor = Vendor.objects.filter(name__iexact=name).first()
    if vendor is None:
        vendor = Vendor(name=name, contact_email=contact_email)
        vendor.full_clean()
        vendor.save()
    return vendor


@transaction.atomic
def vendor_user_create(
    *, vendor: Vendor, by: User, email: str, full_name: str = "", language: str = "en"
) -> User:
    """A sign-in for one of the vendor's people. Never converts an existing account: an
    e-mail address that already signs in (perhaps as procurement) is refused."""
    require_procurement(by)
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User(
        email=email, full_name=full_name, role=Role.VENDOR, vendor=vendor, language=language
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._history_user = by
    user.save()
    vendor_user_welcome_notify(user.pk)
    return user
