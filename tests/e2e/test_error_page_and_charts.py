"""In a real browser: a 404 page with navigation and a way home; KPI charts with no data yet
and with a flat series (distinct axis labels, a range around the value, not from 0)."""

from datetime import timedelta

import pytest

from pilots.selectors import app_today
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, ManagerFactory
from tests.pilots.factories import KpiEntryFactory, PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_404_page_has_navigation_and_a_way_home(page, settings):
    settings.DEBUG = False
    manager = ManagerFactory(email="mia@example.com")
    sign_in(page, manager.email, TEST_PASSWORD)
    response = page.goto("/pilots/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("nav [data-nav='pilots:pilot_list']").is_visible()
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/pilots")


def _y_labels(page, key: str) -> list[str]:
    return page.locator(f"[data-chart='{key}'] svg text[text-anchor='end']").all_text_contents()


def test_charts_with_no_data_and_with_a_flat_series(page):
    manager = ManagerFactory(email="mia@example.com")
    start = app_today() - timedelta(days=4)
    empty = PilotFactory(start_date=start, length_days=30)
    flat = PilotFactory(start_date=start, length_days=30)
    for offset in range(3):  # the same good day three times: every KPI is a flat line
        KpiEntryFactory(pilot=flat, day=start + timedelta(days=offset))
    sign_in(page, manager.email, TEST_PASSWORD)

    page.goto(f"/pilots/{empty.pk}/")
    chart = page.locator("[data-chart='csat_pct'] svg")
    assert chart.get_attribute("role") == "img"
    assert "No data yet" in chart.locator("text").all_text_contents()
    assert chart.locator("polyline").count() == 0

    page.goto(f"/pilots/{flat.pk}/")
    labels = [label for label in _y_labels(page, "csat_pct") if not label.startswith("target")]
    assert len(labels) >= 3
    assert len(set(labels)) == len(labels)  # no "90, 90, 90"
    values = [float(label.replace(",", "")) for label in labels]
    assert min(values) > 0 and min(values) <= 90 <= max(values)  # around 90%, not from 0
    assert page.locator("[data-chart='csat_pct'] svg polyline").count() >= 1
