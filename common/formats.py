"""Display formatting for money, decimals and percentages in the active language.

A plain module: services, e-mails, exports and template filters all format through it.

Values stay `Decimal` until here; rounding happens only for display
(`€ 1.234,56` under nl, `€1,234.56` under en).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_decimal(value, places: int = 2) -> str:
    number = _to_decimal(value)
    if number is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def format_eur(value, places: int = 2) -> str:
    text = format_decimal(value, places)
    if text == "—":
        return text
    if (get_language() or "en").startswith("nl"):
        return f"€\u00a0{text}"
    return f"€{text}"


def format_pct(value, places: int = 2) -> str:
    text = format_decimal(value, places)
    return text if text == "—" else f"{text}%"
