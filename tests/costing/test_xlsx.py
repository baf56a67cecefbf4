"""The comparison workbook: live formulas that reproduce the engine, and escaped user text."""

import csv
import io
import re
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal, localcontext

import openpyxl
import pytest
from django.utils import translation

from common.csvsafe import safe_cell_text, safe_csv_row
from costing.engine import (
    ENGINE_CONTEXT,
    EngineInputError,
    InHouse,
    ScenarioFactors,
    VendorOffer,
    Workload,
    estimate,
    q2,
    scenarios,
)
from costing.messages import SCENARIO_LABELS
from costing.xlsx import (
    DECISION_ROWS,
    DECISION_STRATEGIC,
    FIRST_OFFER_COLUMN,
    INPUT_ROWS,
    OFFER_ROWS,
    RESULT_ROWS,
    SCENARIO_COLUMNS,
    SCENARIO_FIRST_OFFER_COLUMN,
    SCENARIO_FIRST_ROW,
    WorkbookOffer,
    build_comparison_workbook,
)

# --- a tiny evaluator for exactly the formulas the builder emits ----------------------------
# Numbers, "text", cell refs (Sheet!A1, $A$1), + - * /, = <> < > <= >=, MAX, MIN, ROUNDUP,
# ROUND, IF, AND.

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\")"
    r"|(?P<ref>(?:(?P<sheet>[A-Za-z]+|'(?:[^']|'')+')!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+))"
    r"|(?P<func>[A-Z]+)\(|(?P<op><=|>=|<>|[-+*/=<>(),]))"
)


def _tokens(formula):
    position, tokens = 0, []
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        assert match and match.end() > position, f"cannot read {formula[position:]!r}"
        tokens.append(match)
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, formula, sheet):
        self.tokens, self.at, self.sheet = _tokens(formula), 0, sheet

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take_op(self, *ops):
        token = self.peek()
        if token is not None and token["op"] in ops:
            self.at += 1
            return token["op"]
        return None

    def parse(self):
        node = self.comparison()
        assert self.peek() is None, "trailing tokens"
        return node

    def comparison(self):
        node = self.additive()
        op = self.take_op("=", "<>", "<", ">", "<=", ">=")
        return ("bin", op, node, self.additive()) if op else node

    def additive(self):
        node = self.term()
        while op := self.take_op("+", "-"):
            node = ("bin", op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while op := self.take_op("*", "/"):
            node = ("bin", op, node, self.unary())
        return node

    def unary(self):
        if self.take_op("-"):
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        token = self.peek()
        self.at += 1
        if token["num"]:
            return ("num", Decimal(token["num"]))
        if token["str"]:
            return ("str", token["str"][1:-1])
        if token["ref"]:
            sheet = token["sheet"] or self.sheet
            if token["sheet"] and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            return ("ref", sheet, f"{token['col']}{token['row']}")
        if token["func"]:
            args = [] if self.take_op(")") else [self.comparison()]
            while args and not self.take_op(")"):
                assert self.take_op(","), "expected ,"
                args.append(self.comparison())
            return ("call", token["func"], args)
        assert token["op"] == "(", f"unexpected {token.group()!r}"
        node = self.comparison()
        assert self.take_op(")")
        return node


class Book:
    """Reads a workbook's values and evaluates its formulas in Decimal."""

    def __init__(self, data: bytes):
        self.workbook = openpyxl.load_workbook(io.BytesIO(data))

    def set(self, ref, value):
        sheet, cell = ref.split("!")
        self.workbook[sheet][cell].value = value

    def __getitem__(self, ref):
        sheet, cell = ref.split("!")
        return self.value(sheet, cell)

    def value(self, sheet, cell):
        raw = self.workbook[sheet][cell].value
        if raw is None:
            return Decimal(0)
        if isinstance(raw, str) and raw.startswith("="):
            with localcontext(ENGINE_CONTEXT):
                return self.eval(_Parser(raw[1:], sheet).parse())
        if isinstance(raw, int | float):
            return Decimal(repr(raw))
        return raw

    def eval(self, node):
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "ref":
            return self.value(node[1], node[2])
        if kind == "neg":
            return -self.eval(node[1])
        if kind == "bin":
            left, right = self.eval(node[2]), self.eval(node[3])
            return {
                "+": lambda: left + right,
                "-": lambda: left - right,
                "*": lambda: left * right,
                "/": lambda: left / right,
                "=": lambda: left == right,
                "<>": lambda: left != right,
                "<": lambda: left < right,
                ">": lambda: left > right,
                "<=": lambda: left <= right,
                ">=": lambda: left >= right,
            }[node[1]]()
        name, args = node[1], node[2]
        if name == "IF":
            return self.eval(args[1] if self.eval(args[0]) else args[2])
        values = [self.eval(arg) for arg in args]
        if name == "MAX":
            return max(values)
        if name == "MIN":
            return min(values)
        if name == "ROUNDUP":  # away from zero, to `digits` decimals
            number, digits = values
            return number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_UP)
        if name == "ROUND":  # Excel: halves away from zero
            number, digits = values
            return number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
        if name == "AND":
            return all(values)
        raise AssertionError(f"unsupported function {name}")


