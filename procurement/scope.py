"""A live channel's scope (DOMAIN.md §1 "Live channels"): its defaults, its hourly weights
as the buyer types or pastes them, and the one check the form, the page and the API share.

Hourly weights come from the buyer's own history: typed in as a list, or pasted from a
spreadsheet column (one number per line; a header line, tabs, semicolons, Dutch decimal
commas and thousands separators are all fine). They are stored as decimal strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
    """DOMAIN.md §1: 80% within 20 s (phone) or 60 s (chat); 1 call or 1.7 chats at once."""
    return {
        "concurrency": DEFAULT_CONCURRENCY[channel],  # type: ignore[index]
        "service_level_pct": DEFAULT_SERVICE_LEVEL_PCT,
        "answer_seconds": DEFAULT_ANSWER_SECONDS[channel],  # type: ignore[index]
    }


def _number(cell: str) -> Decimal:
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        # 1.234,5 (Dutch) or 1,234.5 (English): the first separator groups thousands.
        thousands = "." if text.index(".") < text.index(",") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


def parse_hourly_weights(value: str | Iterable[Any] | None) -> list[Decimal]:
    """A list as typed (numbers or strings), or text pasted from a column, as Decimals.
    Empty → [] (equal weights). Raises ValidationError naming the bad line or item."""
    if value is None:
        return []
    if isinstance(value, str):
        lines = [line for line in value.replace("\r", "\n").split("\n") if line.strip()]
        if len(lines) == 1:
            # Typed on one line: "1 2 3", "1; 2; 3" or "1, 2, 3" (a lone "2,5" is a decimal).
            items: list[Any] = [t.strip(",") for t in re.split(r"[;\s]+", lines[0]) if t.strip(",")]
            if len(items) == 1 and items[0].count(",") > 1:
                items = items[0].split(",")
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
            number = _number(str(item)) if not isinstance(item, Decimal) else item
        except (InvalidOperation, ValueError):
            if header_allowed and index == 0:
                continue  # the column's heading ("Calls", "Chats 2025")
            raise ValidationError(
                _("Line %(line)s is not a number: %(text)s")
                % {"line": index + 1, "text": str(item)[:40]}
            ) from None
        if number <= 0:
            raise ValidationError(
                _("Every hourly weight must be greater than 0 (line %(line)s).")
                % {"line": index + 1}
            )
        if number > MAX_WEIGHT:
            raise ValidationError(_("Line %(line)s is too large.") % {"line": index + 1})
        weights.append(number)
    return weights


def weights_as_text(weights: Iterable[Any]) -> str:
    """The stored weights one a line, as a textarea shows them."""
    return "\n".join(str(w) for w in weights)


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
    if weights and len(weights) != open_hours_per_day:
        raise ValidationError(
            {
                "hourly_weights": _(
                    "Give one weight per open hour: %(hours)s (you gave %(given)s)."
                )
                % {"hours": open_hours_per_day, "given": len(weights)}
            }
        )
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
