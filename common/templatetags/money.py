"""Template filters for money, decimals, percentages and deadlines; the formatting lives in
common.formats."""

from django import template

from common.formats import format_deadline, format_decimal, format_eur, format_pct

register = template.Library()


@register.filter
def eur(value, places: int = 2) -> str:
    """`{{ quote.hourly_rate|eur }}` → `€ 18,00` (nl) or `€18.00` (en)."""
    return format_eur(value, int(places))


@register.filter
def dec(value, places: int = 2) -> str:
    return format_decimal(value, int(places))


@register.filter
def pct(value, places: int = 2) -> str:
    return format_pct(value, int(places))


@register.filter
def deadline(value) -> str:
    """`{{ rfq.quote_deadline|deadline }}` → `14 Dec 2026, 17:00 CET`."""
    return format_deadline(value)