# --- fixtures ---------------------------------------------------------------------------------

COST_ARTICLE_WORKLOAD = Workload(volume_per_month=500, aht_minutes=10)
COST_ARTICLE_IN_HOUSE = InHouse(gross_salary_month=2500, employer_costs_pct=35)
NEARSHORE_QUOTE = VendorOffer(pricing_model="hourly", hourly_rate=18, onboarding_fee=2000)

ALL_KINDS_OF_OFFERS = [
    ("Nearshore hourly", NEARSHORE_QUOTE),
    (
        "Offshore per ticket",
        VendorOffer(
            pricing_model="per_ticket",
            per_ticket_rate="1.75",
            hourly_rate=6,
            onboarding_hours_per_agent=60,
            licences_per_agent_month=25,
            integration_one_time=4000,
        ),
    ),
    (
        "Onshore subscription",
        VendorOffer(
            pricing_model="subscription",
            monthly_fee=2900,
            agents=2,
            management_per_month=300,
            exit_fee=1500,
        ),
    ),
    (
        "Mixed hourly",
        VendorOffer(
            pricing_model="mixed", monthly_fee=400, hourly_rate=14, onboarding_hours_per_agent=40
        ),
    ),
    (
        "Mixed per ticket",
        VendorOffer(pricing_model="mixed", monthly_fee=350, per_ticket_rate=2, exit_fee=750),
    ),
]


def column(index):
    return openpyxl.utils.get_column_letter(FIRST_OFFER_COLUMN + index)


def results(book, col):
    """One Results column, shaped and rounded like the API's estimate response."""

    def at(name, c=col):
        return book[f"Results!{c}{RESULT_ROWS[name]}"]

    def s(value):
        return None if value == "" else f"{q2(value):f}"

    return {
        "workload_hours_per_month": s(at("workload_hours_per_month", "B")),
        "fte_required": s(at("fte_required", "B")),
        "in_house": {
            "fte": s(at("people", "B")),
            "monthly": s(at("monthly", "B")),
            "one_time": s(at("one_time", "B")),
            "tco": s(at("tco", "B")),
            "cost_per_ticket": s(at("cost_per_ticket", "B")),
        },
        "outsourced": {
            "agents": int(at("people")),
            "monthly": s(at("monthly")),
            "one_time": s(at("one_time")),
            "tco": s(at("tco")),
            "cost_per_ticket": s(at("cost_per_ticket")),
            "fixed": s(at("fixed")),
            "variable": s(at("variable")),
        },
        "savings": s(at("savings")),
        "savings_pct": s(at("savings_pct")),
        "roi_pct": s(at("roi_pct")),
    }


def engine_view(result):
    response = result.as_dict()
    del response["break_even_month"], response["cumulative"]
    # The workbook prices an e-mail scope without a transition (issue 11 adds them later).
    assert response.pop("staffing") is None
    assert response["outsourced"].pop("transition") == "0.00"
    return response


def workbook(offers=(("Nearshore", NEARSHORE_QUOTE),), **overrides):
    arguments = {
        "title": "Webshop customer service",
        "months": 12,
        "workload": COST_ARTICLE_WORKLOAD,
        "in_house": COST_ARTICLE_IN_HOUSE,
        "offers": list(offers),
        **overrides,
    }
    return build_comparison_workbook(**arguments), arguments


# --- tests ------------------------------------------------------------------------------------


