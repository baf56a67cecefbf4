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
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import get_language


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}
# Per language: how Python's "1,234.56" becomes the language's, where it groups by three
# (en, nl); None where Django's number_format has to do it.
_SEPARATORS: dict[str | None, dict[int, str] | None] = {}


def _separators(language: str | None) -> dict[int, str] | None:
    try:
        return _SEPARATORS[language]
    except KeyError:
        found = None
        if get_format("NUMBER_GROUPING", language) == 3:
            decimal_separator = str(get_format("DECIMAL_SEPARATOR", language))
            thousand_separator = str(get_format("THOUSAND_SEPARATOR", language))
            found = {ord(","): thousand_separator, ord("."): decimal_separator}
        _SEPARATORS[language] = found
        return found


def _decimal_text(value, places: int, language: str | None) -> str:
    number = _to_decimal(value)
    if number is None:
        return "—"
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    separators = _separators(language)
    if separators is None or not rounded.is_finite() or rounded.adjusted() > 100:
        return number_format(rounded, places, use_l10n=True, force_grouping=True)
    # What number_format makes of it, without its look-ups per call (a comparison page
    # formats some 400 amounts, issue 22): groups of three, never "-0.00".
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:,f}".translate(separators)


def format_decimal(value, places: int = 2) -> str:
    return _decimal_text(value, places, get_language())


def format_eur(value, places: int = 2) -> str:
    language = get_language()
    text = _decimal_text(value, places, language)
    if text == "—":
        return text
    if (language or "en").startswith("nl"):
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
