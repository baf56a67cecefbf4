"""The cost article's spreadsheet recipe as an XLSX with live formulas and their values.

Takes engine inputs, returns bytes. Every result is an Excel formula over the "Inputs"
sheet, so a procurement user can change a volume or a rate in Excel and watch TCO,
savings and ROI follow. Each formula is stored WITH the value the engine computed
(XlsxWriter's cached result), so previewers that never calculate (mail, SharePoint,
phones) show the figures too. The formulas restate DOMAIN.md §1–§4; tests evaluate them
and compare with the engine and with the cached values.

Labels are translated text in the active language (pricing models, checklist points,
rate flags, scenarios): no codes. Each sheet is written by its own `_write_<sheet>`
function over one `_Workbook` context, so a new sheet is one more function.

Layout (cell positions are part of the contract with the tests):

Inputs
    A1              title
    B3..B8          volume_per_month, aht_minutes, productive_hours_per_fte_month,
                    coverage_hours_per_week, automation_deflection_pct, months
    B10..B16        in-house: fte (blank = derived), gross_salary_month,
                    employer_costs_pct, overhead_per_fte_month, licences_per_fte_month,
                    absence_pct, one_time
    C18.. (one column per offer, C, D, …)
    row 18..29      label, pricing_model, hourly_rate, per_ticket_rate, monthly_fee,
                    agents (blank = derived), onboarding_fee, onboarding_hours_per_agent,
                    licences_per_agent_month, integration_one_time, management_per_month,
                    exit_fee
Results
    B3..B6          handled, workload_hours_per_month, fte_required, coverage_fte
    row 8           header: B = in-house, C, D, … = offers (same columns as on Inputs)
    rows 9..20      people (FTE / agents), variable_monthly, fixed_monthly, monthly,
                    one_time, tco, cost_per_ticket, variable, fixed, savings,
                    savings_pct, roi_pct
Scenarios
    row 3           header; rows 4.. one scenario each
    A..C            name, volume factor, AHT factor (editable)
    D..H            handled, workload hours, FTE required, in-house FTE, in-house TCO
    then per offer  agents, TCO, savings (three columns each, from column I)
Decision (DOMAIN.md §4: the three axes side by side, one column per offer from C)
    B3              strategic ("Yes"/"No", editable)
    row 5           header (offer names)
    rows 6..14      pricing model, break-even month (computed at export), savings
                    (formula), risk (editable), risk limit (70% of the savings), risk
                    within the limit, recommendation (formula), rate flags, checklist gaps

The pricing model chooses which formula a quote's variable part gets when the workbook
is built; changing the model's text in Excel does not rewrite the formulas.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from common.csvsafe import safe_cell_text
from costing.engine import (
    DEFAULT_SCENARIOS,
    KEEP_IN_HOUSE,
    OUTSOURCE,
    RISK_SHARE_OF_SAVINGS,
    WEEKS_PER_MONTH,
    Estimate,
    InHouse,
    InHouseCost,
    PricingModel,
    ScenarioFactors,
    VendorOffer,
    Workload,
    estimate,
    in_house_cost,
    recommend,
    scenario_workload,
    scenarios,
)
from costing.engine.tco import check_months
from costing.messages import RECOMMENDATION_LABELS, SCENARIO_LABELS
from procurement.models import PricingModel as PricingModelChoice

INPUTS = "Inputs"
RESULTS = "Results"
SCENARIOS = "Scenarios"
DECISION = "Decision"

INPUT_ROWS: Mapping[str, int] = {
    "volume_per_month": 3,
    "aht_minutes": 4,
    "productive_hours_per_fte_month": 5,
    "coverage_hours_per_week": 6,
    "automation_deflection_pct": 7,
    "months": 8,
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
}
RESULT_ROWS: Mapping[str, int] = {
    "handled": 3,
    "workload_hours_per_month": 4,
    "fte_required": 5,
    "coverage_fte": 6,
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
}
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
    "volume_per_month": _("Volume per month"),
    "aht_minutes": _("AHT (minutes)"),
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
    "per_ticket_rate": _("Rate per ticket"),
    "monthly_fee": _("Monthly fee"),
    "agents": _("Agents (blank = derived)"),
    "onboarding_fee": _("Onboarding fee"),
    "onboarding_hours_per_agent": _("Onboarding hours per agent"),
    "licences_per_agent_month": _("Licences per agent per month"),
    "integration_one_time": _("Integration (one-time)"),
    "management_per_month": _("Management and QA per month"),
    "exit_fee": _("Exit fee"),
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
}
_RESULT_LABELS: Mapping[str, Promise] = {**_LABELS, "one_time": _("One-time")}
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
}
_MONEY_ROWS = frozenset(
    {"variable_monthly", "fixed_monthly", "monthly", "one_time", "tco", "cost_per_ticket"}
    | {"variable", "fixed", "savings"}
)


@dataclass(frozen=True)
class WorkbookOffer:
    """One priced quote: the engine's offer plus what the Decision sheet shows beside it
    (already translated texts for its rate flags and checklist gaps)."""

    label: str
    offer: VendorOffer
    risk: Decimal = Decimal(0)
    rate_flags: Sequence[str] = ()
    checklist_gaps: Sequence[str] = ()


@dataclass(frozen=True)
class _Priced:
    """An offer with the engine's results: the values cached beside the formulas."""

    column: str  # its column on Inputs, Results and Decision
    source: WorkbookOffer
    estimate: Estimate
    scenarios: Mapping[str, Estimate]


