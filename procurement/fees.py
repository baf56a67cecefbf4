"""A quote's further fees (docs/domain.md §2): `{label, amount, per: "month" | "once"}` rows.

One check for the form (a textarea, one fee a line: `reporting module; 250; month`), the
API (a list of objects) and the service, which stores them as JSON with the amount as a
decimal string. Errors name the row: `other_fees.1.amount`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from common.formats import format_eur
from common.numbers import NumberError, convention_for, read_number, write_number
from common.strict import is_plain_decimal

FEE_PER = {"month": gettext_lazy("a month"), "once": gettext_lazy("once")}
# What a user may type for `per` in the textarea (en, nl).
_PER_WORDS = {
    "month": "month",
    "monthly": "month",
    "maand": "month",
    "per maand": "month",
    "a month": "month",
    "once": "once",
    "one-time": "once",
    "one time": "once",
    "eenmalig": "once",
}
MAX_FEES = 50
MAX_LABEL = 200
MAX_AMOUNT = Decimal("1e10")
_SPLIT = re.compile(r"\s*[;|\t]\s*")


def _amount(value: Any, language: str | None) -> Decimal:
    """A typed line's amount by the one reader in the user's language (`€ 1.500,50`); a row
    from the API or the service is a JSON number or a point-decimal string."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif language is not None:
        amount = read_number(str(value).replace("€", "").strip(), language)
    elif is_plain_decimal(str(value).strip()):
        amount = Decimal(str(value).strip())
    else:
        raise InvalidOperation
    if not amount.is_finite():
        raise InvalidOperation
    return amount


def parse_other_fees(
    value: str | Iterable[Any] | None, *, language: str | None = None
) -> list[dict[str, str]]:
    """Text (one fee a line: label; amount; month|once) or a list of mappings → the stored
    rows. Raises ValidationError keyed `other_fees.<row>.<field>` (rows count from 0).
    Typed text is read in `language` (default: the active one); rows as the API gives them."""
    if value is None or value == "":
        return []
    typed_in = None
    if isinstance(value, str):
        typed_in = language or get_language()
        rows: list[Mapping[str, Any]] = []
        for line in (line for line in value.splitlines() if line.strip()):
            parts = _SPLIT.split(line.strip())
            parts += [""] * (3 - len(parts))
            rows.append({"label": parts[0], "amount": parts[1], "per": parts[2]})
    else:
        rows = [row if isinstance(row, Mapping) else {"label": row} for row in value]
    if len(rows) > MAX_FEES:
        raise ValidationError({"other_fees": _("At most %(n)s fees.") % {"n": MAX_FEES}})
    errors: dict[str, str] = {}
    fees = []
    for index, row in enumerate(rows):
        label = str(row.get("label") or "").strip()
        if not label:
            errors[f"other_fees.{index}.label"] = _("Name the fee.")
        elif len(label) > MAX_LABEL:
            errors[f"other_fees.{index}.label"] = _("At most %(n)s characters.") % {"n": MAX_LABEL}
        try:
            amount = _amount(row.get("amount"), typed_in)
            if amount < 0 or amount > MAX_AMOUNT:
                raise InvalidOperation
        except NumberError as exc:
            errors[f"other_fees.{index}.amount"] = exc.message
            amount = Decimal(0)
        except (InvalidOperation, ValueError, TypeError):
            errors[f"other_fees.{index}.amount"] = _("Give the amount in euros, 0 or more.")
            amount = Decimal(0)
        per = _PER_WORDS.get(str(row.get("per") or "").strip().lower())
        if per is None:
            errors[f"other_fees.{index}.per"] = _("Say whether the fee is paid a month or once.")
        fees.append({"label": label, "amount": f"{amount.quantize(Decimal('0.01'))}", "per": per})
    if errors:
        raise ValidationError(errors)
    return fees


def other_fees_as_text(fees: Iterable[Mapping[str, Any]], language: str | None = None) -> str:
    """The stored rows as the textarea shows them, the amount in the user's language (so
    posting the text back reads the same amounts)."""
    convention = convention_for(language or get_language())
    return "\n".join(
        f"{fee['label']}; {write_number(Decimal(str(fee['amount'])), convention)}; {fee['per']}"
        for fee in fees or ()
    )


def other_fees_display(fees: Iterable[Mapping[str, Any]]) -> str:
    """ "Reporting module: €250.00 a month" one a line, for pages and revisions."""
    return "\n".join(
        f"{fee['label']}: {format_eur(Decimal(fee['amount']))} {FEE_PER.get(fee['per'], '')}"
        for fee in fees or ()
    )
