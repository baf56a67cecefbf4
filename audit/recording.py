"""Writes the audit trail: a receiver for simple-history's `post_create_historical_record`
on every audited model, and for sign-ins, failed sign-ins, sign-outs and API token use.

Registered from `AuditConfig.ready()`; the rooms below know nothing of it (accounts sends
`api_token_used`, Django and simple-history send the rest).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import DecimalField
from simple_history.signals import post_create_historical_record

from accounts.signals import api_token_used

from .models import Action, AuditEvent
from .registry import ALWAYS_HIDDEN, BY_MODEL, CHANGE_SOURCES, SESSION, ObjectType, vendor_of

logger = logging.getLogger(__name__)

HISTORY_ACTIONS = {"+": Action.CREATED, "~": Action.CHANGED, "-": Action.DELETED}
MAX_TEXT = 2000  # a long note is kept in full by the history; the trail keeps its start


def _plain(value, field=None):
    if isinstance(field, DecimalField) and value not in (None, ""):
        # As stored: "18.00", whether the service set Decimal("18") or the database read it.
        with suppress(InvalidOperation, ValueError):
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, str):
        return value[:MAX_TEXT] + "…" if len(value) > MAX_TEXT else value
    if value is None or isinstance(value, bool | int | float | list | dict):
        return value
    # Decimal, date, a file (its name), anything else: as text, so the line always stores.
    return str(value)


def _fields(object_type: ObjectType, history_instance) -> list:
    return [
        field
        for field in history_instance.instance_type._meta.concrete_fields
        if hasattr(history_instance, field.attname)  # not excluded from the history
        and field.attname not in object_type.hidden
        and field.name not in object_type.hidden
        and field.name not in ALWAYS_HIDDEN
    ]


def _diff(object_type: ObjectType, history_instance, previous) -> list[list]:
    """[[field, old, new], …] of one version against the previous one (None: the first);
    a creation lists the fields it filled, a deletion nothing."""
    fields = _fields(object_type, history_instance)
    kind = history_instance.history_type
    if kind == "-":
        return []
    if kind == "+" or previous is None:
        return [
            [field.name, None, _plain(getattr(history_instance, field.attname), field)]
            for field in fields
            if getattr(history_instance, field.attname) not in (None, "", [], {})
        ]
    return [
        [field.name, _plain(getattr(previous, field.attname), field), _plain(getattr(history_instance, field.attname), field)]
        for field in fields
        if _plain(getattr(previous, field.attname), field) != _plain(getattr(history_instance, field.attname), field)
    ]  # fmt: skip


def _changes(object_type: ObjectType, history_instance) -> list[list]:
    previous = None
    if history_instance.history_type == "~":
        pk_name = history_instance.instance_type._meta.pk.attname
        previous = (
            type(history_instance)
            .objects.filter(
                **{pk_name: getattr(history_instance, pk_name)},
                history_id__lt=history_instance.history_id,
            )
            .order_by("-history_id")
            .first()
        )
        if previous is None:
            return []
    return _diff(object_type, history_instance, previous)


def _reason(history_instance, changes: list[list]) -> str:
    reason = history_instance.history_change_reason or ""
    if reason in CHANGE_SOURCES:
        reason = ""  # where it came from, not why: the detail
    # A KPI day corrected after the decision carries its written reason (docs/domain.md §5).
    correction = getattr(history_instance, "correction_reason", "")
    if correction and any(name == "correction_reason" for name, _o, _n in changes):
        reason = correction
    return reason


def on_historical_record(
    sender, instance, history_instance, history_user=None, history_change_reason=None, **kwargs
):
    object_type = BY_MODEL.get(history_instance.instance_type._meta.label)
    if object_type is None:
        return
    try:
        changes = _changes(object_type, history_instance)
        unchanged = history_instance.history_type == "~" and not changes
    except Exception:  # the line is still written, without its difference; the save goes on
        logger.exception("audit: no difference for %s", history_instance)
        changes, unchanged = [], False
    if unchanged:
        return  # saved without a visible change (e.g. only a bookkeeping field)
    AuditEvent.objects.create(
        at=history_instance.history_date,
        actor=history_user,
        actor_email=getattr(history_user, "email", "") or "",
        action=HISTORY_ACTIONS[history_instance.history_type],
        object_type=object_type.key,
        object_id=getattr(instance, "pk", None),
        object_repr=str(instance)[:200],
        vendor_id=vendor_of(object_type, instance),
        changes=changes,
        reason=_reason(history_instance, changes),
        detail=f"source:{source}" if (source := history_change_reason) in CHANGE_SOURCES else "",
    )


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def on_signed_in(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "") or ""
    AuditEvent.objects.create(
        actor=user,
        actor_email=user.email,
        action=Action.SIGNED_IN,
        object_type=SESSION,
        vendor_id=user.vendor_id,
        detail="company_account" if backend.endswith("CompanyAccountBackend") else "password",
        ip_address=_ip(request),
    )


def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    AuditEvent.objects.create(
        actor=user,
        actor_email=user.email,
        action=Action.SIGNED_OUT,
        object_type=SESSION,
        vendor_id=user.vendor_id,
        ip_address=_ip(request),
    )


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the typed address is kept; Django has already masked the password.
    email = str(credentials.get("username") or getattr(request, "sso_email", "") or "")[:254]
    user = (
        get_user_model().objects.filter(email__iexact=email).only("id", "vendor_id").first()
        if email
        else None
    )
    refusal = getattr(request, "sso_refusal", None)
    if refusal:
        detail = f"company_account:{refusal}"
    elif getattr(request, "axes_locked_out", False):
        detail = "locked_out"  # django-axes: too many failures for this address and IP
    else:
        detail = "password"
    AuditEvent.objects.create(
        actor=user,
        actor_email=email.lower(),
        action=Action.SIGN_IN_FAILED,
        object_type=SESSION,
        vendor_id=user.vendor_id if user is not None else None,
        detail=detail,
        ip_address=_ip(request),
    )


def on_token_used(sender, token, request=None, **kwargs):
    AuditEvent.objects.create(
        actor=token.user,
        actor_email=token.user.email,
        action=Action.TOKEN_USED,
        object_type="api_token",
        object_id=token.pk,
        object_repr=str(token)[:200],
        vendor_id=token.user.vendor_id,
        detail=(f"{request.method} {request.path}" if request is not None else "")[:200],
        ip_address=_ip(request),
    )


def connect() -> None:
    for label in BY_MODEL:
        model = apps.get_model(label)
        history_model = model.history.model
        post_create_historical_record.connect(
            on_historical_record, sender=history_model, dispatch_uid=f"audit:{label}"
        )
    user_logged_in.connect(on_signed_in, dispatch_uid="audit:signed_in")
    user_logged_out.connect(on_signed_out, dispatch_uid="audit:signed_out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="audit:sign_in_failed")
    api_token_used.connect(on_token_used, dispatch_uid="audit:token_used")