@dataclass
class _Workbook:
    """Everything a sheet writer needs: the inputs, the engine's results and the formats."""

    book: xlsxwriter.Workbook
    title: str
    months: int
    workload: Workload
    in_house: InHouse
    in_house_cost: InHouseCost
    strategic: bool
    scenario_factors: Mapping[str, ScenarioFactors]
    offers: Sequence[_Priced]
    formats: dict[str, Format] = field(default_factory=dict)

    def fmt(self, number_format: str | None) -> Format | None:
        if number_format is None:
            return None
        if number_format not in self.formats:
            self.formats[number_format] = self.book.add_format({"num_format": number_format})
        return self.formats[number_format]

    def sheet(self, name: str) -> _Sheet:
        return _Sheet(self, self.book.add_worksheet(name))


def _cached(value: object) -> object:
    """The value Excel would compute, as XlsxWriter stores it ("" for an empty text)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class _Sheet:
    workbook: _Workbook
    ws: Worksheet

    def label(self, ref: str, text: object) -> None:
        """Our own (translated) text."""
        self.ws.write_string(ref, str(text))

    def user_text(self, ref: str, text: str) -> None:
        """Text someone typed (a vendor name, a title): never a formula."""
        self.ws.write_string(ref, safe_cell_text(text))

    def number(self, ref: str, value: object, number_format: str | None = None) -> None:
        if value is None:
            return  # blank: the formula derives it
        self.ws.write_number(ref, float(value), self.workbook.fmt(number_format))

    def formula(
        self, ref: str, formula: str, value: object, number_format: str | None = None
    ) -> None:
        self.ws.write_formula(ref, f"={formula}", self.workbook.fmt(number_format), _cached(value))

    def widths(self, widths: Mapping[str, int]) -> None:
        for column, width in widths.items():
            self.ws.set_column(f"{column}:{column}", width)


def _column(index: int) -> str:
    return xl_col_to_name(FIRST_OFFER_COLUMN - 1 + index)


def _inp(name: str, column: str = IN_HOUSE_COLUMN) -> str:
    row = INPUT_ROWS.get(name) or OFFER_ROWS[name]
    return f"{INPUTS}!{column}{row}"


def _res(name: str, column: str = IN_HOUSE_COLUMN) -> str:
    return f"{column}{RESULT_ROWS[name]}"


def _handled(volume: str) -> str:
    return f"{volume}*(1-{_inp('automation_deflection_pct')}/100)"


def _hours(handled: str, aht: str) -> str:
    return f"{handled}*{aht}/60"


def _in_house_people(fte_required: str, coverage_fte: str) -> str:
    # DOMAIN.md §1: a given FTE wins; otherwise whole people covering work and opening hours.
    override = _inp("fte")
    return f"IF({override}>0,{override},ROUNDUP(MAX({fte_required},{coverage_fte}),0))"


def _in_house_monthly(people: str) -> str:
    return (
        f"{people}*({_inp('gross_salary_month')}*(1+{_inp('employer_costs_pct')}/100)"
        f"+{_inp('overhead_per_fte_month')}+{_inp('licences_per_fte_month')})"
        f"*(1+{_inp('absence_pct')}/100)"
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
    fixed = f"{agents}*{_inp('licences_per_agent_month', column)}+{_inp('management_per_month', column)}"
    if offer.pricing_model in (PricingModel.SUBSCRIPTION, PricingModel.MIXED):
        return f"{_inp('monthly_fee', column)}+{fixed}"
    return fixed


def _one_time(column: str, agents: str) -> str:
    # A blank hourly rate counts as 0 in Excel, as the engine prices no onboarding hours.
    return (
        f"{_inp('onboarding_fee', column)}"
        f"+{_inp('onboarding_hours_per_agent', column)}*{agents}*{_inp('hourly_rate', column)}"
        f"+{_inp('integration_one_time', column)}+{_inp('exit_fee', column)}"
    )


def pricing_model_label(model: PricingModel) -> str:
    return str(PricingModelChoice(model.value).label)


# --- sheets -----------------------------------------------------------------------------------


def _write_inputs(wb: _Workbook) -> None:
    sheet = wb.sheet(INPUTS)
    sheet.user_text("A1", wb.title)
    workload, in_house = wb.workload, wb.in_house
    values: dict[str, object] = {
        "volume_per_month": workload.volume_per_month,
        "aht_minutes": workload.aht_minutes,
        "productive_hours_per_fte_month": workload.productive_hours_per_fte_month,
        "coverage_hours_per_week": workload.coverage_hours_per_week,
        "automation_deflection_pct": workload.automation_deflection_pct,
        "months": wb.months,
        "fte": in_house.fte,
        "gross_salary_month": in_house.gross_salary_month,
        "employer_costs_pct": in_house.employer_costs_pct,
        "overhead_per_fte_month": in_house.overhead_per_fte_month,
        "licences_per_fte_month": in_house.licences_per_fte_month,
        "absence_pct": in_house.absence_pct,
        "one_time": in_house.one_time,
    }
    for name, row in INPUT_ROWS.items():
        sheet.label(f"A{row}", _LABELS[name])
        sheet.number(f"{IN_HOUSE_COLUMN}{row}", values[name])
    for name, row in OFFER_ROWS.items():
        sheet.label(f"A{row}", _LABELS[name])
    for priced in wb.offers:
        offer, column = priced.source.offer, priced.column
        for name, row in OFFER_ROWS.items():
            ref = f"{column}{row}"
            if name == "label":
                sheet.user_text(ref, priced.source.label)
            elif name == "pricing_model":
                sheet.label(ref, pricing_model_label(offer.pricing_model))
            else:
                sheet.number(ref, getattr(offer, name))
    sheet.widths({"A": 38, **{priced.column: 18 for priced in wb.offers}})


def _write_results(wb: _Workbook) -> None:
    sheet = wb.sheet(RESULTS)
    sheet.user_text("A1", wb.title)
    workload = wb.workload
    volume, aht = _inp("volume_per_month"), _inp("aht_minutes")
    productive_hours = _inp("productive_hours_per_fte_month")
    shared = {
        "handled": (_handled(volume), workload.handled),
        "workload_hours_per_month": (
            _hours(_res("handled"), aht),
            workload.workload_hours_per_month,
        ),
        "fte_required": (
            f"{_res('workload_hours_per_month')}/{productive_hours}",
            workload.fte_required,
        ),
        # DOMAIN.md §1: a month is 4.2 weeks.
        "coverage_fte": (
            f"{_inp('coverage_hours_per_week')}*{WEEKS_PER_MONTH}/{productive_hours}",
            workload.coverage_fte,
        ),
    }
    for name, (formula, value) in shared.items():
        sheet.label(f"A{RESULT_ROWS[name]}", _LABELS[name])
        sheet.formula(_res(name), formula, value, TWO_DECIMALS)

    header = RESULT_ROWS["header"]
    sheet.label(f"{IN_HOUSE_COLUMN}{header}", gettext("In-house"))
    for name, row in RESULT_ROWS.items():
        if name not in shared and name != "header":
            sheet.label(f"A{row}", _RESULT_LABELS[name])

    def write_side(column: str, cells: Mapping[str, tuple[str, object]]) -> None:
        for name, (formula, value) in cells.items():
            number_format = MONEY if name in _MONEY_ROWS else TWO_DECIMALS
            sheet.formula(_res(name, column), formula, value, number_format)

    def common(column: str) -> dict[str, str]:
        tco = _res("tco", column)
        return {
            "monthly": f"{_res('variable_monthly', column)}+{_res('fixed_monthly', column)}",
            "tco": f"{_inp('months')}*{_res('monthly', column)}+{_res('one_time', column)}",
            "cost_per_ticket": f"{tco}/({volume}*{_inp('months')})",
            "variable": f"{_inp('months')}*{_res('variable_monthly', column)}",
            "fixed": f"{tco}-{_res('variable', column)}",
        }

    people = _res("people")
    in_house = wb.in_house_cost
    formulas = {
        "people": _in_house_people(_res("fte_required"), _res("coverage_fte")),
        "variable_monthly": "0",
        "fixed_monthly": _in_house_monthly(people),
        "one_time": _inp("one_time"),
        **common(IN_HOUSE_COLUMN),
    }
    values = {
        "people": in_house.fte,
        "variable_monthly": 0,
        "fixed_monthly": in_house.monthly,
        "one_time": in_house.one_time,
        "monthly": in_house.monthly,
        "tco": in_house.tco,
        "cost_per_ticket": in_house.cost_per_ticket,
        "variable": 0,
        "fixed": in_house.tco,  # in-house staff are fixed costs
    }
    write_side(IN_HOUSE_COLUMN, {name: (formulas[name], values[name]) for name in formulas})
    in_house_tco = _res("tco")
    for priced in wb.offers:
        column, offer, result = priced.column, priced.source.offer, priced.estimate
        out = result.outsourced
        sheet.user_text(f"{column}{header}", priced.source.label)
        agents, tco, savings = (_res(n, column) for n in ("people", "tco", "savings"))
        formulas = {
            "people": _agents(column, _res("fte_required")),
            "variable_monthly": _variable_monthly(
                offer, column, _res("workload_hours_per_month"), _res("handled")
            ),
            "fixed_monthly": _fixed_monthly(offer, column, agents),
            "one_time": _one_time(column, agents),
            **common(column),
            "savings": f"{in_house_tco}-{tco}",
            "savings_pct": f'IF({in_house_tco}=0,"",{savings}/{in_house_tco}*100)',
            "roi_pct": f'IF({tco}=0,"",{savings}/{tco}*100)',
        }
        values = {
            "people": out.agents,
            "variable_monthly": out.variable_monthly,
            "fixed_monthly": out.fixed_monthly,
            "one_time": out.one_time,
            "monthly": out.monthly,
            "tco": out.tco,
            "cost_per_ticket": out.cost_per_ticket,
            "variable": out.variable,
            "fixed": out.fixed,
            "savings": result.savings,
            "savings_pct": result.savings_pct,
            "roi_pct": result.roi_pct,
        }
        write_side(column, {name: (formulas[name], values[name]) for name in formulas})
    sheet.widths({"A": 30, IN_HOUSE_COLUMN: 16, **{priced.column: 16 for priced in wb.offers}})


def _write_scenarios(wb: _Workbook) -> None:
    sheet = wb.sheet(SCENARIOS)
    sheet.user_text("A1", wb.title)
    cols = SCENARIO_COLUMNS
    headers = {
        "name": gettext("Scenario"),
        "volume_factor": gettext("Volume ×"),
        "aht_factor": gettext("AHT ×"),
        "handled": _LABELS["handled"],
        "workload_hours_per_month": _LABELS["workload_hours_per_month"],
        "fte_required": _LABELS["fte_required"],
        "in_house_fte": gettext("In-house FTE"),
        "in_house_tco": gettext("In-house TCO"),
    }
    for name, column in cols.items():
        sheet.label(f"{column}{SCENARIO_HEADER_ROW}", headers[name])
    offer_columns = []
    for index, priced in enumerate(wb.offers):
        first = SCENARIO_FIRST_OFFER_COLUMN - 1 + 3 * index
        agents, tco, savings = (xl_col_to_name(first + k) for k in range(3))
        offer_columns.append((agents, tco, savings))
        for column, suffix in (
            (agents, gettext("agents")),
            (tco, gettext("TCO")),
            (savings, gettext("savings")),
        ):
            sheet.user_text(f"{column}{SCENARIO_HEADER_ROW}", f"{priced.source.label} {suffix}")

    months = _inp("months")
    coverage_fte = f"{RESULTS}!{_res('coverage_fte')}"
    for offset, (scenario, factors) in enumerate(wb.scenario_factors.items()):
        row = SCENARIO_FIRST_ROW + offset
        here = {name: f"{column}{row}" for name, column in cols.items()}
        label = SCENARIO_LABELS.get(scenario)
        if label is None:
            sheet.user_text(here["name"], scenario)
        else:
            sheet.label(here["name"], label)
        sheet.number(here["volume_factor"], factors.volume, TWO_DECIMALS)
        sheet.number(here["aht_factor"], factors.aht, TWO_DECIMALS)
        workload = scenario_workload(workload=wb.workload, factors=factors)
        in_house = in_house_cost(in_house=wb.in_house, workload=workload, months=wb.months)
        handled = _handled(f"{_inp('volume_per_month')}*{here['volume_factor']}")
        aht = f"{_inp('aht_minutes')}*{here['aht_factor']}"
        cells = {
            "handled": (handled, workload.handled),
            "workload_hours_per_month": (
                _hours(here["handled"], aht),
                workload.workload_hours_per_month,
            ),
            "fte_required": (
                f"{here['workload_hours_per_month']}/{_inp('productive_hours_per_fte_month')}",
                workload.fte_required,
            ),
            "in_house_fte": (_in_house_people(here["fte_required"], coverage_fte), in_house.fte),
            "in_house_tco": (
                f"{months}*{_in_house_monthly(here['in_house_fte'])}+{_inp('one_time')}",
                in_house.tco,
            ),
        }
        for name, (formula, value) in cells.items():
            number_format = MONEY if name == "in_house_tco" else TWO_DECIMALS
            sheet.formula(here[name], formula, value, number_format)
        for priced, (agents_col, tco_col, savings_col) in zip(
            wb.offers, offer_columns, strict=True
        ):
            column, offer = priced.column, priced.source.offer
            result = priced.scenarios[scenario]
            agents = f"{agents_col}{row}"
            monthly = (
                _variable_monthly(offer, column, here["workload_hours_per_month"], here["handled"])
                + "+"
                + _fixed_monthly(offer, column, agents)
            )
            sheet.formula(agents, _agents(column, here["fte_required"]), result.outsourced.agents)
            sheet.formula(
                f"{tco_col}{row}",
                f"{months}*({monthly})+{_one_time(column, agents)}",
                result.outsourced.tco,
                MONEY,
            )
            sheet.formula(
                f"{savings_col}{row}",
                f"{here['in_house_tco']}-{tco_col}{row}",
                result.savings,
                MONEY,
            )
    sheet.widths({"A": 16})


def _write_decision(wb: _Workbook) -> None:
    """DOMAIN.md §4: savings, strategic value and risk side by side, and the verdict.
    Savings, the risk limit and the recommendation are formulas: edit the risk, the
    strategic answer or any input and the recommendation follows."""
    sheet = wb.sheet(DECISION)
    sheet.user_text("A1", wb.title)
    yes, no = gettext("Yes"), gettext("No")
    keep, outsource = (str(RECOMMENDATION_LABELS[c]) for c in (KEEP_IN_HOUSE, OUTSOURCE))
    sheet.label("A3", gettext("Customer service is strategically differentiating"))
    sheet.label(DECISION_STRATEGIC, yes if wb.strategic else no)
    strategic = f"${DECISION_STRATEGIC[0]}${DECISION_STRATEGIC[1:]}"
    rows = DECISION_ROWS
    for name, row in rows.items():
        if name != "header":
            sheet.label(f"A{row}", _DECISION_LABELS[name])
    # xgettext:no-python-format
    sheet.label(f"B{rows['risk_limit']}", gettext("70% of the savings"))
    sheet.label(f"B{rows['risk']}", gettext("editable"))
    for priced in wb.offers:
        column, result, source = priced.column, priced.estimate, priced.source
        at = {name: f"{column}{row}" for name, row in rows.items()}
        verdict = recommend(savings=result.savings, risk=source.risk, strategic=wb.strategic)
        sheet.user_text(at["header"], source.label)
        sheet.label(at["pricing_model"], pricing_model_label(source.offer.pricing_model))
        if result.break_even_month is None:
            sheet.label(at["break_even_month"], gettext("Not within the term"))
        else:
            sheet.number(at["break_even_month"], result.break_even_month)
        sheet.formula(at["savings"], f"{RESULTS}!{_res('savings', column)}", result.savings, MONEY)
        sheet.number(at["risk"], source.risk, MONEY)
        sheet.formula(
            at["risk_limit"],
            f"{RISK_SHARE_OF_SAVINGS}*{at['savings']}",
            verdict.risk_threshold,
            MONEY,
        )
        sheet.formula(
            at["risk_within_limit"],
            f'IF({at["risk"]}<={at["risk_limit"]},"{yes}","{no}")',
            yes if verdict.risk <= verdict.risk_threshold else no,
        )
        # Any of the three axes against outsourcing keeps it in-house (DOMAIN.md §4).
        sheet.formula(
            at["recommendation"],
            f'IF({strategic}="{yes}","{keep}",IF({at["savings"]}<=0,"{keep}",'
            f'IF({at["risk"]}>{at["risk_limit"]},"{keep}","{outsource}")))',
            str(RECOMMENDATION_LABELS[verdict.code]),
        )
        sheet.label(at["rate_flags"], "; ".join(source.rate_flags) or "—")
        sheet.label(at["checklist_gaps"], "; ".join(source.checklist_gaps) or "—")
    sheet.widths({"A": 40, "B": 20, **{priced.column: 24 for priced in wb.offers}})


SHEET_WRITERS: tuple[Callable[[_Workbook], None], ...] = (
    _write_inputs,
    _write_results,
    _write_scenarios,
    _write_decision,
)


def _as_offer(offer: WorkbookOffer | tuple[str, VendorOffer]) -> WorkbookOffer:
    if isinstance(offer, WorkbookOffer):
        return offer
    label, vendor_offer = offer
    return WorkbookOffer(label=label, offer=vendor_offer)


def build_comparison_workbook(
    *,
    title: str,
    months: int,
    workload: Workload,
    in_house: InHouse,
    offers: Sequence[WorkbookOffer | tuple[str, VendorOffer]],
    strategic: bool = False,
    scenario_factors: Mapping[str, ScenarioFactors] = DEFAULT_SCENARIOS,
) -> bytes:
    """An .xlsx comparing the in-house baseline with each labelled offer (label: vendor name)."""
    months = check_months(months)
    priced = []
    for index, offer in enumerate(map(_as_offer, offers)):
        scenario_results = scenarios(
            workload=workload,
            in_house=in_house,
            offer=offer.offer,
            months=months,
            factors=scenario_factors,
        )
        result = estimate(workload=workload, in_house=in_house, offer=offer.offer, months=months)
        priced.append(_Priced(_column(index), offer, result, scenario_results))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    context = _Workbook(
        book=book,
        title=title,
        months=months,
        workload=workload,
        in_house=in_house,
        in_house_cost=in_house_cost(in_house=in_house, workload=workload, months=months),
        strategic=strategic,
        scenario_factors=scenario_factors,
        offers=priced,
    )
    for write in SHEET_WRITERS:
        write(context)
    book.close()
    return buffer.getvalue()


__all__ = [
    "DECISION",
    "DECISION_ROWS",
    "DECISION_STRATEGIC",
    "INPUTS",
    "INPUT_ROWS",
    "OFFER_ROWS",
    "RESULTS",
    "RESULT_ROWS",
    "SCENARIOS",
    "SCENARIO_COLUMNS",
    "SHEET_WRITERS",
    "WorkbookOffer",
    "build_comparison_workbook",
]
