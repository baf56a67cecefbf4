"""A quote's further fees (DOMAIN.md §2): `{label, amount, per: "month" | "once"}` rows.

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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formats import format_eur

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


def _amount(value: Any) -> Decimal:
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text and "." in text:
        thousands = "." if text.index(".") < text.index(",") else ","
        text = text.replace(thousands, "")
    amount = Decimal(text.replace(",", "."))
    if not amount.is_finite():
        raise InvalidOperation
    return amount


def parse_other_fees(value: str | Iterable[Any] | None) -> list[dict[str, str]]:
    """Text (one fee a line: label; amount; month|once) or a list of mappings → the stored
    rows. Raises ValidationError keyed `other_fees.<row>.<field>` (rows count from 0)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
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
            amount = _amount(row.get("amount"))
            if amount < 0 or amount > MAX_AMOUNT:
                raise InvalidOperation
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


def other_fees_as_text(fees: Iterable[Mapping[str, Any]]) -> str:
    """The stored rows as the textarea shows them."""
    return "\n".join(f"{fee['label']}; {fee['amount']}; {fee['per']}" for fee in fees or ())


def other_fees_display(fees: Iterable[Mapping[str, Any]]) -> str:
    """ "Reporting module: €250.00 a month" one a line, for pages and revisions."""
    return "\n".join(
        f"{fee['label']}: {format_eur(Decimal(fee['amount']))} {FEE_PER.get(fee['per'], '')}"
        for fee in fees or ()
    )
