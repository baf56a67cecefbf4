"""Display formatting for money, decimals, percentages, dates and times in the active language.

A plain module: services, e-mails, exports and template filters all format through it.

Values stay `Decimal` until here; rounding happens only for display
(`€ 1.234,56` under nl, `€1,234.56` under en). Dates use the one format of each language
(`config/formats/<lang>/formats.py`): "14 Dec 2026", "14 Dec 2026, 18:41"; a deadline
names its time zone ("14 Dec 2026, 17:00 CET"), as vendors read it from other zones.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, number_format
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


def format_date(value: date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, "DATE_FORMAT")


def format_datetime(value: datetime | None) -> str:
    """In the app's time zone (TIME_ZONE)."""
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


def format_deadline(value: datetime | None) -> str:
    """A moment someone elsewhere must meet: with its time zone, "14 Dec 2026, 17:00 CET"."""
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    zone = value.tzname() or ""
    text = date_format(value, "DATETIME_FORMAT")
    return f"{text} {zone}".strip()