def test_it_has_the_sheets_of_the_spreadsheet_recipe_and_a_decision_sheet():
    data, _ = workbook()

    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == [
        "Inputs",
        "Results",
        "Scenarios",
        "Hour by hour",
        "Decision",
    ]


def test_inputs_hold_the_values_at_their_documented_cells():
    book = Book(workbook()[0])

    assert book[f"Inputs!B{INPUT_ROWS['volume_per_month']}"] == 500
    assert book["Inputs!B3"] == 500
    assert book["Inputs!B4"] == 10
    assert book["Inputs!B5"] == 160
    assert book["Inputs!B8"] == 12
    assert book["Inputs!B11"] == 2500
    assert book["Inputs!B12"] == 35
    assert book.workbook["Inputs"]["B10"].value is None  # FTE left for the formula to derive
    assert book["Inputs!C18"] == "Nearshore"
    assert book["Inputs!C19"] == "Per hour"  # the pricing model's label, not its code
    assert book[f"Inputs!C{OFFER_ROWS['hourly_rate']}"] == 18
    assert book["Inputs!C24"] == 2000
    assert book.workbook["Inputs"]["C23"].value is None  # agents derived


def test_results_are_formulas_over_the_input_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(workbook()[0]))["Results"]

    # The backlog part from Inputs B3/B4, the live part from Inputs B35..B38 ("Hour by hour").
    assert sheet["B3"].value == "=Inputs!B3*(1-Inputs!B7/100)+Inputs!B36"
    assert sheet["B4"].value == "=Inputs!B3*(1-Inputs!B7/100)*Inputs!B4/60+Inputs!B37"
    assert sheet["B7"].value == "=Inputs!B3*(1-Inputs!B7/100)*Inputs!B4/60+Inputs!B38"
    assert sheet["B5"].value == "=B7/Inputs!B5"
    assert sheet["B6"].value == "=Inputs!B6*4.2/Inputs!B5"
    # docs/domain.md §1: a given FTE wins; else e-mail in whole people (its workload or its
    # coverage) plus the live desk's seat hours (B38) / (1 − shrinkage B41) / (B40 × 4.2),
    # two decimals; "Combined with own work" (B42) takes the live workload hours (B37).
    backlog_people = (
        "ROUNDUP(MAX((Inputs!B3*(1-Inputs!B7/100)*Inputs!B4/60)/Inputs!B5,"
        "Inputs!B6*4.2/Inputs!B5),0)"
    )
    combined = 'AND(Inputs!B42="Combined with own work",Inputs!B35>0)'
    dedicated = f"{backlog_people}+ROUND((Inputs!B38)/(1-Inputs!B41/100)/(Inputs!B40*4.2),2)"
    assert sheet["B9"].value == (
        f"=IF({combined},{backlog_people}+ROUND((Inputs!B37)/(Inputs!B40*4.2),2),"
        f"IF(Inputs!B10>0,Inputs!B10,{dedicated}))"
    )
    per_fte = "(Inputs!B11*(1+Inputs!B12/100)+Inputs!B13+Inputs!B14)*(1+Inputs!B15/100)"
    assert sheet["B11"].value == (
        f"=IF({combined},{backlog_people}*{per_fte}+(Inputs!B37)*{per_fte}/(Inputs!B40*4.2),"
        f"IF(Inputs!B10>0,Inputs!B10,{dedicated})*{per_fte})"
    )
    assert sheet["C9"].value == "=IF(Inputs!C23>0,Inputs!C23,MAX(1,ROUNDUP(B5,0)))"
    assert sheet["C10"].value == "=Inputs!C20*B7"
    assert sheet["C11"].value == "=C9*Inputs!C26+Inputs!C28+Inputs!C31"
    assert sheet["C13"].value == (
        "=Inputs!C24+Inputs!C25*C9*Inputs!C20+Inputs!C27+Inputs!C32+Inputs!C29"
    )
    # docs/domain.md §2: the transition months carry the in-house monthly cost.
    assert sheet["C14"].value == "=Inputs!B8*C12+C13+Inputs!B9*B12"
    assert sheet["C15"].value == "=C14/((Inputs!B3+Inputs!B35)*Inputs!B8)"
    assert sheet["C18"].value == "=B14-C14"
    assert sheet["C19"].value == '=IF(B14=0,"",C18/B14*100)'
    assert sheet["C20"].value == '=IF(C14=0,"",C18/C14*100)'
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    # …plus the two in-house live options, FTE and monthly each (docs/domain.md §1).
    assert len(formulas) == 5 + 2 * 9 + 3 + 4


