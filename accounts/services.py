"""Writes for users and API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Role, User
from .signals import api_token_used


@transaction.atomic
def user_create_or_update(
    *, email: str, role: str, vendor=None, password: str | None = None
) -> tuple[User, bool]:
    """`manage.py adduser` and the demo: creates or updates. `vendor` is the organisation a
    vendor user belongs to (a `settings.VENDOR_MODEL` row; the caller finds or creates it)."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role == Role.VENDOR and vendor is None:
        raise ValidationError({"vendor": "A vendor user needs --vendor NAME."})
    if role != Role.VENDOR and vendor is not None:
        raise ValidationError({"vendor": "Only vendor users belong to a vendor."})

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
    user.role = role
    user.vendor = vendor
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user, created


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored and shown only once."""
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=ApiToken.hash(raw), hint=raw[: len(ApiToken.PREFIX) + 6]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    # Saved through the model (not a queryset update) so the history and the audit trail
    # record who revoked it; the lock makes a second revoke a no-op.
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk, revoked_at=None).first()
    if locked is not None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])


def api_token_authenticate(raw: str, request=None) -> User | None:
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__vendor")
        .filter(token_hash=ApiToken.hash(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    stale = now - timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        api_token_used.send(sender=ApiToken, token=token, request=request)
    return token.user


@transaction.atomic
def user_from_company_account(*, email: str, role: str, full_name: str = "") -> tuple[User, bool]:
    """A sign-in with the company account (accounts/oidc.py): the provider's role claim is the
    source of truth for an internal user's role, so a changed claim changes the role (and
    the history records it). Never a vendor: the caller refused those already."""
    if role not in (Role.PROCUREMENT, Role.MANAGER, Role.ADMIN):
        raise ValidationError({"role": f"Single sign-on never grants the role {role!r}."})
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, full_name=full_name[:150])
        user.set_unusable_password()
    elif user.role == role and (user.full_name or not full_name):
        return user, False
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if full_name and not user.full_name:
        user.full_name = full_name[:150]
    user.full_clean(exclude=["password"])
    user.save()
    return user, created
