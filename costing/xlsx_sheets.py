"""The comparison workbook's sheet names, in the user's language, and how formulas cite them.

One place for the names: the sheets are created under `sheet_names()` and every formula
that reads another sheet builds its reference with `sheet_ref()`, so a translated name
can never leave a formula pointing at a sheet that does not exist. Call both while the
user's language is active (the export view runs under LocaleMiddleware).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import pgettext

# Excel refuses these in a sheet name, and a name longer than 31 characters.
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
# A name cited without quotes: letters only, long enough not to read as a column (e.g. "AB").
_BARE = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class SheetNames:
    inputs: str
    results: str
    scenarios: str
    hourly: str
    decision: str
    best_value: str


def sheet_title(name: str) -> str:
    """`name` made acceptable to Excel: forbidden characters dropped, at most 31 long,
    no apostrophe at either end."""
    return _FORBIDDEN.sub("", str(name)).strip().strip("'")[:MAX_SHEET_NAME].strip() or "-"


def sheet_names() -> SheetNames:
    """The sheet names in the active language."""
    return SheetNames(
        inputs=sheet_title(pgettext("spreadsheet sheet", "Inputs")),
        results=sheet_title(pgettext("spreadsheet sheet", "Results")),
        scenarios=sheet_title(pgettext("spreadsheet sheet", "Scenarios")),
        hourly=sheet_title(pgettext("spreadsheet sheet", "Hour by hour")),
        decision=sheet_title(pgettext("spreadsheet sheet", "Decision")),
        best_value=sheet_title(pgettext("spreadsheet sheet", "Best value")),
    )


def sheet_ref(name: str, cell: str) -> str:
    """`Inputs!B3`, or `'Uur per uur'!B7` / `'Scenario''s'!A1` when the name needs quotes."""
    if _BARE.fullmatch(name) and name.upper() not in {"TRUE", "FALSE"}:
        return f"{name}!{cell}"
    quoted = name.replace("'", "''")
    return f"'{quoted}'!{cell}"