def test_the_formulas_reproduce_the_cost_article():
    data, arguments = workbook()
    book = Book(data)

    assert book["Results!B14"] == Decimal(40500)
    assert q2(book["Results!C14"]) == Decimal("20000.00")
    assert results(book, "C") == engine_view(
        estimate(
            workload=COST_ARTICLE_WORKLOAD,
            in_house=COST_ARTICLE_IN_HOUSE,
            offer=NEARSHORE_QUOTE,
            months=12,
        )
    )
    assert results(book, "C")["savings_pct"] == "50.62"
    assert results(book, "C")["roi_pct"] == "102.50"


def test_changing_the_volume_in_excel_follows_the_engine():
    book = Book(workbook()[0])

    book.set("Inputs!B3", 1000)

    expected = estimate(
        workload=Workload(volume_per_month=1000, aht_minutes=10),
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
    )
    assert results(book, "C") == engine_view(expected)
    assert results(book, "C")["in_house"]["tco"] == "81000.00"
    assert results(book, "C")["outsourced"]["tco"] == "38000.00"


def test_changing_a_rate_or_the_term_in_excel_follows_the_engine():
    book = Book(workbook()[0])

    book.set("Inputs!C20", 22)
    book.set("Inputs!B8", 24)

    expected = estimate(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=VendorOffer(pricing_model="hourly", hourly_rate=22, onboarding_fee=2000),
        months=24,
    )
    assert results(book, "C") == engine_view(expected)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"workload": Workload(volume_per_month=3200, aht_minutes=7, automation_deflection_pct=30)},
        {
            "workload": Workload(volume_per_month=900, aht_minutes=12, coverage_hours_per_week=98),
            "in_house": InHouse(
                gross_salary_month=2000,
                employer_costs_pct=20,
                overhead_per_fte_month=350,
                licences_per_fte_month=40,
                absence_pct=10,
                one_time=2500,
            ),
            "months": 24,
        },
        {"in_house": InHouse(fte="0.75", gross_salary_month=2000, employer_costs_pct=20)},
    ],
)
def test_every_pricing_model_column_matches_the_engine(overrides):
    data, arguments = workbook(ALL_KINDS_OF_OFFERS, **overrides)
    book = Book(data)

    for index, (_label, offer) in enumerate(ALL_KINDS_OF_OFFERS):
        expected = estimate(
            workload=arguments["workload"],
            in_house=arguments["in_house"],
            offer=offer,
            months=arguments["months"],
        )
        assert results(book, column(index)) == engine_view(expected), offer.pricing_model


def test_the_scenarios_sheet_matches_the_engine_and_follows_its_factors():
    factors = {
        "pessimistic": ScenarioFactors(volume="1.2", aht="1.1"),
        "realistic": ScenarioFactors(volume=1, aht=1),
        "optimistic": ScenarioFactors(volume="0.8", aht="0.9"),
        "peak": ScenarioFactors(volume=3, aht="1.25"),
    }
    data, arguments = workbook(ALL_KINDS_OF_OFFERS, scenario_factors=factors)
    book = Book(data)

    for index, (_label, offer) in enumerate(ALL_KINDS_OF_OFFERS):
        expected = scenarios(
            workload=COST_ARTICLE_WORKLOAD,
            in_house=COST_ARTICLE_IN_HOUSE,
            offer=offer,
            months=12,
            factors=factors,
        )
        agents, tco, savings = (
            openpyxl.utils.get_column_letter(SCENARIO_FIRST_OFFER_COLUMN + 3 * index + k)
            for k in range(3)
        )
        for offset, (name, result) in enumerate(expected.items()):
            row = SCENARIO_FIRST_ROW + offset
            cols = SCENARIO_COLUMNS
            assert book[f"Scenarios!{cols['name']}{row}"] == SCENARIO_LABELS.get(name, name)
            assert q2(book[f"Scenarios!{cols['in_house_tco']}{row}"]) == q2(result.in_house.tco)
            assert book[f"Scenarios!{cols['in_house_fte']}{row}"] == result.in_house.fte
            assert book[f"Scenarios!{agents}{row}"] == result.outsourced.agents
            assert q2(book[f"Scenarios!{tco}{row}"]) == q2(result.outsourced.tco), (name, index)
            assert q2(book[f"Scenarios!{savings}{row}"]) == q2(result.savings)

    assert q2(book["Scenarios!J4"]) == Decimal("25760.00")  # nearshore, pessimistic
    book.set("Scenarios!B4", 2)  # edit the pessimistic volume factor in Excel
    # 1000 × 11 / 60 = 183.33 h × 18 = 3300 a month × 12 + 2000.
    assert q2(book["Scenarios!J4"]) == Decimal("41600.00")


