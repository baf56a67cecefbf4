"""A vendor enters two days' KPIs in a real headless Chromium and the dashboard shows them,
pooled (docs/domain.md §5: 9/10 and 80/100 give 80.91%, not 85%).

Dates are relative to the real today: the browser keeps its own clock (session cookies would
expire under a frozen server clock), so the pilot starts five days ago.
"""

from datetime import timedelta

import pytest

from pilots.models import KpiEntry
from pilots.selectors import app_today
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, VendorFactory, VendorUserFactory
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def enter_day(page, *, day, tickets, responses, positive, resolved, note="") -> None:
    page.fill("#id_day", day.isoformat())
    page.fill("#id_tickets", str(tickets))
    page.fill("#id_csat_responses", str(responses))
    page.fill("#id_csat_positive", str(positive))
    page.fill("#id_frt_minutes", "35.5")
    page.fill("#id_aht_minutes", "9.5")
    page.fill("#id_fcr_resolved", str(resolved))
    page.fill("#id_cost", f"{tickets * 3}.00")
    page.fill("#id_qa_sampled", "3")
    page.fill("#id_note", note)
    page.click("#kpi-entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_vendor_enters_kpis_and_the_dashboard_shows_them_pooled(page):
    today = app_today()
    vendor = VendorFactory(name="Lisbon Test Partners")
    user = VendorUserFactory(email="agent@lisbon.example", vendor=vendor, full_name="Ana Agent")
    pilot = PilotFactory(vendor=vendor, start_date=today - timedelta(days=5), length_days=30)

    sign_in(page, user.email, TEST_PASSWORD)
    page.goto("/pilots/mine/")
    page.click(f"a[href='/pilots/{pilot.pk}/']")
    assert "Day 6 of 30" in page.locator("#pilot-day").inner_text()

    page.click("#enter-kpis")
    enter_day(page, day=pilot.start_date, tickets=10, responses=10, positive=9, resolved=7,
              note="First day: quiet")  # fmt: skip
    assert "were saved" in page.locator(".alert-success").inner_text()
    assert page.locator("#entry-values").get_by_text("First day: quiet").is_visible()

    page.goto(
        f"/pilots/{pilot.pk}/kpis/enter/?day={(pilot.start_date + timedelta(days=1)).isoformat()}"
    )
    enter_day(page, day=pilot.start_date + timedelta(days=1), tickets=100, responses=100,
              positive=80, resolved=75)  # fmt: skip

    page.goto(f"/pilots/{pilot.pk}/")
    csat = page.locator("tr[data-kpi='csat_pct'] td[data-value]").inner_text()
    assert csat == "80.91%"  # 89 of 110, not (90% + 80%) / 2
    assert page.locator("tr[data-kpi='fcr_pct'] td[data-value]").inner_text() == "74.55%"
    assert page.locator("tr[data-kpi='cost_per_ticket'] td[data-value]").inner_text() == "€3.00"
    assert "2 of 5 days entered" in page.locator("#coverage").locator("..").inner_text()
    assert page.locator("#charts svg").count() == 5
    missing = page.locator("#missing-days").inner_text()
    assert "day 3" in missing and "day 5" in missing

    # A mistake is refused on its field, and nothing changes.
    page.goto(f"/pilots/{pilot.pk}/kpis/enter/?day={pilot.start_date.isoformat()}")
    page.fill("#id_csat_positive", "11")
    page.click("#kpi-entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert (
        "Cannot exceed the number of CSAT responses."
        in page.locator("#kpi-entry-form").inner_text()
    )
    assert KpiEntry.objects.get(pilot=pilot, day=pilot.start_date).csat_positive == 9


def test_the_kpi_form_shows_all_five_errors_at_once_with_a_summary(page):
    today = app_today()
    vendor = VendorFactory(name="Lisbon Error Partners")
    user = VendorUserFactory(email="errors@lisbon.example", vendor=vendor, full_name="Eva Errors")
    pilot = PilotFactory(vendor=vendor, start_date=today - timedelta(days=5), length_days=30)
    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/kpis/enter/")

    page.fill("#id_day", (today + timedelta(days=1)).isoformat())  # a day in the future
    page.fill("#id_tickets", "10")
    page.fill("#id_csat_responses", "5")
    page.fill("#id_csat_positive", "8")  # more positives than responses
    page.fill("#id_frt_minutes", "abc")  # not a number
    page.fill("#id_aht_minutes", "9.5")
    page.fill("#id_fcr_resolved", "12")  # more resolved than tickets
    page.fill("#id_cost", "-5")  # a negative cost
    page.fill("#id_qa_sampled", "3")
    page.click("#kpi-entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "Correct these 5 errors to save:" in summary.inner_text()
    links = summary.locator("a")
    assert links.count() == 5
    targets = {links.nth(i).get_attribute("href") for i in range(5)}
    assert targets == {
        "#id_day",
        "#id_csat_positive",
        "#id_frt_minutes",
        "#id_fcr_resolved",
        "#id_cost",
    }
    # A link takes the reader to its field; the inline errors stay beside the fields.
    summary.locator('a[href="#id_cost"]').click()
    assert page.url.endswith("#id_cost")
    assert page.locator("#id_cost").is_visible()
    assert page.locator(".invalid-feedback, .text-danger").count() >= 5
    assert not KpiEntry.objects.filter(pilot=pilot).exists()
