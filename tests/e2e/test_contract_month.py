"""A vendor enters a contract day in a real headless Chromium; the monthly job runs
(`evaluate_contracts`); a manager sees the month's scorecard on the contract page.

Dates are relative to the real today (the browser keeps its own clock): the contract starts
on the first day of last month, so last month is over."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils.formats import date_format

from contracts.models import ContractKpiEntry, ContractPeriod
from pilots.selectors import app_today
from tests.browser import sign_in
from tests.contracts.factories import ContractFactory
from tests.factories import TEST_PASSWORD, ManagerFactory, VendorFactory, VendorUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_vendor_enters_a_contract_day_and_a_manager_sees_the_months_scorecard(
    browser, live_server, page
):
    today = app_today()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    vendor = VendorFactory(name="Lisbon Test Partners")
    agent = VendorUserFactory(email="agent@lisbon.example", vendor=vendor, full_name="Ana Agent")
    manager = ManagerFactory(email="max@example.com", full_name="Max Manager")
    contract = ContractFactory(
        vendor=vendor,
        start_date=last_month,
        months=12,
        credit_pct_per_missed_kpi=5,
        credit_cap_pct=15,
    )
    day = last_month + timedelta(days=14)

    sign_in(page, agent.email, TEST_PASSWORD)
    page.goto("/contracts/")
    page.click(f"a[href='/contracts/{contract.pk}/']")
    page.click("#enter-kpis")
    page.fill("#id_day", day.isoformat())
    for field, value in (
        ("tickets", "100"),
        ("csat_responses", "50"),
        ("csat_positive", "45"),
        ("frt_minutes", "30"),
        ("aht_minutes", "9"),
        ("fcr_resolved", "80"),
        ("cost", "300.00"),
    ):
        page.fill(f"#id_{field}", value)
    page.click("#kpi-entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "were saved" in page.locator(".alert-success").inner_text()
    assert ContractKpiEntry.objects.filter(contract=contract, day=day).exists()

    out = StringIO()
    call_command("evaluate_contracts", "--date", today.isoformat(), stdout=out)
    period = ContractPeriod.objects.get(contract=contract, month=last_month)
    assert f"Lisbon Test Partners — E-mail, {date_format(last_month, 'YEAR_MONTH_FORMAT')}" in (
        out.getvalue()
    )
    assert {m.to[0] for m in mail.outbox} >= {"max@example.com", "agent@lisbon.example"}

    manager_page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(manager_page, manager.email, TEST_PASSWORD)
    manager_page.goto(f"/contracts/{contract.pk}/")
    row = manager_page.locator(f"#period-table tr[data-month='{last_month:%Y-%m}']")
    text = row.inner_text()
    # One day of the month entered: every KPI met on it, but coverage is far below 80%.
    assert "Poor" in text
    assert "5 of 5" in text
    assert period.data_coverage_pct < 80
    assert f"{period.data_coverage_pct}%" in text
    assert "€300.00" in text and "€0.00" in text  # 5 met: no credit
    assert manager_page.locator("#period-charts svg").count() == 5
    manager_page.context.close()