def _formula_cells(data):
    loaded = openpyxl.load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in loaded
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"workload": Workload(volume_per_month=900, aht_minutes=12, coverage_hours_per_week=98)},
        {"in_house": InHouse(fte="0.75", gross_salary_month=2000, employer_costs_pct=20)},
    ],
)
def test_every_formula_is_stored_with_the_value_it_computes(overrides):
    data, _ = workbook(ALL_KINDS_OF_OFFERS, **overrides)
    book = Book(data)
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)

    cells = _formula_cells(data)
    assert len(cells) > 100
    for ref in cells:
        sheet, cell = ref.split("!")
        value, expected = cached[sheet][cell].value, book[ref]
        assert value is not None, ref  # a previewer that never calculates shows a figure
        if isinstance(expected, str):
            assert value == expected, ref
        else:
            assert Decimal(repr(value)) == pytest.approx(expected, rel=Decimal("1e-12")), ref


def test_a_previewer_reading_only_cached_values_sees_the_cost_article():
    result = estimate(
        workload=COST_ARTICLE_WORKLOAD,
        in_house=COST_ARTICLE_IN_HOUSE,
        offer=NEARSHORE_QUOTE,
        months=12,
    )
    offer = WorkbookOffer(
        label="Nearshore", offer=NEARSHORE_QUOTE, break_even_month=result.break_even_month
    )
    loaded = openpyxl.load_workbook(io.BytesIO(workbook([offer])[0]), data_only=True)
    results = loaded["Results"]

    assert results["B14"].value == 40500
    assert results["C14"].value == 20000
    assert results["C18"].value == 20500
    assert round(results["C19"].value, 2) == 50.62
    assert loaded["Decision"][f"C{DECISION_ROWS['recommendation']}"].value == "Outsource"
    # Month 1: €1,666.67 + €2,000 onboarding against €3,375; month 2 is cheaper outsourced.
    assert loaded["Decision"][f"C{DECISION_ROWS['break_even_month']}"].value == 2


def test_the_decision_sheet_weighs_savings_risk_and_strategy_like_the_engine():
    offers = [
        WorkbookOffer(
            label="Lisbon",
            offer=NEARSHORE_QUOTE,
            risk=Decimal("14000"),
            rate_flags=["Hourly rate €18.00 above the market band"],
            checklist_gaps=["SLAs", "Exit clauses"],
        ),
        WorkbookOffer(label="Manila", offer=NEARSHORE_QUOTE, risk=Decimal("15000")),
    ]
    data, _ = workbook(offers)
    book = Book(data)
    rows = {name: f"{row}" for name, row in DECISION_ROWS.items()}

    # Savings €20,500: the limit is €14,350; €14,000 stays under it, €15,000 does not.
    assert book["Decision!C" + rows["savings"]] == Decimal(20500)
    assert q2(book["Decision!C" + rows["risk_limit"]]) == Decimal("14350.00")
    assert book["Decision!C" + rows["risk_within_limit"]] == "Yes"
    assert book["Decision!C" + rows["recommendation"]] == "Outsource"
    assert book["Decision!D" + rows["risk_within_limit"]] == "No"
    assert book["Decision!D" + rows["recommendation"]] == "Keep it in-house"
    assert book["Decision!C" + rows["pricing_model"]] == "Per hour"
    assert book["Decision!C" + rows["rate_flags"]] == "Hourly rate €18.00 above the market band"
    assert book["Decision!C" + rows["checklist_gaps"]] == "SLAs; Exit clauses"
    assert book["Decision!D" + rows["checklist_gaps"]] == "—"
    assert book[f"Decision!{DECISION_STRATEGIC}"] == "No"

    book.set("Decision!D" + rows["risk"], 1000)  # lower the risk in Excel
    assert book["Decision!D" + rows["recommendation"]] == "Outsource"
    book.set(f"Decision!{DECISION_STRATEGIC}", "Yes")  # strategically differentiating
    assert book["Decision!C" + rows["recommendation"]] == "Keep it in-house"
    book.set("Inputs!D20", 40)  # a rate that eats the savings
    book.set(f"Decision!{DECISION_STRATEGIC}", "No")
    assert book["Decision!D" + rows["savings"]] < 0
    assert book["Decision!D" + rows["recommendation"]] == "Keep it in-house"


