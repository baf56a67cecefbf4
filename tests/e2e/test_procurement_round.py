"""A whole RFQ round in a real browser: procurement creates an RFQ and invites three
vendors, a vendor signs in and submits its quote, procurement sees it on the RFQ."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from procurement.models import Quote, Rfq
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, ProcurementUserFactory, VendorFactory, VendorUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VENDORS = {
    "Lisbon Contact Partners": ("nearshore", "vendor@lisbon.example"),
    "Manila Care Services": ("offshore", "vendor@manila.example"),
    "Utrecht Klantcontact": ("onshore", "vendor@utrecht.example"),
}


def test_a_whole_rfq_round(page, browser, live_server):
    ProcurementUserFactory(email="buyer@example.com", full_name="Bea Buyer")
    for name, (region, email) in VENDORS.items():
        VendorUserFactory(email=email, vendor=VendorFactory(name=name, region=region))

    # Procurement creates the RFQ with its scope and opens it.
    sign_in(page, "buyer@example.com", TEST_PASSWORD)
    page.goto("/procurement/rfqs/new/")
    page.fill("#id_title", "Webshop customer service")
    deadline = timezone.localtime() + timedelta(days=7)
    page.fill("#id_quote_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.check("#id_email-included")
    page.fill("#id_email-volume_per_month", "500")
    page.fill("#id_email-aht_minutes", "10")
    page.fill("#id_email-sla_response_minutes", "240")
    page.click("button[value=open]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-status=open]").first.is_visible()
    rfq = Rfq.objects.get()
    assert rfq.status == "open"

    # …and invites the three vendors at once: the picker shows a page of vendors and a
    # search finds the others; a vendor ticked before a search stays ticked.
    invite = page.locator("#invite-form")
    names = list(VENDORS)
    invite.get_by_label(names[0], exact=False).check()
    search = page.locator("#invite-search input[name=vendor_q]")
    for ticked, name in enumerate(names[1:], start=1):
        search.fill(name.split()[0])  # shows the match and the ones ticked so far
        page.wait_for_function(
            "n => document.querySelectorAll('#invite-vendors .form-check').length === n",
            arg=ticked + 1,
        )
        invite.get_by_label(name, exact=False).check()
    for name in names:
        assert invite.get_by_label(name, exact=False).is_checked()
    invite.get_by_role("button", name="Invite").click()
    page.wait_for_load_state("networkidle")
    for name in VENDORS:
        assert page.locator(f'tr[data-vendor="{name}"] [data-state=invited]').is_visible()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e for _r, e in VENDORS.values())

    # A vendor signs in (own browser context), opens the RFQ and submits its quote.
    vendor_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    vendor = vendor_context.new_page()
    vendor.set_default_timeout(15_000)
    sign_in(vendor, "vendor@lisbon.example", TEST_PASSWORD)
    assert vendor.url.endswith("/")  # the home: what needs this vendor now
    vendor.locator("#invitations-to-answer").get_by_role(
        "link", name="Webshop customer service"
    ).click()
    vendor.wait_for_load_state("networkidle")
    assert "Manila" not in vendor.content() and "Utrecht" not in vendor.content()
    vendor.click("#answer-rfq")
    vendor.wait_for_load_state("networkidle")
    vendor.select_option("#id_pricing_model", "hourly")
    vendor.fill("#id_hourly_rate", "18")
    vendor.fill("#id_onboarding_fee", "2000")
    vendor.fill("#id_sla_email_response_minutes", "240")
    vendor.select_option("#id_dpa", "true")
    vendor.click("#submit-quote")
    vendor.wait_for_load_state("networkidle")
    assert "Revision 1" in vendor.locator("#revision").inner_text()
    vendor_context.close()
    quote = Quote.objects.get()
    assert (quote.status, quote.revision, quote.vendor.name) == (
        "submitted",
        1,
        "Lisbon Contact Partners",
    )

    # Procurement sees the quote on the RFQ.
    page.goto(f"/procurement/rfqs/{rfq.pk}/")
    row = page.locator('tr[data-vendor="Lisbon Contact Partners"]')
    assert row.locator("[data-state=submitted]").is_visible()
    quotes = page.locator("#quotes")
    assert "Lisbon Contact Partners" in quotes.inner_text()
    assert "€18.00" in quotes.inner_text()
    assert "1 of 3 recommended quotes received" in page.locator("#quote-progress").inner_text()
    quotes.get_by_role("link", name="Open").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-field=hourly_rate]").inner_text() == "€18.00"
