"""The "Hour by hour" sheet of the comparison workbook: each live channel (chat, phone)
staffed per open hour (docs/domain.md §1 "Live channels in the cost comparison").

Self-contained: `write_staffing_sheet(workbook, …)` adds the sheet to any openpyxl workbook
and returns the cells the other sheets read (the live part's volume, handled contacts,
workload hours and seat hours, and the seat hours of each scenario).

Erlang C is no spreadsheet formula, so the seats and the service level of each open hour are
the engine's VALUES; everything around them is a FORMULA over the channel's inputs written
beside them (contacts per open hour, Erlangs, handled contacts, workload hours, seat hours a
month = 4.2 × days × Σ seats), so the file still explains itself. Scenario seat hours are
values (the seats of a scaled day, recomputed by the engine).

Layout:
    A1                  title; A2 a note on what is a value and what a formula
    B4..B7              totals over the live channels: volume, handled, workload hours,
                        seat hours a month
    A10.., B10..        seat hours a month per scenario (values)
    from row 15         one block per channel: its inputs (B), then one row per open hour:
                        hour, clock period, weight, contacts, Erlangs, seats, service level
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.csvsafe import safe_cell_text
from costing.engine import ScenarioFactors, Workload
from costing.engine.live import WEEKS_PER_MONTH
from costing.messages import SCENARIO_LABELS
from costing.xlsx_sheets import sheet_names, sheet_ref

TOTAL_ROWS: Mapping[str, int] = {
    "live_volume_per_month": 4,
    "live_handled_per_month": 5,
    "live_workload_hours_per_month": 6,
    "live_seat_hours_per_month": 7,
}
SCENARIO_HEADER_ROW = 9
FIRST_BLOCK_ROW = 15
INPUT_LABELS: tuple[tuple[str, Promise], ...] = (
    ("volume_per_month", _("Volume per month")),
    ("aht_minutes", _("AHT (minutes)")),
    ("automation_deflection_pct", _("Automation deflection %")),
    ("open_hours_per_day", _("Open hours per day")),
    ("open_days_per_week", _("Open days per week")),
    ("service_level_pct", _("Service level target %")),
    ("answer_seconds", _("Answered within (seconds)")),
    ("concurrency", _("Contacts an agent carries at once")),
    ("max_occupancy_pct", _("Maximum occupancy % (blank = none)")),
    ("handled", _("Handled per month")),
    ("workload_hours", _("Workload hours per month")),
    ("weights_total", _("Sum of the hourly weights")),
    ("seat_hours", _("Seat hours per month")),
)
HOUR_COLUMNS = (
    _("Hour"),
    _("Period"),
    _("Weight"),
    _("Contacts"),
    _("Erlangs"),
    _("Seats"),
    _("Service level %"),
)
TWO_DECIMALS = "0.00"
_TOTAL_LABELS = {
    "live_volume_per_month": _("Live channels: volume per month"),
    "live_handled_per_month": _("Live channels: handled per month"),
    "live_workload_hours_per_month": _("Live channels: workload hours per month"),
    "live_seat_hours_per_month": _("Live channels: seat hours per month"),
}


@dataclass(frozen=True)
class LiveSheet:
    """Absolute references (`'Hour by hour'!B7`) for the other sheets' formulas."""

    totals: dict[str, str]
    scenario_seat_hours: dict[str, str]


def _ref(cell: str) -> str:
    return sheet_ref(sheet_names().hourly, cell)


def _period(opens_at_hour: int | None, hour: int) -> str:
    if opens_at_hour is None:
        return str(hour)
    start = (opens_at_hour + hour - 1) % 24
    return f"{start:02d}:00–{(start + 1) % 24:02d}:00"


def write_staffing_sheet(
    workbook: Workbook,
    *,
    title: str,
    channels: Sequence[tuple[str, Workload]],
    opens_at_hour: int | None,
    deflection_ref: str,
    scenario_factors: Mapping[str, ScenarioFactors],
) -> LiveSheet:
    """Adds the sheet; `channels` are (label, live Workload); `deflection_ref` is the cell
    that holds the automation deflection % (one input for the whole workbook)."""
    ws = workbook.create_sheet(sheet_names().hourly)
    ws["A1"] = safe_cell_text(title)
    ws["A2"] = gettext(
        "Seats and service level per open hour are Erlang C values from the engine; "
        "contacts, Erlangs and the monthly hours are formulas over the inputs beside them."
    )
    block_refs: list[dict[str, str]] = []
    row = FIRST_BLOCK_ROW
    for label, workload in channels:
        refs, row = _write_channel(
            ws,
            row=row,
            label=label,
            workload=workload,
            opens_at_hour=opens_at_hour,
            deflection_ref=deflection_ref,
        )
        block_refs.append(refs)
        row += 2

    totals: dict[str, str] = {}
    for name, total_row in TOTAL_ROWS.items():
        ws[f"A{total_row}"] = str(_TOTAL_LABELS[name])
        key = name.removeprefix("live_").removesuffix("_per_month")
        parts = [refs[key] for refs in block_refs]
        cell = ws[f"B{total_row}"]
        cell.value = f"={'+'.join(parts)}" if parts else 0
        cell.number_format = TWO_DECIMALS
        totals[name] = _ref(f"B{total_row}")

    ws[f"A{SCENARIO_HEADER_ROW}"] = gettext("Seat hours per month by scenario (Erlang C values)")
    ws[f"A{SCENARIO_HEADER_ROW}"].font = Font(bold=True)
    scenario_refs: dict[str, str] = {}
    for offset, (name, factors) in enumerate(scenario_factors.items(), start=1):
        scenario_row = SCENARIO_HEADER_ROW + offset
        seat_hours = sum(
            (
                w.scaled(volume=factors.volume, aht=factors.aht).staffing.seat_hours_per_month  # type: ignore[union-attr]
                for _label, w in channels
            ),
            Decimal(0),
        )
        label = SCENARIO_LABELS.get(name)
        ws[f"A{scenario_row}"] = safe_cell_text(name) if label is None else str(label)
        ws[f"B{scenario_row}"] = seat_hours
        ws[f"B{scenario_row}"].number_format = TWO_DECIMALS
        scenario_refs[name] = _ref(f"B{scenario_row}")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 14
    return LiveSheet(totals=totals, scenario_seat_hours=scenario_refs)


