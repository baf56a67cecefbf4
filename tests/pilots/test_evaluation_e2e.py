"""In a real browser: a manager opens the decision scorecard from the alerts page, reads the
verdict and records the decision; the PDF downloads."""

import pytest

from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import PilotStatus
from tests import browser as e2e
from tests.factories import TEST_PASSWORD
from tests.pilots.conftest import CSAT_MISS, FCR_MISS, day_after, make_rfq_and_quote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

sign_in = e2e.sign_in


def test_a_manager_reads_the_scorecard_and_records_a_stop(
    page,
    manager,
    procurement_user,
    vendor_a,
    pilot_with_days,
):
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    pilot = pilot_with_days(
        60, length_days=90, vendor=vendor_a, quote=quote, values=CSAT_MISS | FCR_MISS
    )
    pilots_evaluate_due(as_of=day_after(pilot, 60))

    sign_in(page, manager.email, TEST_PASSWORD)
    page.goto("/pilots/alerts/")
    row = page.locator("tr[data-kind=checkpoint_reached]").filter(has_text="Day 60 checkpoint")
    row.get_by_role("link", name="Open the scorecard").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".vp-verdict").inner_text().startswith("Verdict: Stop and analyse per KPI")
    assert page.locator("#in-house-cpt").inner_text() == "€6.75"

    page.check("input[name=decision][value=stop]")
    page.check("input[name=knowledge_transfer_rating][value='3']")
    page.check("input[name=responsiveness_rating][value='4']")
    page.fill("textarea[name=note]", "Two weeks of product training, then a new pilot.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("networkidle")
    assert "The decision is recorded." in page.content()
    assert "Stop and analyse per KPI" in page.locator("#decision-recorded").inner_text()
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.DECIDED

    with page.expect_download() as download:
        page.click("#pdf-link")
    assert download.value.suggested_filename == "scorecard-alpha-contact-day-60.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
