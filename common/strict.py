"""Strict input (issue 15): numbers in ASCII digits only, never a boolean, no underscores
(`int("1_000")` and `Decimal("٣")` are Python's leniency, not a number a user typed), no
more decimal places than the field stores, and a length cap on every free text.

One definition, two doors:
- forms: `StrictIntegerField`, `StrictDecimalField`, and `strict_formfield` as a ModelForm's
  `Meta.formfield_callback` (it also caps text and bounds dates, see common.dates);
- the API: `StrictInt`, `StrictDecimal`, `strict_decimal(places)`, `bounded_text(max)`.
Plausible ranges per field (with words) live in their own table; these helpers only read the
input strictly.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from .dates import SaneDateField, SaneDateTimeField
from .numbers import NumberError, read_number

# A free text (description, note, reason) longer than this is a paste gone wrong.
MAX_TEXT_LENGTH = 5_000

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def is_plain_integer(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None


def is_plain_decimal(text: str) -> bool:
    return _DECIMAL.fullmatch(text) is not None


def decimal_places(value: Decimal) -> int:
    """Places a value needs (1.50 needs 1, 100 needs 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def too_many_places_message(places: int) -> str:
    return _("Use at most %(places)s decimal places.") % {"places": places}


# --- forms -----------------------------------------------------------------------------------


def _read_typed(field: forms.Field, value: Any) -> Decimal | None:
    """The one reader for a form field: typed text in the user's language (docs/domain.md §8) when
    the field is localized (every field a person types in), else a plain point-decimal (the
    API and the CSV rows, already read by their own door). Booleans are never numbers."""
    if isinstance(value, bool):
        raise ValidationError(field.error_messages["invalid"], code="invalid")
    if value in field.empty_values:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        if field.localize:
            try:
                number = read_number(text, get_language())
            except NumberError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
        elif is_plain_decimal(text):
            number = Decimal(text)
        else:
            raise ValidationError(field.error_messages["invalid"], code="invalid")
    if not number.is_finite():
        raise ValidationError(field.error_messages["invalid"], code="invalid")
    return number


class _TypedNumber:
    """Localized by default: a text input (never the browser's number input, which cannot
    show `2.500,00` nor take `1,500`) that shows the value in the user's language."""

    input_mode = "decimal"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        if self.localize and not self.widget.is_hidden:
            self.widget.attrs.setdefault("inputmode", self.input_mode)


class StrictIntegerField(_TypedNumber, forms.IntegerField):
    """A whole number read by the one reader: "1_000", "٣" or a boolean is not one."""

    input_mode = "numeric"

    def to_python(self, value: Any) -> int | None:
        number = _read_typed(self, value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)


class StrictDecimalField(_TypedNumber, forms.DecimalField):
    """A number read by the one reader (the user's language when localized, a plain point
    otherwise); no booleans, underscores or exponents. Places beyond `decimal_places` are an
    error naming the limit."""

    def to_python(self, value: Any) -> Decimal | None:
        return _read_typed(self, value)

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if (
            value is not None
            and self.decimal_places is not None
            and decimal_places(value) > self.decimal_places
        ):
            raise ValidationError(too_many_places_message(self.decimal_places), code="places")


# C0 controls but tab, line feed and carriage return; DEL; C1 controls. NUL breaks
# PostgreSQL text, the others hide text or break exports: refused in any free text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_characters_message() -> str:
    return _("Remove the control characters (such as NUL) from this text.")


def reject_control_characters(value: Any) -> None:
    """A form field's validator: no control characters (issue 21), naming the field."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(control_characters_message(), code="control_characters")


def strict_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """`Meta.formfield_callback` for a ModelForm: strict numbers, plausible dates, capped text."""
    if not db_field.choices:
        if isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("form_class", SaneDateTimeField)
        elif isinstance(db_field, models.DateField):
            kwargs.setdefault("form_class", SaneDateField)
        elif isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", StrictDecimalField)
        elif isinstance(db_field, models.IntegerField) and not isinstance(
            db_field, models.AutoField
        ):
            kwargs.setdefault("form_class", StrictIntegerField)
        elif isinstance(db_field, models.TextField):
            kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        if isinstance(db_field, models.CharField | models.TextField):
            kwargs.setdefault("validators", [reject_control_characters])
    return db_field.formfield(**kwargs)


# --- the API (pydantic) ----------------------------------------------------------------------


def _strict_int(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, str) and not is_plain_integer(value.strip())):
        raise PydanticCustomError("int_strict", _("Enter a whole number."))
    if isinstance(value, float) and not value.is_integer():
        raise PydanticCustomError("int_strict", _("Enter a whole number."))
    return value


def _strict_decimal(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, str) and not is_plain_decimal(value.strip())):
        raise PydanticCustomError("decimal_strict", _("Enter a number."))
    if isinstance(value, float):
        return Decimal(repr(value))  # 0.005 stays 0.005, not its binary neighbour
    return value


def _finite(value: Decimal) -> Decimal:
    try:
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise PydanticCustomError("decimal_strict", _("Enter a number.")) from None
    return value


def strict_decimal(places: int | None = None) -> Any:
    """A Decimal read strictly; with `places`, more decimals than the field stores are refused
    (0.005 for a rate in cents) instead of being rounded away."""

    def check_places(value: Decimal) -> Decimal:
        if places is not None and decimal_places(value) > places:
            raise PydanticCustomError("decimal_places", too_many_places_message(places))
        return value

    return Annotated[
        Decimal,
        BeforeValidator(_strict_decimal),
        AfterValidator(_finite),
        AfterValidator(check_places),
    ]


def bounded_text(max_length: int = MAX_TEXT_LENGTH) -> Any:
    """A free text of at most `max_length` characters (refused in words, not cut)."""

    def check(value: str) -> str:
        if len(value) > max_length:
            raise PydanticCustomError(
                "text_too_long",
                _("Keep this under %(max)s characters (it has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    return Annotated[str, AfterValidator(check)]


StrictInt = Annotated[int, BeforeValidator(_strict_int)]
StrictDecimal = strict_decimal()
Money = strict_decimal(2)
BoundedText = bounded_text()
