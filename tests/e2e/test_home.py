"""Each role's home in a real browser, with seeded work: counts, the first items, and a
link that leads to the place to act."""

import pytest
import time_machine

from tests.browser import sign_in
from tests.config.test_home import NOW, seed_work
from tests.factories import TEST_PASSWORD, ManagerFactory, ProcurementUserFactory, VendorUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def seeded_work():
    return seed_work()


def count(page, key: str) -> int:
    return int(page.locator(f"#{key}").get_attribute("data-count"))


def test_procurement_home_leads_to_the_quote_to_review(page, seeded_work):
    ProcurementUserFactory(email="bea@example.com")
    sign_in(page, "bea@example.com", TEST_PASSWORD)

    assert page.url.endswith("/")
    assert count(page, "quotes-to-review") == 1
    assert count(page, "deadlines-this-week") == 1
    assert count(page, "invitations-unanswered") == 2
    page.locator("#quotes-to-review").get_by_role("link", name="Manila Desk — RFQ-SOON").click()
    page.wait_for_load_state("networkidle")
    assert "/procurement/quotes/" in page.url


def test_manager_home_leads_to_the_decision(page, seeded_work):
    ManagerFactory(email="max@example.com")
    sign_in(page, "max@example.com", TEST_PASSWORD)

    assert count(page, "pilots-awaiting-decision") == 1
    assert count(page, "checkpoints-due") == 1
    assert count(page, "open-alerts") == 1
    assert "No KPI entry for 28 Feb 2026." in page.locator("#open-alerts").inner_text()
    page.locator("#pilots-awaiting-decision a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/pilots/{seeded_work['decided_soon'].pk}/scorecards/60/")


def test_vendor_home_leads_to_the_missing_day(page, seeded_work):
    VendorUserFactory(email="ana@lisbon.example", vendor=seeded_work["lisbon"])
    sign_in(page, "ana@lisbon.example", TEST_PASSWORD)

    assert count(page, "invitations-to-answer") == 2
    assert count(page, "quotes-in-draft") == 1
    missing = page.locator("#missing-days li", has_text="1 Feb 2026")
    assert "2 days without KPIs, from 28 Feb 2026" in missing.inner_text()
    missing.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("?day=2026-02-28")
    assert page.locator("form#kpi-entry-form").is_visible()
