"""Conventions every form follows, applied in one call from each form's `__init__`:
plausible bounds in words (`common.bounds`) and one placeholder for an empty select."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.bounds import bound_form_fields

# One style for "nothing chosen yet" in every select (never Django's "---------").
CHOOSE = _("— choose —")
# One answer for a question left open (yes/no/not answered, and empty read-only values).
NOT_ANSWERED = _("Not answered")
DJANGO_BLANK = "---------"


def choose_placeholders(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = CHOOSE
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(field.choices)
            if any(value == "" and label == DJANGO_BLANK for value, label in choices):
                field.choices = [
                    ("", CHOOSE) if value == "" and label == DJANGO_BLANK else (value, label)
                    for value, label in choices
                ]


def form_conventions(form: forms.BaseForm) -> None:
    bound_form_fields(form)
    choose_placeholders(form)
