"""Bulk KPI entry from a CSV file: parse, validate every row with the same rules as the form
(`kpis.days.KpiDayForm`), and report each bad row with its line number. Works for any
measured period (a pilot, a contract): it reads `start_date`, `end_date` and `targets` only.

Accepted: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), `,` or `;` between
values (detected from the header). One number convention per file (docs/domain.md §8, read by the
one reader `common.numbers`): `;` goes with decimal commas (`1.500,50`, Dutch Excel), `,` with
decimal points (`1,500.50`); a value in the other convention is an error naming its line and
column. Dates as
`YYYY-MM-DD` or `DD-MM-YYYY`/`DD/MM/YYYY` (what a Dutch spreadsheet writes). The header row names
the columns (any order, any case); `qa_sampled` and `note` may be left out.

Nothing here writes: `kpi_days.kpi_days_import` saves all rows or none.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.csvsafe import localized_csv
from common.numbers import NumberError, read_number

from .days import DECIMAL_FIELDS, OPTIONAL_FIELDS, REQUIRED_FIELDS, KpiPeriod, kpi_day_errors
from .definitions import DAILY_FIELDS
from .models import KpiDay

MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MB: 400 rows with long notes fit easily
MAX_ROWS = 400  # a 90-day pilot needs at most 90 rows; more is a wrong file
# The template has fewer than 25 columns; a header far wider is a wrong file (or an attack:
# 20,000 repeated names in 100 kB). Every check below is linear in the file's size.
MAX_COLUMNS = 50
DATE_COLUMN = "date"
# The columns come from the KPI table: the date, the required daily fields, the optional
# ones (the QA sample and the extra KPIs' fields), the note.
REQUIRED_COLUMNS = (DATE_COLUMN, *REQUIRED_FIELDS)
OPTIONAL_COLUMNS = (*OPTIONAL_FIELDS, "note")
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
EXAMPLE_ROW = {
    **{f.name: Decimal(f.example) if f.name in DECIMAL_FIELDS else f.example for f in DAILY_FIELDS},
    "note": "",
}

# The file's convention follows its delimiter: Dutch Excel writes `;` and decimal commas.
LANGUAGE_OF_DELIMITER = {";": "nl", ",": "en"}
FILE_CONVENTION = gettext_lazy(
    "A file separated by semicolons writes decimals with a comma (35,5); one separated by "
    "commas writes them with a point (35.5)."
)
# The template's example row says so in its date column; the importer skips such a row.
EXAMPLE_MARK = "example"
EXAMPLE_MARKS = {"example", "voorbeeld"}
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    field: str
    message: str


@dataclass
class ParsedCsv:
    rows: list[tuple[int, date, dict[str, object]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_csv(period: KpiPeriod) -> str:
    """The downloadable template: the header row and one example row, in the user's language
    (`;` and a decimal comma in Dutch). The example is marked `example` in its date column,
    never dated inside the period, and the importer skips it: uploading the template as it is
    can never overwrite a real day (issue 24)."""
    note = _("Example row: never saved. Replace it with your days.")
    example = {**EXAMPLE_ROW, "note": note}
    rows = [COLUMNS, [EXAMPLE_MARK, *(example[c] for c in COLUMNS[1:])]]
    return localized_csv(rows, byte_order_mark=False)


def entries_csv(entries: list[KpiDay]) -> str:
    """The entries in the template's format, so a file can be downloaded, corrected
    and uploaded again, in the user's language. Notes are escaped against formulas."""
    rows = [
        [
            entry.day.isoformat(),
            *("" if getattr(entry, name) is None else getattr(entry, name) for name in COLUMNS[1:]),
        ]
        for entry in entries
    ]
    return localized_csv([COLUMNS, *rows], byte_order_mark=False)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """ISO `2026-03-01`, or day first as a Dutch spreadsheet writes it: `1-3-2026`, `01/03/2026`."""
    iso = _parse_date(text)
    if iso is not None:
        return iso
    match = _DMY.match(text.strip())
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day).date()
    except ValueError:
        return None