def test_the_workbook_speaks_dutch_under_dutch():
    with translation.override("nl"):
        data, _ = workbook()
    loaded = openpyxl.load_workbook(io.BytesIO(data), data_only=True)

    assert loaded.sheetnames == ["Invoer", "Resultaten", "Scenario's", "Per uur", "Besluit"]
    assert loaded["Invoer"][f"A{INPUT_ROWS['months']}"].value == "Looptijd (maanden)"
    assert loaded["Invoer"]["C19"].value == "Per uur"
    assert loaded["Scenario's"]["A4"].value == "Pessimistisch"
    assert loaded["Besluit"][f"C{DECISION_ROWS['recommendation']}"].value == "Uitbesteden"


def test_user_text_cannot_become_a_formula():
    hostile = '=HYPERLINK("http://evil.example","click")'
    offers = [
        (hostile, NEARSHORE_QUOTE),
        ("+31 20 555 0101", NEARSHORE_QUOTE),
        ("-2+3", NEARSHORE_QUOTE),
        ("@SUM(1,1)", NEARSHORE_QUOTE),
        ("\tTabbed", NEARSHORE_QUOTE),
        ("\rReturn", NEARSHORE_QUOTE),
        ("Acme BV", NEARSHORE_QUOTE),
    ]
    data, _ = workbook(
        offers, title="=1+1", scenario_factors={"=evil": ScenarioFactors(volume=1, aht=1)}
    )
    loaded = openpyxl.load_workbook(io.BytesIO(data))

    for sheet in loaded:
        assert sheet["A1"].value == "'=1+1"
        assert sheet["A1"].data_type == "s"
    # XlsxWriter stores a carriage return as Excel's escape `_x000D_`, which openpyxl does
    # not decode (Excel does); the prefix is what matters.
    assert [loaded["Inputs"][f"{column(i)}18"].value for i in range(len(offers))] == [
        f"'{hostile}",
        "'+31 20 555 0101",
        "'-2+3",
        "'@SUM(1,1)",
        "'\tTabbed",
        "'_x000D_Return",
        "Acme BV",
    ]
    assert loaded["Results"]["C8"].value == f"'{hostile}"
    assert loaded["Scenarios"]["I3"].value == f"'{hostile} agents"
    assert loaded["Scenarios"]["A4"].value == "'=evil"
    # Formulas exist only where the builder writes them: in Inputs only the live part, read
    # from the "Hour by hour" sheet.
    assert [
        c.coordinate for row in loaded["Inputs"].iter_rows() for c in row if c.data_type == "f"
    ] == ["B35", "B36", "B37", "B38"]


def test_the_term_is_validated():
    with pytest.raises(EngineInputError) as error:
        workbook(months=61)

    assert error.value.field == "months"


def test_a_workbook_without_offers_still_prices_in_house():
    book = Book(workbook(offers=())[0])

    assert book["Results!B14"] == Decimal(40500)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Acme = best", "Acme = best"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_safe_cell_text(text, expected):
    assert safe_cell_text(text) == expected


def test_safe_csv_row_escapes_text_but_keeps_numbers():
    row = safe_csv_row(["=cmd|' /C calc'!A0", "Acme", Decimal("-20500.00"), -3, None, "-5"])

    assert row == ["'=cmd|' /C calc'!A0", "Acme", Decimal("-20500.00"), -3, "", "'-5"]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    assert buffer.getvalue() == "'=cmd|' /C calc'!A0,Acme,-20500.00,-3,,'-5\r\n"
