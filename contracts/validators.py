"""One validator per field of a contract, a review meeting and its actions (issue 24 item 3):
the pages (`contracts.forms`) and the API (`contracts.api` schemas) attach the same check,
and the service runs the rules that need the contract (a meeting within the contract). So a
page refuses what the API refuses, in the same words.

- text: no NUL or other control characters (a line break only where the field has lines),
  at most the field's length (the model's `max_length`, or `common.strict.MAX_TEXT_LENGTH`);
- dates: the sane range of `common.dates`, and a meeting within its contract's term;
- the pilot a contract follows must exist (a hidden `pilot` that does not is an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from common.strict import MAX_TEXT_LENGTH
from kpis.days import app_today

from .models import MAX_MONTHS, MIN_MONTHS

ATTENDEES_MAX = 500  # Review.attendees
ACTION_TEXT_MAX = 500  # ReviewAction.text
OWNER_MAX = 150  # ReviewAction.owner
NOTES_MAX = MAX_TEXT_LENGTH

NO_SUCH_PILOT = gettext_lazy("No such pilot.")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n]")


def text_error(value: str, *, max_length: int, lines: bool = False) -> str | None:
    """Why a text is refused (in words), or None."""
    if _CONTROL.search(value) or (not lines and _LINE_BREAK.search(value)):
        return _("Remove the control characters (such as NUL) from this text.")
    if len(value) > max_length:
        return _("Keep this under %(max)s characters (it has %(length)s).") % {
            "max": max_length,
            "length": len(value),
        }
    return None


@dataclass(frozen=True)
class TextValidator:
    """A Django validator (forms) for one text field."""

    max_length: int
    lines: bool = False

    def __call__(self, value: Any) -> None:
        message = text_error(str(value), max_length=self.max_length, lines=self.lines)
        if message:
            raise ValidationError(message, code="text")


def api_text(max_length: int, *, lines: bool = False) -> Any:
    """The same check as a pydantic type (the API's schemas)."""

    def check(value: str) -> str:
        message = text_error(value, max_length=max_length, lines=lines)
        if message:
            raise PydanticCustomError("text", message)
        return value

    return Annotated[str, AfterValidator(check)]


AttendeesText = api_text(ATTENDEES_MAX)
NotesText = api_text(NOTES_MAX, lines=True)
ActionText = api_text(ACTION_TEXT_MAX)
OwnerText = api_text(OWNER_MAX)


def meeting_date_error(*, start: date, end: date, day: date) -> str | None:
    """A review meeting lies within its contract's term and has happened (not in the future)."""
    if day > app_today():
        return _("A meeting is recorded once it has happened: %(date)s is in the future.") % {
            "date": date_format(day, "DATE_FORMAT")
        }
    if start <= day <= end:
        return None
    return _("Enter a date within the contract: %(start)s to %(end)s.") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


def months_error(months: int) -> str | None:
    if MIN_MONTHS <= months <= MAX_MONTHS:
        return None
    return _("A contract runs 1 to 60 months.")


def percentage_error(value: Any) -> str | None:
    if 0 <= Decimal(value) <= 100:
        return None
    return _("Enter a percentage from 0 to 100.")


def _django(check):
    def validate(value: Any) -> None:
        if value is not None and (message := check(value)):
            raise ValidationError(message, code="range")

    return validate


validate_months = _django(months_error)
validate_percentage = _django(percentage_error)
