"""The calculator in a real browser: results update through htmx without a page load,
and the comparison page draws its chart on the server."""

import pytest

from tests.browser import sign_in
from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory
from tests.factories import TEST_PASSWORD, ProcurementUserFactory, VendorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_calculator_updates_in_place_when_a_rate_changes(page):
    ProcurementUserFactory(email="bea@example.com")
    sign_in(page, "bea@example.com", TEST_PASSWORD)

    page.goto("/costing/calculator/")
    assert page.locator("#in-house-tco").inner_text() == "€40,500.00"
    assert page.locator("#outsourced-tco").inner_text() == "€20,000.00"
    assert page.locator("#break-even").inner_text() == "month 2"
    # A marker on the window survives an htmx swap but not a page load.
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.fill("#id_hourly_rate", "20")
    page.locator("#id_hourly_rate").dispatch_event("change")
    page.wait_for_function(
        "() => document.querySelector('#outsourced-tco')?.innerText === '€22,000.00'"
    )

    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.locator("#roi").inner_text() == "84.09%"  # (40,500 − 22,000) / 22,000
    assert page.locator("svg.vp-chart").count() == 1


def test_a_bad_value_shows_its_error_on_the_field_and_keeps_the_page(page):
    ProcurementUserFactory(email="bea@example.com")
    sign_in(page, "bea@example.com", TEST_PASSWORD)
    page.goto("/costing/calculator/")

    page.fill("#id_aht_minutes", "0")
    page.locator("#id_aht_minutes").dispatch_event("change")
    page.wait_for_selector("#calculator-invalid")

    assert page.locator("#id_aht_minutes").get_attribute("class").count("is-invalid") == 1
    assert page.locator("#id_aht_minutes").input_value() == "0"


def test_the_comparison_page_ranks_quotes_and_draws_one_line_each(page):
    buyer = ProcurementUserFactory(email="bea@example.com")
    rfq = RfqFactory(owner=buyer)
    QuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Manila Desk", region="offshore"), hourly_rate=6
    )
    CompleteQuoteFactory(rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore"))
    sign_in(page, "bea@example.com", TEST_PASSWORD)

    page.goto(f"/costing/rfqs/{rfq.pk}/comparison/")

    headers = page.locator("#comparison-table thead th").all_inner_texts()
    assert "Manila Desk" in headers[2] and "Lisbon Care" in headers[3]
    # In-house (dashed) and one line per quote.
    assert page.locator("svg.vp-chart polyline").count() == 3
    page.select_option("#id_months", "24")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-tco='in-house']").inner_text() == "€81,000.00"
