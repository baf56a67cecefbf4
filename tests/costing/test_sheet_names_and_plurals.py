"""Issue 24 item 7: the XLSX's sheet names in the user's language, every formula citing a
sheet that exists; counts before a noun in the right number ("1 gap", "2 gaps")."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from costing.xlsx import INPUT_ROWS, RESULT_ROWS
from costing.xlsx_sheets import MAX_SHEET_NAME, sheet_ref, sheet_title
from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory
from tests.costing.test_xlsx import Book
from tests.factories import VendorFactory

ENGLISH_SHEETS = ["Inputs", "Results", "Scenarios", "Hour by hour", "Decision", "Best value"]
DUTCH_SHEETS = ["Invoer", "Resultaten", "Scenario's", "Per uur", "Besluit", "Beste waarde"]
_STRING = re.compile(r'"[^"]*"')
_QUOTED = re.compile(r"'((?:[^']|'')+)'!")
_BARE = re.compile(r"(?<![A-Za-z0-9_.'])([A-Za-z_][A-Za-z0-9_.]*)!")


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(owner=procurement_user, own_management_per_month=Decimal(0))


@pytest.fixture
def quotes(rfq):
    return (
        CompleteQuoteFactory(rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore")),
        QuoteFactory(
            rfq=rfq,
            vendor=VendorFactory(name="Manila Desk", region="offshore"),
            pricing_model="per_ticket",
            hourly_rate=None,
            per_ticket_rate=Decimal("1.50"),
            onboarding_fee=Decimal(1000),
        ),
    )


def cited_sheets(workbook):
    """Every sheet name a formula cites: 'Quoted name'!A1 (with '' for ') and Bare!A1."""
    cited = set()
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                formula = _STRING.sub('""', cell.value)  # "text" in a formula is no reference
                cited |= {name.replace("''", "'") for name in _QUOTED.findall(formula)}
                cited |= set(_BARE.findall(_QUOTED.sub("", formula)))
    return cited


def export(client, user, rfq, language):
    user.language = language
    user.save()
    response = client.get(reverse("costing:comparison_xlsx", args=[rfq.pk]))
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "names"), [("nl", DUTCH_SHEETS), ("en", ENGLISH_SHEETS)], ids=["nl", "en"]
)
def test_the_sheets_are_named_in_the_users_language_and_every_formula_cites_one(
    procurement_client, procurement_user, rfq, quotes, language, names
):
    data = export(procurement_client, procurement_user, rfq, language)
    workbook = openpyxl.load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == names
    cited = cited_sheets(workbook)
    # Inputs, Results and Hour by hour are read by other sheets' formulas.
    assert {names[0], names[1], names[3]} <= cited
    assert cited <= set(workbook.sheetnames)


@pytest.mark.django_db
def test_the_dutch_workbook_still_computes_the_cost_article(
    procurement_client, procurement_user, rfq, quotes
):
    book = Book(export(procurement_client, procurement_user, rfq, "nl"))
    results = book.workbook["Resultaten"]
    tco = RESULT_ROWS["tco"]

    # Hand calculation (tests/costing/test_exports_comparison.py): in-house €40,500 over the
    # term, the per-ticket quote €10,000, the hourly one €20,000.
    assert results[f"B{tco}"].value.startswith("=")
    assert book.value("Resultaten", f"B{tco}") == Decimal(40500)
    assert book.value("Resultaten", f"C{tco}") == Decimal(10000)
    assert book.value("Resultaten", f"D{tco}").quantize(Decimal("0.01")) == Decimal("20000.00")
    # The decision sheet's savings come from the translated results sheet: 40,500 − 20,000.
    assert "Resultaten!" in book.workbook["Besluit"]["D8"].value
    assert book.value("Besluit", "D8").quantize(Decimal("0.01")) == Decimal("20500.00")
    # Editing a volume on the Dutch inputs sheet still flows through: 1,000 tickets at €1.50
    # for 12 months + €1,000 onboarding = €19,000.
    book.workbook["Invoer"][f"B{INPUT_ROWS['volume_per_month']}"].value = 1000
    assert book.value("Resultaten", f"C{tco}") == Decimal(19000)


def test_a_sheet_name_is_quoted_in_a_formula_when_it_needs_to_be():
    assert sheet_ref("Inputs", "B3") == "Inputs!B3"
    assert sheet_ref("Per uur", "B7") == "'Per uur'!B7"
    assert sheet_ref("Scenario's", "A1") == "'Scenario''s'!A1"
    assert sheet_ref("ABC", "A1") == "'ABC'!A1"  # could read as a column
    assert sheet_ref("Fase2", "A1") == "'Fase2'!A1"


def test_a_sheet_title_is_one_excel_accepts():
    title = sheet_title("Scores [best/worst]: a*b? c\\d " * 3)

    assert len(title) <= MAX_SHEET_NAME
    assert not set("[]:*?/\\") & set(title)
    assert title.startswith("Scores bestworst ab c")
    assert sheet_title("'quoted'") == "quoted"


# --- plurals ----------------------------------------------------------------------------------


def gaps_summary(html, quote):
    cell = re.search(rf'data-gaps="{quote.pk}">(.*?)</td>', html, re.S)
    assert cell, "no gaps cell"
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", cell.group(1), re.S)
    return summary.group(1).strip() if summary else None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("en", "1 gap", "2 gaps"), ("nl", "1 ontbrekend punt", "2 ontbrekende punten")],
    ids=["en", "nl"],
)
def test_the_comparison_counts_gaps_in_the_right_number(
    procurement_client, procurement_user, rfq, language, one, two
):
    # A complete quote without audit rights has one gap (procurement/checks.py: one point);
    # without an incident response plan too, two.
    single = CompleteQuoteFactory(
        rfq=rfq, vendor=VendorFactory(region="nearshore"), audit_rights=False
    )
    double = CompleteQuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(region="nearshore"),
        audit_rights=False,
        incident_response_plan=False,
    )
    procurement_user.language = language
    procurement_user.save()

    html = procurement_client.get(reverse("costing:comparison", args=[rfq.pk])).content.decode()

    assert gaps_summary(html, single) == one
    assert gaps_summary(html, double) == two


@pytest.mark.parametrize(
    ("singular", "plural", "values", "dutch_one", "dutch_two"),
    [
        (
            "closes %(deadline)s · %(count)s quote in",
            "closes %(deadline)s · %(count)s quotes in",
            {"deadline": "5 mrt"},
            "sluit 5 mrt · 1 offerte binnen",
            "sluit 5 mrt · 2 offertes binnen",
        ),
        (
            "over %(tickets)s ticket",
            "over %(tickets)s tickets",
            {},
            "over 1 ticket",
            "over 2 tickets",
        ),
    ],
)
def test_the_dutch_catalogue_has_both_numbers(singular, plural, values, dutch_one, dutch_two):
    def say(n):
        return translation.ngettext(singular, plural, n) % {**values, "count": n, "tickets": n}

    with translation.override("nl"):
        assert (say(1), say(2)) == (dutch_one, dutch_two)
    with translation.override("en"):
        assert say(1) == singular % {**values, "count": 1, "tickets": 1}
        assert say(2) == plural % {**values, "count": 2, "tickets": 2}
