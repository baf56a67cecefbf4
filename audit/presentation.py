"""Labels for the audit trail: actions, object types, field names and values in the user's
language, never the stored codes. One home for the page and the CSV."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from procurement.checks import GAP_LABELS

from .models import AuditEvent
from .registry import BY_KEY

# Fields that store codes of a list: each code's label.
LIST_LABELS = {"must_haves": GAP_LABELS}

DETAILS = {
    "password": lambda: _("with e-mail and password"),
    "company_account": lambda: _("with the company account"),
    "locked_out": lambda: _("locked out after too many failed sign-ins"),
}


def object_type_label(key: str) -> str:
    object_type = BY_KEY.get(key)
    return str(object_type.label) if object_type else key


def source_label(code: str) -> str:
    return {
        "form": _("through the form"),
        "CSV": _("through a CSV upload"),
        "API": _("through the API"),
        "demo": _("demo data"),
        "status follows the calendar": _("the status follows the calendar"),
        "history": _("from the history kept before the audit trail"),
    }.get(code, code)


def detail_label(detail: str) -> str:
    if detail.startswith("source:"):
        return source_label(detail.split(":", 1)[1])
    if detail.startswith("company_account:"):
        return _("with the company account: refused (%(reason)s)") % {
            "reason": refusal_label(detail.split(":", 1)[1])
        }
    label = DETAILS.get(detail)
    return label() if label else detail


def refusal_label(code: str) -> str:
    return {
        "role": _("no allowed role"),
        "vendor_account": _("a vendor's address"),
        "inactive": _("account switched off"),
        "email": _("no confirmed e-mail address"),
        "token": _("answer not verified"),
        "cancelled": _("cancelled"),
        "unavailable": _("service unreachable"),
    }.get(code, code)


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def value_label(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        labels = LIST_LABELS.get(getattr(field, "name", ""), {})
        return ", ".join(str(labels.get(v, v)) for v in value) or "—"
    if field is not None and field.is_relation:
        return f"#{value}"
    return str(value)


def change_rows(event: AuditEvent) -> list[tuple[str, str, str]]:
    """[(field label, old, new)] of one line."""
    object_type = BY_KEY.get(event.object_type)
    model = apps.get_model(object_type.model) if object_type and object_type.model else None
    rows = []
    for name, old, new in event.changes:
        field = _field(model, name) if model is not None else None
        label = str(field.verbose_name) if field is not None else name
        rows.append(
            (label[:1].upper() + label[1:], value_label(field, old), value_label(field, new))
        )
    return rows


def changes_text(event: AuditEvent) -> str:
    parts = []
    for label, old, new in change_rows(event):
        parts.append(f"{label}: {new}" if event.action == "created" else f"{label}: {old} → {new}")
    return "; ".join(parts)
