import pytest

from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, ProcurementUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_in_english_and_dutch_then_sign_in(page):
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "Sign in to VendorPilot"
    # The stylesheet is served by the app itself (no CDN).
    css = page.evaluate("() => [...document.styleSheets].map(s => s.href)")
    assert any("/static/bootstrap/css/bootstrap.min.css" in href for href in css)
    assert all(href is None or href.startswith(page.url.split("/accounts")[0]) for href in css)

    page.select_option("#language-select", "nl")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Aanmelden bij VendorPilot"

    ProcurementUserFactory(email="bea@example.com")
    sign_in(page, "bea@example.com", TEST_PASSWORD)
    assert page.locator("nav").get_by_text("Offerteaanvragen").is_visible()
