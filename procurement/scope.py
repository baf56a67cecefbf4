"""A live channel's scope (docs/domain.md §1 "Live channels"): its defaults, its hourly weights
as the buyer types or pastes them, and the one check the form, the page and the API share.

Hourly weights come from the buyer's own history: typed in as a list, or pasted from a
spreadsheet column (one number per line; a header line, tabs, semicolons, Dutch decimal
commas and thousands separators as the user's language writes them, docs/domain.md §8). They are
stored as decimal strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.numbers import NumberError, convention_for, read_number, write_number
from common.strict import is_plain_decimal
from costing.engine import (
    DEFAULT_ANSWER_SECONDS,
    DEFAULT_CONCURRENCY,
    DEFAULT_SERVICE_LEVEL_PCT,
    EngineInputError,
    OpenHours,
)

from .models import LIVE_CHANNEL_VALUES

# Engine fields that are the RFQ's own (its opening hours), not the channel's.
RFQ_LEVEL_FIELDS = {"open_hours_per_day": "opens_at", "open_days_per_week": "days_per_week"}
LIVE_FIELDS: tuple[str, ...] = ("concurrency", "service_level_pct", "answer_seconds")
MAX_WEIGHT = Decimal("1e9")
_CELL_SPLIT = re.compile(r"[\t;|]")


def live_defaults(channel: str) -> dict[str, Decimal]:
    """docs/domain.md §1: 80% within 20 s (phone) or 60 s (chat); 1 call or 1.7 chats at once."""
    return {
        "concurrency": DEFAULT_CONCURRENCY[channel],  # type: ignore[index]
        "service_level_pct": DEFAULT_SERVICE_LEVEL_PCT,
        "answer_seconds": DEFAULT_ANSWER_SECONDS[channel],  # type: ignore[index]
    }


def _number(item: Any, language: str | None) -> Decimal:
    """A typed or pasted cell by the one reader in the user's language; an API item is a
    JSON number or a point-decimal string."""
    if isinstance(item, bool):
        raise InvalidOperation
    if isinstance(item, Decimal | int):
        return Decimal(item)
    if isinstance(item, float):
        return Decimal(repr(item))
    text = str(item).strip().replace("\u00a0", "")
    if language is not None:
        return read_number(text, language)
    if not is_plain_decimal(text):
        raise InvalidOperation
    return Decimal(text)


def parse_hourly_weights(
    value: str | Iterable[Any] | None, *, language: str | None = None
) -> list[Decimal]:
    """A list as the API gives it (numbers or point-decimal strings), or text typed or pasted
    from a column, read in `language` (default: the active one), as Decimals. Empty → []
    (equal weights). Raises ValidationError naming the bad line or item."""
    if value is None:
        return []
    typed_in = None
    if isinstance(value, str):
        typed_in = language or get_language()
        lines = [line for line in value.replace("\r", "\n").split("\n") if line.strip()]
        if len(lines) == 1:
            # Typed on one line: "1 2 3", "1; 2; 3" or "1, 2, 3" (a comma then a space).
            items: list[Any] = [t for t in re.split(r"[;\s]+|,\s+", lines[0].strip()) if t]
            header_allowed = False
        else:
            # A pasted column; a row may hold the hour beside the count: the count is last.
            items = [[c for c in _CELL_SPLIT.split(line) if c.strip()][-1] for line in lines]
            header_allowed = True
    else:
        items = list(value)
        header_allowed = False
    weights: list[Decimal] = []
    for index, item in enumerate(items):
        try:
            number = _number(item, typed_in)
        except NumberError as exc:
            if header_allowed and index == 0 and exc.code == "invalid":
                continue  # the column's heading ("Calls", "Chats 2025")
            raise ValidationError(
                _("Line %(line)s: %(error)s") % {"line": index + 1, "error": exc.message}
            ) from None
        except (InvalidOperation, ValueError):
            if header_allowed and index == 0:
                continue
            raise ValidationError(
                _("Line %(line)s is not a number: %(text)s")
                % {"line": index + 1, "text": str(item)[:40]}
            ) from None
        if not number.is_finite():
            raise ValidationError(
                _("Line %(line)s is not a number: %(text)s")
                % {"line": index + 1, "text": str(item)[:40]}
            )
        if number <= 0:
            raise ValidationError(
                _("Every hourly weight must be greater than 0 (line %(line)s).")
                % {"line": index + 1}
            )
        if number > MAX_WEIGHT:
            raise ValidationError(_("Line %(line)s is too large.") % {"line": index + 1})
        weights.append(number)
    return weights


def weights_as_text(weights: Iterable[Any], language: str | None = None) -> str:
    """The stored weights one a line, as a textarea shows them, in the user's language."""
    convention = convention_for(language or get_language())
    return "\n".join(write_number(Decimal(str(w)), convention) for w in weights)


def weights_count_error(weights: list[Any], open_hours_per_day: int | None) -> str | None:
    """One weight per open hour (the rule the service, the RFQ page and the calculator share;
    a page runs it beside its field errors so a submit shows every error at once)."""
    if weights and open_hours_per_day is not None and len(weights) != open_hours_per_day:
        return _("Give one weight per open hour: %(hours)s (you gave %(given)s).") % {
            "hours": open_hours_per_day,
            "given": len(weights),
        }
    return None


def check_live_channel(
    *, row: Mapping[str, Any], open_hours_per_day: int | None, days: int
) -> None:
    """The engine's own check of a live channel's open hours (one rule): raises
    ValidationError keyed by the scope field (`hourly_weights`, `concurrency`, …) or by the
    RFQ's `opens_at` when the desk does not open and close on the hour."""
    if open_hours_per_day is None:
        raise ValidationError(
            {
                "opens_at": _(
                    "A desk with live chat or phone opens and closes on the hour (e.g. 09:00–17:00)."
                )
            }
        )
    weights = [Decimal(str(w)) for w in row.get("hourly_weights") or ()]
    message = weights_count_error(weights, open_hours_per_day)
    if message:
        raise ValidationError({"hourly_weights": message})
    try:
        OpenHours(
            channel=row["channel"],
            open_hours_per_day=open_hours_per_day,
            open_days_per_week=days,
            hourly_weights=tuple(weights) or None,
            service_level_pct=row.get("service_level_pct"),
            answer_seconds=row.get("answer_seconds"),
            concurrency=row.get("concurrency"),
        )
    except EngineInputError as exc:
        # A backstop: the model's validators word these checks first, translated.
        field = RFQ_LEVEL_FIELDS.get(exc.field, exc.field)
        raise ValidationError({field: exc.message}) from None


def is_live(channel: str) -> bool:
    return channel in LIVE_CHANNEL_VALUES
