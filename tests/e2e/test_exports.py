"""The comparison's downloads as a person gets them from the page: a Dutch CSV that Dutch
Excel splits on ";", and an XLSX whose formulas carry their values for previewers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.browser import sign_in
from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory
from tests.factories import TEST_PASSWORD, ProcurementUserFactory, VendorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _round(language: str):
    buyer = ProcurementUserFactory(
        email="buyer@example.com", full_name="Bea Buyer", language=language
    )
    rfq = RfqFactory(owner=buyer, reference="RFQ 2026/007", own_management_per_month=Decimal(0))
    CompleteQuoteFactory(rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore"))
    QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Manila Desk", region="offshore"),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
        onboarding_fee=Decimal(1000),
    )
    return rfq


def _download(page, rfq, extension: str) -> bytes:
    sign_in(page, "buyer@example.com", TEST_PASSWORD)
    page.goto(f"/costing/rfqs/{rfq.pk}/comparison/")
    with page.expect_download() as info:
        page.click(f"#export-{extension}")
    return open(info.value.path(), "rb").read()


def test_a_dutch_user_downloads_a_csv_that_reads_with_semicolons(page):
    rfq = _round("nl")

    data = _download(page, rfq, "csv")

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, in_house, manila, lisbon = rows
    assert header[1] == "Leverancier"
    named = dict(zip(header, lisbon, strict=True))
    assert named["Leverancier"] == "Lisbon Care"
    assert named["TCO"] == "20000,00"
    assert dict(zip(header, manila, strict=True))["TCO"] == "10000,00"
    assert in_house[1] == "Zelf doen"


def test_the_xlsx_shows_cached_values_to_a_reader_that_never_calculates(page):
    rfq = _round("en")

    data = _download(page, rfq, "xlsx")

    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    results = cached["Results"]
    assert results["B14"].value == 40500  # in-house TCO, a formula's stored value
    assert results["C14"].value == 10000  # Manila Desk, cheapest first
    assert round(results["D14"].value, 2) == 20000
    assert cached["Inputs"]["C19"].value == "Per ticket"
    assert cached["Decision"]["C12"].value == "Outsource"
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    assert formulas["Results"]["B14"].value.startswith("=")
