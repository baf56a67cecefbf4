"""docs/domain.md §8 through real forms in Chromium, in English and in Dutch: the quote's fees and
rates, the RFQ's handle time and the calculator read numbers as the user's language writes
them, refuse what could mean two things with how to write it, and show back what was read."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.models import Quote, Rfq
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, ProcurementUserFactory, VendorFactory
from tests.procurement.factories import InvitationFactory, RfqFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Per language: §8's checks as typed, the refused ones with the words that show how to write.
TYPED = {
    "en": {
        "fee": "1,500",  # → 1500.00
        "one_time": "1,200.75",  # → 1200.75
        "rate": "18.50",
        "ambiguous": "6,5",
        "how": "write 6.5",
        "ambiguous_2": "12,34",
        "how_2": "write 12.34",
        "handle_time": "6.5",
        "volume": "1,500",
        "fee_shown": "1,500.00",
        "salary": "3,000",
        "tco": "48,600.00",
    },
    "nl": {
        "fee": "2.500",  # → 2500.00
        "one_time": "1.200,75",  # → 1200.75
        "rate": "18,50",
        "ambiguous": "6.5",
        "how": "schrijf 6,5",
        "ambiguous_2": "1,50,0",
        "how_2": "Gebruik één decimaalteken",
        "handle_time": "6,5",  # → 6.50
        "volume": "1.500",
        "fee_shown": "2.500,00",
        "salary": "3.000",
        "tco": "48.600,00",
    },
}
FEE = {"en": Decimal("1500.00"), "nl": Decimal("2500.00")}


def _buyer(language):
    return ProcurementUserFactory(email="bea@example.com", language=language)


def _errors(page) -> str:
    return " ".join(page.locator(".invalid-feedback, .text-danger").all_inner_texts())


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_quote_form_reads_fees_and_rates_in_the_language(page, language):
    typed = TYPED[language]
    buyer = _buyer(language)
    rfq = RfqFactory(owner=buyer, quote_deadline=timezone.now() + timedelta(days=7))
    vendor = VendorFactory(name="Lisbon CX")
    InvitationFactory(rfq=rfq, vendor=vendor)
    sign_in(page, "bea@example.com", TEST_PASSWORD)

    page.goto(f"/procurement/rfqs/{rfq.pk}/quotes/new/")
    page.select_option("#id_vendor", label="Lisbon CX")
    page.select_option("#id_pricing_model", "hourly")
    page.fill("#id_hourly_rate", typed["rate"])
    page.fill("#id_onboarding_fee", typed["ambiguous"])
    page.fill("#id_integration_one_time", typed["ambiguous_2"])
    with page.expect_navigation():
        page.click("#save-draft")

    errors = _errors(page)
    assert typed["how"] in errors and typed["how_2"] in errors, errors
    assert page.locator("#id_onboarding_fee").input_value() == typed["ambiguous"]
    assert not Quote.objects.exists()

    page.fill("#id_onboarding_fee", typed["fee"])
    page.fill("#id_integration_one_time", typed["one_time"])
    with page.expect_navigation():
        page.click("#save-draft")

    quote = Quote.objects.get()
    assert quote.onboarding_fee == FEE[language]
    assert quote.integration_one_time == Decimal("1200.75")
    assert quote.hourly_rate == Decimal("18.50")
    page.goto(f"/procurement/quotes/{quote.pk}/edit/")
    assert page.locator("#id_onboarding_fee").input_value() == typed["fee_shown"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_rfq_form_reads_the_handle_time_in_the_language(page, language):
    typed = TYPED[language]
    _buyer(language)
    sign_in(page, "bea@example.com", TEST_PASSWORD)

    page.goto("/procurement/rfqs/new/")
    page.fill("#id_title", "Webshop customer service")
    deadline = timezone.localtime() + timedelta(days=7)
    page.fill("#id_quote_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.check("#id_email-included")
    page.fill("#id_email-volume_per_month", typed["volume"])
    page.fill("#id_email-aht_minutes", typed["ambiguous"])
    with page.expect_navigation():
        page.click("button[value=open]")

    assert typed["how"] in _errors(page)
    assert not Rfq.objects.exists()

    page.fill("#id_email-aht_minutes", typed["handle_time"])
    with page.expect_navigation():
        page.click("button[value=open]")

    channel = Rfq.objects.get().channels.get(channel="email")
    assert (channel.volume_per_month, channel.aht_minutes) == (1500, Decimal("6.50"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_calculator_reads_numbers_in_the_language(page, language):
    typed = TYPED[language]
    _buyer(language)
    sign_in(page, "bea@example.com", TEST_PASSWORD)
    page.goto("/costing/calculator/")

    page.fill("#id_hourly_rate", typed["ambiguous"])
    page.locator("#id_hourly_rate").dispatch_event("change")
    page.wait_for_selector("#calculator-invalid")
    assert typed["how"] in _errors(page)

    # 1 FTE at 3,000 a month + 35% employer costs for 12 months = 48,600 (by hand).
    page.fill("#id_hourly_rate", typed["rate"])
    page.fill("#id_gross_salary_month", typed["salary"])
    page.locator("#id_gross_salary_month").dispatch_event("change")
    page.wait_for_function(
        "tco => (document.querySelector('#in-house-tco')?.innerText || '').includes(tco)",
        arg=typed["tco"],
    )
