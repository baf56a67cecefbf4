"""Award with approval in a real browser (issue 12): procurement closes the RFQ on a
confirmation page, proposes the award (a second step says what it will do), a manager
approves on a confirmation page, and only then is the RFQ awarded and the vendors told."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from procurement.models import AwardProposal, Rfq
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, ManagerFactory, ProcurementUserFactory, VendorUserFactory
from tests.procurement.factories import QuoteFactory, RfqFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_propose_then_approve_then_awarded(page, browser, live_server):
    buyer = ProcurementUserFactory(email="buyer@example.com", full_name="Bea Buyer")
    ManagerFactory(email="manager@example.com", full_name="Max Manager")
    lisbon = VendorUserFactory(email="vendor@lisbon.example", vendor__name="Lisbon CX")
    manila = VendorUserFactory(email="vendor@manila.example", vendor__name="Manila Care")
    rfq = RfqFactory(
        owner=buyer,
        title="Webshop customer service",
        quote_deadline=timezone.now() + timedelta(days=7),
    )
    QuoteFactory(rfq=rfq, vendor=lisbon.vendor, complete=True)
    QuoteFactory(rfq=rfq, vendor=manila.vendor, hourly_rate=Decimal("20"))

    # Procurement closes the RFQ: a page says what closing does first.
    sign_in(page, "buyer@example.com", TEST_PASSWORD)
    page.goto(f"/procurement/rfqs/{rfq.pk}/")
    with page.expect_navigation():
        page.click("#close-rfq")
    assert "no longer submit or change their quotes" in page.locator("#confirm-text").inner_text()
    assert Rfq.objects.get(pk=rfq.pk).status == "open"
    with page.expect_navigation():
        page.click("#confirm-close")
    assert Rfq.objects.get(pk=rfq.pk).status == "closed"

    # …proposes Lisbon (the best value) with a reason, and confirms on the second step.
    with page.expect_navigation():
        page.click("#propose-award")
    page.select_option("#id_quote", label="Lisbon CX (rev. 1)")
    page.fill("#id_reason", "Every checklist point answered, best value.")
    with page.expect_navigation():
        page.click("#propose-next")
    assert "Nothing is awarded" in page.locator("#confirm-text").inner_text()
    assert not AwardProposal.objects.exists()
    with page.expect_navigation() as proposed:
        page.click("#confirm-propose")
    assert AwardProposal.objects.exists(), (
        proposed.value.status if proposed.value else None,
        page.url,
        page.locator(".invalid-feedback, .alert-danger, .errorlist").all_inner_texts(),
    )
    proposal = AwardProposal.objects.get()
    assert proposal.status == "pending" and proposal.is_best_value
    assert "Awaiting a manager's approval" in page.locator("#pending-note").inner_text()
    assert Rfq.objects.get(pk=rfq.pk).status == "closed"
    assert any(m.to == ["manager@example.com"] for m in mail.outbox)

    # A manager sees it waiting and approves on a confirmation page.
    manager_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    manager = manager_context.new_page()
    manager.set_default_timeout(15_000)
    sign_in(manager, "manager@example.com", TEST_PASSWORD)
    assert manager.locator("#award-badge").inner_text() == "1"
    manager.goto("/procurement/awards/")
    with manager.expect_navigation():
        manager.locator(f'tr[data-proposal="{proposal.pk}"]').get_by_role("link").click()
    with manager.expect_navigation():
        manager.click("#approve-link")
    confirm = manager.locator("#confirm-text").inner_text()
    assert "Approving awards the RFQ to Lisbon CX" in confirm and "Manila Care" in confirm
    assert Rfq.objects.get(pk=rfq.pk).status == "closed"
    manager.fill("#id_note", "Agreed.")
    with manager.expect_navigation():
        manager.click("#confirm-approve")
    assert "Approved" in manager.locator("#proposal-status").inner_text()
    manager_context.close()

    rfq.refresh_from_db()
    assert rfq.status == "awarded" and rfq.awarded_quote.vendor == lisbon.vendor
    recipients = {m.to[0] for m in mail.outbox}
    assert {"vendor@lisbon.example", "vendor@manila.example", "buyer@example.com"} <= recipients
    page.goto(f"/procurement/rfqs/{rfq.pk}/")
    assert "Lisbon CX" in page.locator("#awarded").inner_text()
