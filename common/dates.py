"""The one rule for a plausible date (issue 15): from 1 January 2000 up to ten years after
today. A pilot starting 9999-12-31 overflowed every date sum (500 on every pilot page), a
pilot in year 1 was "due" and e-mailed; a quote deadline in 9999 never passes.

Use it everywhere a date comes in:
- forms: `SaneDateField`, `SaneDateTimeField` (or `validate_sane_date` as a validator);
- the API: `SaneDate`, `SaneDateTime` as pydantic types (body, path and query);
- commands: `parse_sane_date(text)`.
Messages are in words and translated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

DATE_MIN = date(2000, 1, 1)
YEARS_AHEAD = 10


def app_today() -> date:
    """Today in the app's time zone (settings.TIME_ZONE), whatever zone a request activated."""
    return timezone.localdate(timezone.now(), timezone=ZoneInfo(settings.TIME_ZONE))


def date_max(today: date | None = None) -> date:
    """The latest plausible date: ten years after today (28 February for a 29 February)."""
    today = app_today() if today is None else today
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
        return value.date()
    return value


def date_range_error(value: date | datetime, *, today: date | None = None) -> str | None:
    """Why `value` is not a plausible date (in words), or None."""
    day = _as_date(value)
    latest = date_max(today)
    if DATE_MIN <= day <= latest:
        return None
    return _("Enter a date between %(min)s and %(max)s.") % {
        "min": date_format(DATE_MIN, "DATE_FORMAT"),
        "max": date_format(latest, "DATE_FORMAT"),
    }


def validate_sane_date(value: date | datetime | None) -> None:
    """Django validator (forms, models): ValidationError with the message above."""
    if value is None:
        return
    message = date_range_error(value)
    if message:
        raise ValidationError(message, code="date_range")


class SaneDateField(forms.DateField):
    default_validators = [validate_sane_date]


class SaneDateTimeField(forms.DateTimeField):
    default_validators = [validate_sane_date]


def _pydantic_check(value: date | datetime) -> date | datetime:
    message = date_range_error(value)
    if message:
        raise PydanticCustomError("date_range", message)
    return value


SaneDate = Annotated[date, AfterValidator(_pydantic_check)]
SaneDateTime = Annotated[datetime, AfterValidator(_pydantic_check)]


def parse_sane_date(text: str) -> date:
    """A command's `--date YYYY-MM-DD`: ValueError in words for a malformed or implausible one."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("%(value)r is not a date; use YYYY-MM-DD, e.g. 2026-03-02.") % {"value": text}
        ) from None
    message = date_range_error(day)
    if message:
        raise ValueError(message)
    return day


# --- No job for a day that has not happened (docs/domain.md §5, docs/api.md "Commands") ---------------


def future_date_error(day: date, *, today: date | None = None) -> str | None:
    """Why a job may not run as of `day` (in words), or None: a day after today has not
    happened, so nothing may be evaluated, alerted or reminded about it."""
    today = app_today() if today is None else today
    if day <= today:
        return None
    return _("%(day)s is after today (%(today)s): no job runs for a day that has not happened.") % {
        "day": day.isoformat(),
        "today": today.isoformat(),
    }


def future_moment_error(moment: datetime, *, now: datetime | None = None) -> str | None:
    """As `future_date_error`, for a moment (`send_reminders --at`)."""
    now = timezone.now() if now is None else now
    if moment <= now:
        return None
    return _(
        "%(moment)s is after now (%(now)s): no job runs for a moment that has not happened."
    ) % {
        "moment": moment.isoformat(timespec="minutes"),
        "now": timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="minutes"),
    }


def job_date(as_of: str | date | None) -> date:
    """A Celery job's `as_of` (ISO date or date; None is today): ValueError for a day after
    today, so a task never evaluates, alerts or reminds about a day to come."""
    if as_of is None:
        return app_today()
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    message = future_date_error(day)
    if message:
        raise ValueError(f"as_of: {message}")
    return day
