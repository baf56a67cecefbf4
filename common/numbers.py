"""The one number reader (docs/domain.md §8): typed text → Decimal, in the user's language.

English `1,500.50` (comma groups thousands, point for decimals), Dutch `1.500,50`. A group
separator is accepted only between groups of exactly three digits. What could mean two
things (English `6,5`, Dutch `6.5`, `12,34`, `1,50,0`, a group separator after the decimal
mark, two decimal marks) is refused with a message that shows how to write it, never guessed.

Plain Python: only the messages go through Django's translation. Every place a person types
a number reads it here: the form fields (`common.strict`), pasted hourly weights
(`procurement.scope`), fee lines (`procurement.fees`) and the KPI CSV upload. The JSON API
keeps JSON numbers or point-decimal strings without grouping (`common.strict`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Convention:
    decimal: str
    group: str


ENGLISH = Convention(decimal=".", group=",")
DUTCH = Convention(decimal=",", group=".")

_DIGITS_AND_MARKS = re.compile(r"[0-9.,]+")


class NumberError(ValueError):
    """Typed text that is not a number as the convention writes it; `message` says how."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def convention_for(language: str | None) -> Convention:
    """The convention of a language code ("nl", "nl-be" → Dutch; anything else English)."""
    if language and language.lower().split("-")[0].split("_")[0] == "nl":
        return DUTCH
    return ENGLISH


def _other(convention: Convention) -> Convention:
    return DUTCH if convention == ENGLISH else ENGLISH


def _parse(text: str, convention: Convention) -> Decimal | str:
    """The number, or the name of what is wrong with the text."""
    body = text
    sign = ""
    if body[:1] in "+-":
        sign, body = body[0], body[1:]
    if not _DIGITS_AND_MARKS.fullmatch(body) or not any(c.isdigit() for c in body):
        return "invalid"
    if body.count(convention.decimal) > 1:
        return "two_marks"
    whole, _mark, fraction = body.partition(convention.decimal)
    if convention.group in fraction:
        return "group_after_mark"
    if convention.group in whole:
        group = re.escape(convention.group)
        if not re.fullmatch(rf"[0-9]{{1,3}}({group}[0-9]{{3}})+", whole):
            return "grouping"
        whole = whole.replace(convention.group, "")
    return Decimal(f"{sign}{whole or '0'}{'.' + fraction if fraction else ''}")


def write_number(value: Decimal, convention: Convention, *, grouping: bool = True) -> str:
    """A Decimal as the convention writes it, with the places it has (6.50 stays 6,50)."""
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _point, fraction = text.lstrip("-").partition(".")
    if grouping:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = convention.group.join([whole, *groups])
    return f"{sign}{whole}{convention.decimal + fraction if fraction else ''}"


def example(convention: Convention) -> str:
    return write_number(Decimal("1500.50"), convention)


def read_number(text: str, language: str | None) -> Decimal:
    """Typed text → Decimal in the language's convention; NumberError says how to write it.

    >>> read_number("1,500", "en"), read_number("2.500", "nl"), read_number("6,5", "nl")
    (Decimal('1500'), Decimal('2500'), Decimal('6.5'))
    """
    convention = convention_for(language)
    typed = text.strip()
    result = _parse(typed, convention)
    if isinstance(result, Decimal):
        return result
    if result == "invalid":
        raise NumberError(
            " ".join(
                (
                    _("Enter a number."),
                    _("For example %(example)s.") % {"example": example(convention)},
                )
            ),
            "invalid",
        )
    other = _other(convention)
    meant = _parse(typed, other)
    if isinstance(meant, Decimal):
        suggestion = write_number(meant, convention, grouping=other.group in typed)
        raise NumberError(
            _("“%(text)s” could mean two things: write %(suggestion)s.")
            % {"text": typed, "suggestion": suggestion},
            "ambiguous",
        )
    if result == "two_marks":
        message = _("Use one decimal mark, as in %(example)s.")
    elif result == "group_after_mark":
        message = _("Only digits follow the decimal mark, as in %(example)s.")
    else:
        message = _("Group the digits in threes, as in %(example)s, or leave the grouping out.")
    raise NumberError(message % {"example": example(convention)}, "ambiguous")