def _number(text: str, *, integer: bool, language: str) -> tuple[object, str | None]:
    """(value for the rules, error), read by the one reader in the file's convention."""
    text = text.strip().replace("\u00a0", "")
    if text.startswith("€"):
        text = text[1:].strip()
    if not text:
        return None, None
    try:
        number = read_number(text, language)
    except NumberError as exc:
        if exc.code == "invalid":
            return None, _("Enter a whole number.") if integer else exc.message
        return None, " ".join((exc.message, str(FILE_CONVENTION)))
    if integer:
        if number != number.to_integral_value():
            return None, _("Enter a whole number.")
        return int(number), None
    return number, None


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    if not raw.strip():
        return None, _("The file is empty.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
    if b"\x00" in raw:
        return None, _("This is not a CSV text file. Download the template and save it as CSV.")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")


def _delimiter(header_line: str) -> str:
    # The header holds only column names, so whichever separator it uses more is the one.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse_kpi_csv(*, raw: bytes, period: KpiPeriod, today: date) -> ParsedCsv:
    """Parse and validate every row; never raises on bad input."""
    result = ParsedCsv()

    def file_error(message: str) -> ParsedCsv:
        # A problem with the file as a whole replaces any row errors found before it.
        result.errors[:] = [RowError(line=None, field="file", message=message)]
        result.rows.clear()
        return result

    if len(raw) > MAX_UPLOAD_BYTES:
        return file_error(
            _("The file is larger than 1 MB. Upload at most %(rows)s rows at a time.")
            % {"rows": MAX_ROWS}
        )
    text, error = _decode(raw)
    if error:
        return file_error(error)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _delimiter(first_line)
    language = LANGUAGE_OF_DELIMITER[delimiter]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header: list[str] | None = None
        seen_days: dict[date, int] = {}
        data_rows = 0
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank lines between rows are harmless
            if header is None:
                header = [cell.strip().lower() for cell in record]
                problem = _header_problem(header)
                if problem:
                    return file_error(problem)
                continue
            line = reader.line_num
            if _is_example(record, header):
                continue  # the template's example row, never a day
            data_rows += 1
            if data_rows > MAX_ROWS:
                return file_error(
                    _("The file has more than %(rows)s rows. Upload at most %(rows)s at a time.")
                    % {"rows": MAX_ROWS}
                )
            _parse_row(result, record, header, line, period, today, seen_days, language)
    except csv.Error as exc:
        return file_error(
            _("The file could not be read as CSV near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        )
    if header is None:
        return file_error(_("The file is empty."))
    if not result.rows and not result.errors:
        return file_error(_("The file has a header row but no data rows."))
    if result.errors:
        result.rows.clear()  # all rows or none
    return result


def _is_example(record: list[str], header: list[str]) -> bool:
    if DATE_COLUMN not in header or len(record) <= header.index(DATE_COLUMN):
        return False
    return record[header.index(DATE_COLUMN)].strip().lower() in EXAMPLE_MARKS


def _header_problem(header: list[str]) -> str | None:
    if len(header) > MAX_COLUMNS:
        return _(
            "The header row has %(found)s columns; at most %(max)s are read. Download the "
            "template for the columns expected."
        ) % {"found": len(header), "max": MAX_COLUMNS}
    counts = Counter(header)  # one pass: never a count per name (quadratic on a wide header)
    duplicates = sorted(name for name, count in counts.items() if count > 1 and name)
    missing = [name for name in REQUIRED_COLUMNS if name not in counts]
    unknown = [name for name in header if name and name not in COLUMNS]
    if duplicates:
        return _("Columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown: %(columns)s") % {"columns": ", ".join(unknown[:10])})
        return _(
            "The header row does not match the template (%(problems)s). Expected the columns: "
            "%(expected)s."
        ) % {"problems": "; ".join(parts), "expected": ", ".join(COLUMNS)}
    return None


def _parse_row(
    result: ParsedCsv,
    record: list[str],
    header: list[str],
    line: int,
    period: KpiPeriod,
    today: date,
    seen_days: dict[date, int],
    language: str = "en",
) -> None:
    if len(record) != len(header):
        result.errors.append(
            RowError(
                line,
                "file",
                _("Expected %(expected)s values, found %(found)s.")
                % {"expected": len(header), "found": len(record)},
            )
        )
        return
    cells = {name: value for name, value in zip(header, record, strict=True) if name}
    errors: dict[str, str] = {}
    day = parse_date(cells[DATE_COLUMN])
    if day is None:
        errors[DATE_COLUMN] = _("Enter a date as YYYY-MM-DD, e.g. %(example)s.") % {
            "example": period.start_date.isoformat()
        }
    elif day in seen_days:
        errors[DATE_COLUMN] = _("This date is already on line %(line)s.") % {"line": seen_days[day]}
    values: dict[str, object] = {}
    for name in COLUMNS[1:]:
        if name not in cells:
            continue
        if name == "note":
            values["note"] = cells["note"]
            continue
        value, error = _number(cells[name], integer=name not in DECIMAL_FIELDS, language=language)
        if error:
            errors[name] = error
        elif value is not None:
            values[name] = value
    rules = kpi_day_errors(period=period, day=day, values=values, today=today)
    for name, message in rules.items():
        name = DATE_COLUMN if name == "day" else name
        if name == DATE_COLUMN and day is None:
            continue  # already said: not a date
        errors.setdefault(name, message)
    if day is not None and day not in seen_days:
        seen_days[day] = line
    if errors:
        result.errors.extend(RowError(line, name, message) for name, message in errors.items())
    else:
        result.rows.append((line, day, values))
