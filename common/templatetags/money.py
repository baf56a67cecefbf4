"""Display formatting for money, decimals and percentages in the active language.

Values stay `Decimal` until here; rounding happens only for display
(`€ 1.234,56` under nl, `€1,234.56` under en).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


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


@register.filter
def eur(value, places: int = 2) -> str:
    """`{{ quote.hourly_rate|eur }}` → `€ 18,00` (nl) or `€18.00` (en)."""
    return format_eur(value, int(places))


@register.filter
def dec(value, places: int = 2) -> str:
    return format_decimal(value, int(places))


@register.filter
def pct(value, places: int = 2) -> str:
    text = format_decimal(value, int(places))
    return text if text == "—" else f"{text}%"
