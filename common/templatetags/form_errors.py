"""The error summary at the top of every form (templates/includes/form_errors.html)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms, template
from django.forms.utils import ErrorList

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    message: str
    label: str = ""
    anchor: str = ""  # the field's id: the summary links to it


def _forms(value) -> Iterable[forms.BaseForm]:
    if value is None or value == "":
        return []
    if isinstance(value, forms.BaseForm):
        return [value]
    if isinstance(value, forms.BaseFormSet):
        return [*value.forms]  # its non-form errors are reported by its management form
    return [form for item in value for form in _forms(item)]


def _messages(errors: ErrorList) -> list[str]:
    return [str(message) for message in errors]


@register.simple_tag
def error_summary_items(*values) -> list[ErrorItem]:
    """Every error of the given forms (or lists or formsets of forms), in page order:
    the form's own errors first, then one line per field error, linking to the field.
    A form may name itself in the summary with `error_summary_prefix` ("Phone")."""
    items: list[ErrorItem] = []
    for form in (form for value in values for form in _forms(value)):
        if not form.is_bound:
            continue
        items.extend(ErrorItem(message) for message in _messages(form.non_field_errors()))
        prefix = str(getattr(form, "error_summary_prefix", "") or "")
        for name, field in form.fields.items():
            errors = form.errors.get(name)
            if not errors:
                continue
            bound = form[name]
            label = str(field.label or name.replace("_", " ").capitalize())
            if prefix:
                label = f"{prefix} — {label}"
            anchor = "" if field.widget.is_hidden else (bound.id_for_label or bound.auto_id or "")
            items.extend(ErrorItem(message, label, anchor) for message in _messages(errors))
    return items
