"""Escaping for user text that ends up in spreadsheets (XLSX and CSV exports). A plain module:
every app that writes a spreadsheet (costing exports, the pilot KPI CSV) imports it.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel and LibreOffice (CSV/formula injection, OWASP). A leading `'` makes it
plain text again."""

from __future__ import annotations

from collections.abc import Iterable

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
