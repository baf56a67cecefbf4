"""The cost article's spreadsheet recipe as an XLSX with live formulas.

Pure: takes engine inputs, returns bytes. Every result is an Excel formula over the
"Inputs" sheet, so a procurement user can change a volume or a rate in Excel and watch
TCO, savings and ROI follow. The formulas restate docs/domain.md §1–§2; tests evaluate them
and compare with the engine.

Layout (cell positions are part of the contract with the tests):

Inputs
    A1              title
    B3..B8          volume_per_month, aht_minutes, productive_hours_per_fte_month,
                    coverage_hours_per_week, automation_deflection_pct, months — the
                    BACKLOG part of the scope (e-mail): its volume and volume-weighted AHT
    B9              transition_months (double running, docs/domain.md §2)
    B10..B16        in-house: fte (blank = derived), gross_salary_month,
                    employer_costs_pct, overhead_per_fte_month, licences_per_fte_month,
                    absence_pct, one_time
    C18.. (one column per offer, C, D, …)
    row 18..29      label, pricing_model, hourly_rate, per_ticket_rate, monthly_fee,
                    agents (blank = derived), onboarding_fee, onboarding_hours_per_agent,
                    licences_per_agent_month, integration_one_time, management_per_month,
                    exit_fee
    row 30..32      onboarding_hourly_rate (training rate), other fees a month, other
                    fees once
    B35..B38        the LIVE part (chat, phone) from the "Hour by hour" sheet: volume,
                    handled, workload hours and seat hours a month (formulas over it)
Results
    B3..B7          handled, workload_hours_per_month, fte_required, coverage_fte,
                    billable_hours_per_month (backlog workload hours + live seat hours)
    row 8           header: B = in-house, C, D, … = offers (same columns as on Inputs)
    rows 9..20      people (FTE / agents), variable_monthly, fixed_monthly, monthly,
                    one_time, tco, cost_per_ticket, variable, fixed, savings,
                    savings_pct, roi_pct
Scenarios
    row 3           header; rows 4.. one scenario each
    A..C            name, volume factor, AHT factor (editable)
    D..H            handled, workload hours, FTE required, in-house FTE, in-house TCO
    then per offer  agents, TCO, savings (three columns each, from column I)

Decision (docs/domain.md §4: the three axes side by side, one column per offer from C)
    B3              strategic ("Yes"/"No", editable)
    row 5           header (offer names)
    rows 6..14      pricing model, break-even month (computed at export), savings
                    (formula), risk (editable), risk limit (70% of the savings), risk
                    within the limit, recommendation (formula), rate flags, checklist gaps

Every formula is stored WITH its computed value (costing.xlsx_cache writes the file with
XlsxWriter), so previewers that never calculate show the figures. Labels are translated
text (pricing models, scenarios, checklist points, rate flags), never codes; each sheet has
its own writer function.

Hour by hour (costing.xlsx_staffing): each live channel's inputs and its seats per open
hour as values (Erlang C is no spreadsheet formula), contacts and Erlangs as formulas over
those inputs, and the seat hours a month as a formula over the seats; the seat hours of
each scenario as values.

The pricing model chooses which formula a quote's variable part gets when the workbook
is built (and whether onboarding hours are priced at the training rate or the hourly
rate); changing the model's text in Excel does not rewrite the formulas.
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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.csvsafe import safe_cell_text
from costing.engine import (
    DEFAULT_SCENARIOS,
    KEEP_IN_HOUSE,
    OUTSOURCE,
    RISK_SHARE_OF_SAVINGS,
    WEEKS_PER_MONTH,
    InHouse,
    PricingModel,
    ScenarioFactors,
    VendorOffer,
    Workload,
)
from costing.engine.tco import check_months
from costing.engine.workload import Demand, Scope
from costing.messages import EXCLUDE, RECOMMENDATION_LABELS, SCENARIO_LABELS
from costing.xlsx_cache import write_with_values
from costing.xlsx_sheets import sheet_names, sheet_ref, sheet_title
from costing.xlsx_staffing import write_staffing_sheet
from procurement.models import PricingModel as PricingModelChoice

# The sheets' names are translated: costing.xlsx_sheets.sheet_names() (Inputs, Results,
# Scenarios, Hour by hour, Decision, Best value in English), cited with sheet_ref().

INPUT_ROWS: Mapping[str, int] = {
    "volume_per_month": 3,
    "aht_minutes": 4,
    "productive_hours_per_fte_month": 5,
    "coverage_hours_per_week": 6,
    "automation_deflection_pct": 7,
    "months": 8,
    "transition_months": 9,
    "fte": 10,
    "gross_salary_month": 11,
    "employer_costs_pct": 12,
    "overhead_per_fte_month": 13,
    "licences_per_fte_month": 14,
    "absence_pct": 15,
    "one_time": 16,
}
OFFER_ROWS: Mapping[str, int] = {
    "label": 18,
    "pricing_model": 19,
    "hourly_rate": 20,
    "per_ticket_rate": 21,
    "monthly_fee": 22,
    "agents": 23,
    "onboarding_fee": 24,
    "onboarding_hours_per_agent": 25,
    "licences_per_agent_month": 26,
    "integration_one_time": 27,
    "management_per_month": 28,
    "exit_fee": 29,
    "onboarding_hourly_rate": 30,
    "other_fees_monthly": 31,
    "other_fees_once": 32,
}
# The live part of the scope, read from the "Hour by hour" sheet (column B of Inputs).
LIVE_ROWS: Mapping[str, int] = {
    "live_volume_per_month": 35,
    "live_handled_per_month": 36,
    "live_workload_hours_per_month": 37,
    "live_seat_hours_per_month": 38,
}
RESULT_ROWS: Mapping[str, int] = {
    "handled": 3,
    "workload_hours_per_month": 4,
    "fte_required": 5,
    "coverage_fte": 6,
    "billable_hours_per_month": 7,
    "header": 8,
    "people": 9,
    "variable_monthly": 10,
    "fixed_monthly": 11,
    "monthly": 12,
    "one_time": 13,
    "tco": 14,
    "cost_per_ticket": 15,
    "variable": 16,
    "fixed": 17,
    "savings": 18,
    "savings_pct": 19,
    "roi_pct": 20,
    # docs/domain.md §1: both in-house options for the live channels (column B).
    "dedicated_fte": 22,
    "dedicated_monthly": 23,
    "combined_fte": 24,
    "combined_monthly": 25,
}
# The in-house live desk (docs/domain.md §1): paid hours a week, shrinkage and the option the
# comparison uses ("Dedicated desk" or "Combined with own work", editable).
DESK_ROWS: Mapping[str, int] = {
    "hours_per_week": 40,
    "shrinkage_pct": 41,
    "live_staffing": 42,
}
IN_HOUSE_COLUMN = "B"
FIRST_OFFER_COLUMN = 3  # C
SCENARIO_HEADER_ROW = 3
SCENARIO_FIRST_ROW = 4
SCENARIO_COLUMNS: Mapping[str, str] = {
    "name": "A",
    "volume_factor": "B",
    "aht_factor": "C",
    "handled": "D",
    "workload_hours_per_month": "E",
    "fte_required": "F",
    "in_house_fte": "G",
    "in_house_tco": "H",
}
SCENARIO_FIRST_OFFER_COLUMN = 9  # I: agents, TCO, savings per offer

MONEY = "#,##0.00"
TWO_DECIMALS = "0.00"

_LABELS: Mapping[str, Promise] = {
    "volume_per_month": _("Backlog (e-mail): volume per month"),
    "aht_minutes": _("Backlog (e-mail): AHT (minutes)"),
    "productive_hours_per_fte_month": _("Productive hours per FTE per month"),
    "coverage_hours_per_week": _("Coverage hours per week"),
    "automation_deflection_pct": _("Automation deflection %"),
    "months": _("Term (months)"),
    "fte": _("In-house FTE (blank = derived)"),
    "gross_salary_month": _("Gross salary per month"),
    "employer_costs_pct": _("Employer costs %"),
    "overhead_per_fte_month": _("Overhead per FTE per month"),
    "licences_per_fte_month": _("Licences per FTE per month"),
    "absence_pct": _("Absence %"),
    "one_time": _("In-house one-time costs"),
    "label": _("Offer"),
    "pricing_model": _("Pricing model"),
    "hourly_rate": _("Hourly rate"),
    "per_ticket_rate": _("Per-ticket rate"),
    "monthly_fee": _("Monthly fee"),
    "agents": _("Agents (blank = derived)"),
    "onboarding_fee": _("Onboarding fee"),
    "onboarding_hours_per_agent": _("Onboarding hours per agent"),
    "licences_per_agent_month": _("Licences per agent per month"),
    "integration_one_time": _("Integration (one-time)"),
    "management_per_month": _("Management and QA per month"),
    "exit_fee": _("Exit fee"),
    "transition_months": _("Transition months (double running)"),
    "onboarding_hourly_rate": _("Training rate (onboarding hours)"),
    "other_fees_monthly": _("Other fees per month"),
    "other_fees_once": _("Other fees (one-time)"),
    "live_volume_per_month": _("Live channels: volume per month"),
    "live_handled_per_month": _("Live channels: handled per month"),
    "live_workload_hours_per_month": _("Live channels: workload hours per month"),
    "live_seat_hours_per_month": _("Live channels: seat hours per month"),
    "hours_per_week": _("In-house paid hours a week per FTE (× 4.2 a month)"),
    "shrinkage_pct": _("In-house shrinkage % (live desk)"),
    "live_staffing": _("In-house chat and phone: Dedicated desk or Combined with own work"),
    "billable_hours_per_month": _("Staffed hours per month (backlog work + live seats)"),
    "handled": _("Handled per month"),
    "workload_hours_per_month": _("Workload hours per month"),
    "fte_required": _("FTE required"),
    "coverage_fte": _("Coverage FTE"),
    "people": _("FTE / agents"),
    "variable_monthly": _("Variable per month"),
    "fixed_monthly": _("Fixed per month"),
    "monthly": _("Monthly"),
    "tco": _("TCO"),
    "cost_per_ticket": _("Cost per ticket"),
    "variable": _("Variable (term)"),
    "fixed": _("Fixed (term)"),
    "savings": _("Savings"),
    "savings_pct": _("Savings %"),
    "roi_pct": _("ROI %"),
    "dedicated_fte": _("In-house chat and phone, dedicated desk: FTE"),
    "dedicated_monthly": _("In-house chat and phone, dedicated desk: monthly"),
    "combined_fte": _("In-house chat and phone, combined with own work: FTE"),
    "combined_monthly": _(
        "In-house chat and phone, combined with own work: monthly (no service level)"
    ),
}
_RESULT_LABELS: Mapping[str, Promise] = {**_LABELS, "one_time": _("One-time")}
_MONEY_ROWS = frozenset(
    {"variable_monthly", "fixed_monthly", "monthly", "one_time", "tco", "cost_per_ticket"}
    | {"variable", "fixed", "savings"}
)


def _inp(name: str, column: str = IN_HOUSE_COLUMN) -> str:
    row = INPUT_ROWS.get(name) or LIVE_ROWS.get(name) or DESK_ROWS.get(name) or OFFER_ROWS[name]
    return sheet_ref(sheet_names().inputs, f"{column}{row}")


def _res(name: str, column: str = IN_HOUSE_COLUMN) -> str:
    return f"{column}{RESULT_ROWS[name]}"


def _handled(volume: str) -> str:
    return f"{volume}*(1-{_inp('automation_deflection_pct')}/100)"


def _hours(handled: str, aht: str) -> str:
    return f"{handled}*{aht}/60"


def _dedicated_label() -> str:
    return gettext("Dedicated desk")


def _combined_label() -> str:
    return gettext("Combined with own work")


def _cost_per_fte() -> str:
    return (
        f"({_inp('gross_salary_month')}*(1+{_inp('employer_costs_pct')}/100)"
        f"+{_inp('overhead_per_fte_month')}+{_inp('licences_per_fte_month')})"
        f"*(1+{_inp('absence_pct')}/100)"
    )


@dataclass(frozen=True)
class InHouseFormulas:
    """The in-house side as formulas (docs/domain.md §1): e-mail in whole people, each live desk
    dedicated (seat hours / (1 − shrinkage) / paid hours, two decimals) or combined with
    own work (workload hours × hourly cost, nobody hired)."""

    people: str
    monthly: str
    one_time: str
    # Both options side by side (docs/domain.md §1), whichever the baseline chose.
    dedicated_people: str = ""
    dedicated_monthly: str = ""
    combined_people: str = ""
    combined_monthly: str = ""


def _in_house_formulas(
    *, backlog_hours: str, seat_hours: str, live_workload: str
) -> InHouseFormulas:
    override = _inp("fte")
    productive = _inp("productive_hours_per_fte_month")
    coverage = f"{_inp('coverage_hours_per_week')}*{WEEKS_PER_MONTH}/{productive}"
    paid = f"({_inp('hours_per_week')}*{WEEKS_PER_MONTH})"
    backlog_people = f"ROUNDUP(MAX(({backlog_hours})/{productive},{coverage}),0)"
    dedicated = f"{backlog_people}+ROUND(({seat_hours})/(1-{_inp('shrinkage_pct')}/100)/{paid},2)"
    combined = (
        f'AND({_inp("live_staffing")}="{_combined_label()}",{_inp("live_volume_per_month")}>0)'
    )
    people = (
        f"IF({combined},{backlog_people}+ROUND(({live_workload})/{paid},2),"
        f"IF({override}>0,{override},{dedicated}))"
    )
    monthly = (
        f"IF({combined},{backlog_people}*{_cost_per_fte()}+({live_workload})*{_cost_per_fte()}/{paid},"
        f"IF({override}>0,{override},{dedicated})*{_cost_per_fte()})"
    )
    # Nobody hired (only live channels, combined): no recruitment or set-up.
    one_time = f"IF(AND({combined},{_inp('volume_per_month')}=0),0,{_inp('one_time')})"
    dedicated_people = f"IF({override}>0,{override},{dedicated})"
    combined_people = f"{backlog_people}+ROUND(({live_workload})/{paid},2)"
    return InHouseFormulas(
        people=people,
        monthly=monthly,
        one_time=one_time,
        dedicated_people=dedicated_people,
        dedicated_monthly=f"{dedicated_people}*{_cost_per_fte()}",
        combined_people=combined_people,
        combined_monthly=f"{backlog_people}*{_cost_per_fte()}"
        f"+({live_workload})*{_cost_per_fte()}/{paid}",
    )


def _agents(column: str, fte_required: str) -> str:
    override = _inp("agents", column)
    return f"IF({override}>0,{override},MAX(1,ROUNDUP({fte_required},0)))"


def _variable_monthly(offer: VendorOffer, column: str, hours: str, handled: str) -> str:
    model = offer.pricing_model
    if model is PricingModel.HOURLY or (
        model is PricingModel.MIXED and offer.hourly_rate is not None
    ):
        return f"{_inp('hourly_rate', column)}*{hours}"
    if model in (PricingModel.PER_TICKET, PricingModel.MIXED):
        return f"{_inp('per_ticket_rate', column)}*{handled}"
    return "0"


def _fixed_monthly(offer: VendorOffer, column: str, agents: str) -> str:
    fixed = (
        f"{agents}*{_inp('licences_per_agent_month', column)}+{_inp('management_per_month', column)}"
        f"+{_inp('other_fees_monthly', column)}"
    )
    if offer.pricing_model in (PricingModel.SUBSCRIPTION, PricingModel.MIXED):
        return f"{_inp('monthly_fee', column)}+{fixed}"
    return fixed


def _one_time(offer: VendorOffer, column: str, agents: str) -> str:
    # docs/domain.md §2: onboarding hours at the training rate, else the hourly rate (the engine
    # refuses hours with neither, so a blank rate here only ever meets 0 hours).
    rate = "onboarding_hourly_rate" if offer.onboarding_hourly_rate is not None else "hourly_rate"
    return (
        f"{_inp('onboarding_fee', column)}"
        f"+{_inp('onboarding_hours_per_agent', column)}*{agents}*{_inp(rate, column)}"
        f"+{_inp('integration_one_time', column)}+{_inp('other_fees_once', column)}"
        f"+{_inp('exit_fee', column)}"
    )


def _backlog(workload: Demand) -> tuple[Decimal, Decimal]:
    """The scope's backlog channels as one volume and a volume-weighted AHT: their workload
    hours are Σ handled × AHT / 60, the same deflection applying to each."""
    channels = workload.channels if isinstance(workload, Scope) else (workload,)
    backlog = [c for c in channels if not c.is_live]
    volume = sum((c.volume_per_month for c in backlog), Decimal(0))
    if volume == 0:
        return Decimal(0), Decimal(0)
    return volume, sum((c.volume_per_month * c.aht_minutes for c in backlog), Decimal(0)) / volume


def _set(ws: Worksheet, ref: str, value: object, number_format: str | None = None) -> None:
    cell = ws[ref]
    cell.value = value
    if number_format:
        cell.number_format = number_format


def _write_inputs(
    ws: Worksheet,
    *,
    title: str,
    months: int,
    workload: Demand,
    in_house: InHouse,
    offers: Sequence[tuple[str, VendorOffer]],
    transition_months: int,
    live_totals: Mapping[str, str],
) -> None:
    ws["A1"] = safe_cell_text(title)
    first = workload.channels[0] if isinstance(workload, Scope) else workload
    volume, aht = _backlog(workload)
    values: dict[str, object] = {
        "volume_per_month": volume,
        "aht_minutes": aht,
        "productive_hours_per_fte_month": workload.productive_hours_per_fte_month,
        "coverage_hours_per_week": None
        if isinstance(workload, Scope)
        else workload.coverage_hours_per_week,
        "automation_deflection_pct": first.automation_deflection_pct,
        "months": months,
        "transition_months": transition_months,
        "fte": in_house.fte,
        "gross_salary_month": in_house.gross_salary_month,
        "employer_costs_pct": in_house.employer_costs_pct,
        "overhead_per_fte_month": in_house.overhead_per_fte_month,
        "licences_per_fte_month": in_house.licences_per_fte_month,
        "absence_pct": in_house.absence_pct,
        "one_time": in_house.one_time,
    }
    for name, row in INPUT_ROWS.items():
        ws[f"A{row}"] = str(_LABELS[name])
        _set(ws, f"{IN_HOUSE_COLUMN}{row}", values[name])
    for name, row in OFFER_ROWS.items():
        ws[f"A{row}"] = str(_LABELS[name])
    for index, (label, offer) in enumerate(offers):
        column = get_column_letter(FIRST_OFFER_COLUMN + index)
        for name, row in OFFER_ROWS.items():
            if name == "label":
                value: object = safe_cell_text(label)
            elif name == "pricing_model":
                value = pricing_model_label(offer.pricing_model)
            else:
                value = getattr(offer, name)
            _set(ws, f"{column}{row}", value)
    # The live part: formulas over the "Hour by hour" sheet, so the file explains itself.
    for name, row in LIVE_ROWS.items():
        ws[f"A{row}"] = str(_LABELS[name])
        _set(ws, f"{IN_HOUSE_COLUMN}{row}", f"={live_totals[name]}", TWO_DECIMALS)
    desk = {
        "hours_per_week": in_house.hours_per_week,
        "shrinkage_pct": in_house.shrinkage_pct,
        "live_staffing": _combined_label()
        if in_house.live_staffing.value == "combined"
        else _dedicated_label(),
    }
    for name, row in DESK_ROWS.items():
        ws[f"A{row}"] = str(_LABELS[name])
        _set(ws, f"{IN_HOUSE_COLUMN}{row}", desk[name])
    ws.column_dimensions["A"].width = 38


def _write_results(ws: Worksheet, *, title: str, offers: Sequence[tuple[str, VendorOffer]]) -> None:
    ws["A1"] = safe_cell_text(title)
    volume, aht = _inp("volume_per_month"), _inp("aht_minutes")
    productive_hours = _inp("productive_hours_per_fte_month")
    backlog_hours = _hours(_handled(volume), aht)
    shared = {
        "handled": f"{_handled(volume)}+{_inp('live_handled_per_month')}",
        # docs/domain.md §1: chat hours are divided by the concurrency (on "Hour by hour").
        "workload_hours_per_month": f"{backlog_hours}+{_inp('live_workload_hours_per_month')}",
        # In-house and an hourly vendor staff the backlog's work and the live seat hours.
        "billable_hours_per_month": f"{backlog_hours}+{_inp('live_seat_hours_per_month')}",
        "fte_required": f"{_res('billable_hours_per_month')}/{productive_hours}",
        # docs/domain.md §1: a month is 4.2 weeks.
        "coverage_fte": f"{_inp('coverage_hours_per_week')}*{WEEKS_PER_MONTH}/{productive_hours}",
    }
    for name, formula in shared.items():
        ws[f"A{RESULT_ROWS[name]}"] = str(_LABELS[name])
        _set(ws, _res(name), f"={formula}", TWO_DECIMALS)

    header = RESULT_ROWS["header"]
    ws[f"{IN_HOUSE_COLUMN}{header}"] = gettext("In-house")
    for name, row in RESULT_ROWS.items():
        if name not in shared and name != "header":
            ws[f"A{row}"] = str(_RESULT_LABELS[name])

    def write_side(column: str, formulas: Mapping[str, str]) -> None:
        for name, formula in formulas.items():
            number_format = MONEY if name in _MONEY_ROWS else TWO_DECIMALS
            _set(ws, _res(name, column), f"={formula}", number_format)

    def common(column: str) -> dict[str, str]:
        tco = _res("tco", column)
        return {
            "monthly": f"{_res('variable_monthly', column)}+{_res('fixed_monthly', column)}",
            "tco": f"{_inp('months')}*{_res('monthly', column)}+{_res('one_time', column)}",
            "cost_per_ticket": f"{tco}/(({volume}+{_inp('live_volume_per_month')})*{_inp('months')})",
            "variable": f"{_inp('months')}*{_res('variable_monthly', column)}",
            "fixed": f"{tco}-{_res('variable', column)}",
        }

    side = _in_house_formulas(
        backlog_hours=backlog_hours,
        seat_hours=_inp("live_seat_hours_per_month"),
        live_workload=_inp("live_workload_hours_per_month"),
    )
    for name, formula in (
        ("dedicated_fte", side.dedicated_people),
        ("dedicated_monthly", side.dedicated_monthly),
        ("combined_fte", side.combined_people),
        ("combined_monthly", side.combined_monthly),
    ):
        ws[f"A{RESULT_ROWS[name]}"] = str(_RESULT_LABELS[name])
        _set(ws, _res(name), f"={formula}", MONEY if name.endswith("monthly") else TWO_DECIMALS)
    write_side(
        IN_HOUSE_COLUMN,
        {
            "people": side.people,
            "variable_monthly": "0",
            "fixed_monthly": side.monthly,
            "one_time": side.one_time,
            **common(IN_HOUSE_COLUMN),
        },
    )
    in_house_tco = _res("tco")
    for index, (label, offer) in enumerate(offers):
        column = get_column_letter(FIRST_OFFER_COLUMN + index)
        ws[f"{column}{header}"] = safe_cell_text(label)
        agents, tco, savings = (_res(n, column) for n in ("people", "tco", "savings"))
        write_side(
            column,
            {
                "people": _agents(column, _res("fte_required")),
                "variable_monthly": _variable_monthly(
                    offer, column, _res("billable_hours_per_month"), _res("handled")
                ),
                "fixed_monthly": _fixed_monthly(offer, column, agents),
                "one_time": _one_time(offer, column, agents),
                **common(column),
                # docs/domain.md §2: the in-house desk runs on during the transition months.
                "tco": f"{_inp('months')}*{_res('monthly', column)}+{_res('one_time', column)}"
                f"+{_inp('transition_months')}*{_res('monthly')}",
                "savings": f"{in_house_tco}-{tco}",
                "savings_pct": f'IF({in_house_tco}=0,"",{savings}/{in_house_tco}*100)',
                "roi_pct": f'IF({tco}=0,"",{savings}/{tco}*100)',
            },
        )
        ws.column_dimensions[column].width = 16
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions[IN_HOUSE_COLUMN].width = 16


def _write_scenarios(
    ws: Worksheet,
    *,
    title: str,
    offers: Sequence[tuple[str, VendorOffer]],
    scenario_factors: Mapping[str, ScenarioFactors],
    scenario_seat_hours: Mapping[str, str],
) -> None:
    ws["A1"] = safe_cell_text(title)
    cols = SCENARIO_COLUMNS
    headers = {
        "name": gettext("Scenario"),
        "volume_factor": gettext("Volume ×"),
        "aht_factor": gettext("AHT ×"),
        "handled": str(_LABELS["handled"]),
        "workload_hours_per_month": str(_LABELS["workload_hours_per_month"]),
        "fte_required": str(_LABELS["fte_required"]),
        "in_house_fte": gettext("In-house FTE"),
        "in_house_tco": gettext("In-house TCO"),
    }
    for name, column in cols.items():
        ws[f"{column}{SCENARIO_HEADER_ROW}"] = headers[name]
    offer_columns = []
    for index, (label, _offer) in enumerate(offers):
        first = SCENARIO_FIRST_OFFER_COLUMN + 3 * index
        agents, tco, savings = (get_column_letter(first + k) for k in range(3))
        offer_columns.append((agents, tco, savings))
        for column, suffix in (
            (agents, gettext("agents")),
            (tco, gettext("TCO")),
            (savings, gettext("savings")),
        ):
            ws[f"{column}{SCENARIO_HEADER_ROW}"] = safe_cell_text(f"{label} {suffix}")

    months = _inp("months")
    for offset, (scenario, factors) in enumerate(scenario_factors.items()):
        row = SCENARIO_FIRST_ROW + offset
        here = {name: f"{column}{row}" for name, column in cols.items()}
        label = SCENARIO_LABELS.get(scenario)
        ws[here["name"]] = safe_cell_text(scenario) if label is None else str(label)
        _set(ws, here["volume_factor"], factors.volume, TWO_DECIMALS)
        _set(ws, here["aht_factor"], factors.aht, TWO_DECIMALS)
        backlog_handled = _handled(f"{_inp('volume_per_month')}*{here['volume_factor']}")
        aht = f"{_inp('aht_minutes')}*{here['aht_factor']}"
        backlog_hours = _hours(f"({backlog_handled})", aht)
        # A live channel's workload scales with volume × AHT; its seats do not (Erlang C):
        # the scenario's seat hours come as values from the "Hour by hour" sheet.
        staffed = f"({backlog_hours}+{scenario_seat_hours[scenario]})"
        scenario_side = _in_house_formulas(
            backlog_hours=backlog_hours,
            seat_hours=scenario_seat_hours[scenario],
            live_workload=f"{_inp('live_workload_hours_per_month')}"
            f"*{here['volume_factor']}*{here['aht_factor']}",
        )
        formulas = {
            "handled": f"{backlog_handled}+{_inp('live_handled_per_month')}*{here['volume_factor']}",
            "workload_hours_per_month": f"{backlog_hours}+{_inp('live_workload_hours_per_month')}"
            f"*{here['volume_factor']}*{here['aht_factor']}",
            "fte_required": f"{staffed}/{_inp('productive_hours_per_fte_month')}",
            "in_house_fte": scenario_side.people,
            "in_house_tco": f"{months}*{scenario_side.monthly}+{scenario_side.one_time}",
        }
        for name, formula in formulas.items():
            number_format = MONEY if name == "in_house_tco" else TWO_DECIMALS
            _set(ws, here[name], f"={formula}", number_format)
        for index, (_label, offer) in enumerate(offers):
            column = get_column_letter(FIRST_OFFER_COLUMN + index)
            agents_col, tco_col, savings_col = offer_columns[index]
            agents = f"{agents_col}{row}"
            monthly = (
                _variable_monthly(offer, column, staffed, here["handled"])
                + "+"
                + _fixed_monthly(offer, column, agents)
            )
            transition = f"{_inp('transition_months')}*({scenario_side.monthly})"
            _set(ws, agents, f"={_agents(column, here['fte_required'])}")
            _set(
                ws,
                f"{tco_col}{row}",
                f"={months}*({monthly})+{_one_time(offer, column, agents)}+{transition}",
                MONEY,
            )
            _set(ws, f"{savings_col}{row}", f"={here['in_house_tco']}-{tco_col}{row}", MONEY)
    ws.column_dimensions["A"].width = 16


# --- Decision (docs/domain.md §4) ------------------------------------------------------------------

DECISION_STRATEGIC = "B3"
DECISION_ROWS: Mapping[str, int] = {
    "header": 5,
    "pricing_model": 6,
    "break_even_month": 7,
    "savings": 8,
    "risk": 9,
    "risk_limit": 10,
    "risk_within_limit": 11,
    "recommendation": 12,
    "rate_flags": 13,
    "checklist_gaps": 14,
    "must_haves": 15,
    "best_value": 16,
    "score": 17,
}
_DECISION_LABELS: Mapping[str, Promise] = {
    "pricing_model": _("Pricing model"),
    "break_even_month": _("Break-even month (computed at export)"),
    "savings": _("Savings over the term"),
    "risk": _("Risk (probability × impact)"),
    # xgettext:no-python-format
    "risk_limit": _("Risk limit (70% of the savings)"),
    "risk_within_limit": _("Risk within the limit"),
    "recommendation": _("Recommendation"),
    "rate_flags": _("Rate flags"),
    "checklist_gaps": _("Checklist gaps"),
    "must_haves": _("Must-haves (an open one excludes the quote)"),
    "best_value": _("Best value"),
    "score": _("Score (0–100)"),
}


@dataclass(frozen=True)
class WorkbookOffer:
    """One priced quote: the engine's offer plus what the Decision sheet shows beside it
    (already translated texts for its rate flags and checklist gaps)."""

    label: str
    offer: VendorOffer
    risk: Decimal = Decimal(0)
    rate_flags: Sequence[str] = ()
    checklist_gaps: Sequence[str] = ()
    break_even_month: int | None = None
    # Issue 24: the comparison's verdict (costing.comparison.quote_verdict). An excluded
    # quote shows "Exclude" and why, not the live formula; the others keep the formula.
    excluded: bool = False
    exclusion_reason: str = ""
    best_value: bool = False
    score: Decimal | None = None


def pricing_model_label(model: PricingModel) -> str:
    return str(PricingModelChoice(model.value).label)


def _write_decision(
    ws: Worksheet, *, title: str, offers: Sequence[WorkbookOffer], strategic: bool
) -> None:
    """The three axes side by side and the verdict. Savings, the risk limit and the
    recommendation are formulas: edit the risk, the strategic answer or any input and the
    recommendation follows (any axis against outsourcing keeps it in-house)."""
    ws["A1"] = safe_cell_text(title)
    yes, no = gettext("Yes"), gettext("No")
    keep, outsource, exclude = (
        str(RECOMMENDATION_LABELS[c]) for c in (KEEP_IN_HOUSE, OUTSOURCE, EXCLUDE)
    )
    ws["A3"] = gettext("Customer service is strategically differentiating")
    ws[DECISION_STRATEGIC] = yes if strategic else no
    flag = f"${DECISION_STRATEGIC[0]}${DECISION_STRATEGIC[1:]}"
    for name, row in DECISION_ROWS.items():
        if name != "header":
            ws[f"A{row}"] = str(_DECISION_LABELS[name])
    # xgettext:no-python-format
    ws[f"B{DECISION_ROWS['risk_limit']}"] = gettext("70% of the savings")
    ws[f"B{DECISION_ROWS['risk']}"] = gettext("editable")
    for index, offer in enumerate(offers):
        column = get_column_letter(FIRST_OFFER_COLUMN + index)
        at = {name: f"{column}{row}" for name, row in DECISION_ROWS.items()}
        ws[at["header"]] = safe_cell_text(offer.label)
        ws[at["pricing_model"]] = pricing_model_label(offer.offer.pricing_model)
        ws[at["break_even_month"]] = (
            offer.break_even_month
            if offer.break_even_month is not None
            else gettext("Not within the term")
        )
        _set(
            ws,
            at["savings"],
            "=" + sheet_ref(sheet_names().results, _res("savings", column)),
            MONEY,
        )
        _set(ws, at["risk"], offer.risk, MONEY)
        _set(ws, at["risk_limit"], f"={RISK_SHARE_OF_SAVINGS}*{at['savings']}", MONEY)
        ws[at["risk_within_limit"]] = f'=IF({at["risk"]}<={at["risk_limit"]},"{yes}","{no}")'
        if offer.excluded:
            # docs/domain.md §4: excluded whatever its price, risk or strategy: no formula.
            ws[at["recommendation"]] = exclude
        else:
            ws[at["recommendation"]] = (
                f'=IF({flag}="{yes}","{keep}",IF({at["savings"]}<=0,"{keep}",'
                f'IF({at["risk"]}>{at["risk_limit"]},"{keep}","{outsource}")))'
            )
        ws[at["rate_flags"]] = "; ".join(offer.rate_flags) or "—"
        ws[at["checklist_gaps"]] = "; ".join(offer.checklist_gaps) or "—"
        ws[at["must_haves"]] = (
            safe_cell_text(offer.exclusion_reason) if offer.excluded else gettext("all met")
        )
        ws[at["best_value"]] = yes if offer.best_value else no
        _set(ws, at["score"], offer.score, TWO_DECIMALS)
        ws.column_dimensions[column].width = 24
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 20


def _as_offer(offer: WorkbookOffer | tuple[str, VendorOffer]) -> WorkbookOffer:
    if isinstance(offer, WorkbookOffer):
        return offer
    label, vendor_offer = offer
    return WorkbookOffer(label=label, offer=vendor_offer)


def _write_table(ws: Worksheet, rows: Sequence[Sequence[object]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = safe_cell_text(value)
            cell = ws.cell(row=r, column=c, value=value)
            if r == 1:
                cell.font = Font(bold=True)
            elif isinstance(value, Decimal):
                cell.number_format = "0.00"
    ws.column_dimensions["A"].width = 28


def build_comparison_workbook(
    *,
    title: str,
    months: int,
    workload: Demand,
    in_house: InHouse,
    offers: Sequence[WorkbookOffer | tuple[str, VendorOffer]],
    scenario_factors: Mapping[str, ScenarioFactors] = DEFAULT_SCENARIOS,
    strategic: bool = False,
    transition_months: int = 0,
    live_channels: Sequence[tuple[str, Workload]] | None = None,
    opens_at_hour: int | None = None,
    tables: Sequence[tuple[str, Sequence[Sequence[object]]]] = (),
) -> bytes:
    """An .xlsx comparing the in-house baseline with each labelled offer (label: vendor name).
    `live_channels` (label, workload) name the scope's live channels for the "Hour by hour"
    sheet; by default they are taken from the scope, labelled by their channel.

    `tables`: further sheets of plain values, each `(sheet title, rows)` with the header
    first (e.g. the best-value scores); text cells are escaped against formula injection."""
    months = check_months(months)
    described = [_as_offer(offer) for offer in offers]
    offers = [(offer.label, offer.offer) for offer in described]
    if live_channels is None:
        channels = workload.channels if isinstance(workload, Scope) else (workload,)
        live_channels = [
            (str(c.open_hours.channel.value), c) for c in channels if c.open_hours is not None
        ]
    names = sheet_names()
    workbook = Workbook()
    inputs = workbook.active
    inputs.title = names.inputs
    results = workbook.create_sheet(names.results)
    scenarios_sheet = workbook.create_sheet(names.scenarios)
    live = write_staffing_sheet(
        workbook,
        title=title,
        channels=live_channels,
        opens_at_hour=opens_at_hour,
        deflection_ref=_inp("automation_deflection_pct"),
        scenario_factors=scenario_factors,
    )
    _write_inputs(
        inputs,
        title=title,
        months=months,
        workload=workload,
        in_house=in_house,
        offers=offers,
        transition_months=transition_months,
        live_totals=live.totals,
    )
    _write_results(results, title=title, offers=offers)
    _write_scenarios(
        scenarios_sheet,
        title=title,
        offers=offers,
        scenario_factors=scenario_factors,
        scenario_seat_hours=live.scenario_seat_hours,
    )
    _write_decision(
        workbook.create_sheet(names.decision), title=title, offers=described, strategic=strategic
    )
    for name, rows in tables:
        _write_table(workbook.create_sheet(sheet_title(name)), rows)
    # Every formula with its value beside it, for previewers that never calculate.
    return write_with_values(workbook)


__all__ = [
    "DECISION_ROWS",
    "DECISION_STRATEGIC",
    "WorkbookOffer",
    "INPUT_ROWS",
    "OFFER_ROWS",
    "RESULT_ROWS",
    "SCENARIO_COLUMNS",
    "LIVE_ROWS",
    "build_comparison_workbook",
    "sheet_names",
]
