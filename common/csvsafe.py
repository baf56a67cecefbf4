"""Escaping for user text that ends up in spreadsheets (XLSX and CSV exports). A plain module:
every app that writes a spreadsheet (costing exports, the pilot KPI CSV) imports it.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel and LibreOffice (CSV/formula injection, OWASP). A leading `'` makes it
plain text again. `localized_csv` writes a whole CSV in the user's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import get_language

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell_text(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def safe_csv_row(values: Iterable[object]) -> list[object]:
    """Escape the strings of one CSV row; numbers stay numbers (a Decimal −5 is no formula),
    so pass money as Decimal, not as preformatted text. None becomes an empty cell."""
    return [
        "" if value is None else safe_cell_text(value) if isinstance(value, str) else value
        for value in values
    ]


def csv_separators() -> tuple[str, str]:
    """(delimiter, decimal separator) that Excel expects in the active language: Dutch
    Excel splits columns on ";" because "," is its decimal comma."""
    if (get_language() or "en").startswith("nl"):
        return ";", ","
    return ",", "."


def _csv_number(value: object, decimal_separator: str) -> object:
    if isinstance(value, Decimal | float):
        return f"{value:f}".replace(".", decimal_separator)
    return value


def localized_csv(rows: Iterable[Iterable[object]], *, byte_order_mark: bool = True) -> str:
    """A CSV in the user's language, as Excel opens it with a double click: a byte-order
    mark (UTF-8: €, accents), the language's delimiter and decimal separator, no thousands
    separators. User text is escaped against formulas; numbers stay numbers."""
    delimiter, decimal_separator = csv_separators()
    buffer = io.StringIO()
    if byte_order_mark:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_number(value, decimal_separator) for value in safe_csv_row(row)])
    return buffer.getvalue()