def _write_channel(
    ws,
    *,
    row: int,
    label: str,
    workload: Workload,
    opens_at_hour: int | None,
    deflection_ref: str,
) -> tuple[dict[str, str], int]:
    open_hours = workload.open_hours
    staffing = workload.staffing
    assert open_hours is not None and staffing is not None, "a live channel"
    ws[f"A{row}"] = safe_cell_text(label)
    ws[f"A{row}"].font = Font(bold=True)
    at = {name: f"B{row + 1 + index}" for index, (name, _text) in enumerate(INPUT_LABELS)}
    for index, (_name, text) in enumerate(INPUT_LABELS):
        ws[f"A{row + 1 + index}"] = str(text)
    first_hour_row = row + len(INPUT_LABELS) + 2
    last_hour_row = first_hour_row + len(staffing.hours) - 1
    weights = [f"C{r}" for r in range(first_hour_row, last_hour_row + 1)]
    seats = [f"F{r}" for r in range(first_hour_row, last_hour_row + 1)]
    values: dict[str, object] = {
        "volume_per_month": workload.volume_per_month,
        "aht_minutes": workload.aht_minutes,
        "automation_deflection_pct": f"={deflection_ref}",
        "open_hours_per_day": open_hours.open_hours_per_day,
        "open_days_per_week": open_hours.open_days_per_week,
        "service_level_pct": open_hours.service_level_pct,
        "answer_seconds": open_hours.answer_seconds,
        "concurrency": open_hours.concurrency,
        "max_occupancy_pct": open_hours.max_occupancy_pct,
        "handled": f"={at['volume_per_month']}*(1-{at['automation_deflection_pct']}/100)",
        # docs/domain.md §1: an agent carries `concurrency` contacts at once.
        "workload_hours": f"={at['handled']}*{at['aht_minutes']}/{at['concurrency']}/60",
        "weights_total": f"={'+'.join(weights)}",
        # docs/domain.md §1: seat hours = 4.2 × days × Σ seats of an open day.
        "seat_hours": f"={WEEKS_PER_MONTH}*{at['open_days_per_week']}*({'+'.join(seats)})",
    }
    for name, value in values.items():
        ws[at[name]] = value
        if name not in ("open_hours_per_day", "open_days_per_week"):
            ws[at[name]].number_format = TWO_DECIMALS
    header_row = first_hour_row - 1
    for offset, text in enumerate(HOUR_COLUMNS):
        cell = ws.cell(row=header_row, column=1 + offset, value=str(text))
        cell.font = Font(bold=True)
    per_day = f"{at['handled']}/({at['open_days_per_week']}*{WEEKS_PER_MONTH})"
    for hour_row, weight, hour in zip(
        range(first_hour_row, last_hour_row + 1),
        open_hours.hourly_weights or (),
        staffing.hours,
        strict=True,
    ):
        ws[f"A{hour_row}"] = hour.hour
        ws[f"B{hour_row}"] = _period(opens_at_hour, hour.hour)
        ws[f"C{hour_row}"] = weight
        ws[f"D{hour_row}"] = f"={per_day}*C{hour_row}/{at['weights_total']}"
        ws[f"E{hour_row}"] = f"=D{hour_row}*{at['aht_minutes']}*60/{at['concurrency']}/3600"
        ws[f"F{hour_row}"] = hour.seats
        ws[f"G{hour_row}"] = hour.service_level_pct
        for column in "DEG":
            ws[f"{column}{hour_row}"].number_format = TWO_DECIMALS
    refs = {
        "volume": _ref(at["volume_per_month"]),
        "handled": _ref(at["handled"]),
        "workload_hours": _ref(at["workload_hours"]),
        "seat_hours": _ref(at["seat_hours"]),
    }
    return refs, last_hour_row
