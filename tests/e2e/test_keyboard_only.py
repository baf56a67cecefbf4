"""Keyboard only (WCAG 2.1.1): the KPI form, the quote form and the award confirmation are
done with Tab, typing, Space and Enter alone — no mouse, no `fill()` — and every control the
keyboard reaches shows where the focus is (WCAG 2.4.7)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from pilots.models import KpiEntry
from pilots.selectors import app_today
from tests.browser import sign_in
from tests.factories import TEST_PASSWORD, VendorFactory, VendorUserFactory
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  return {name: el.name || '', id: el.id || '', tag: el.tagName.toLowerCase(),
          type: el.type || '', text: (el.innerText || '').trim(), visible: ring,
          form: el.form ? el.form.id : ''};
}"""


def tab_to(page, wanted, *, limit: int = 250) -> dict:
    """Press Tab until `wanted(focused)` holds; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("the keyboard never reached the control")


def type_into(page, name: str, value: str) -> None:
    tab_to(page, lambda f: f["name"] == name)
    page.keyboard.press("Control+A")
    page.keyboard.type(value)


def test_a_vendor_enters_a_day_with_the_keyboard_alone(page):
    today = app_today()
    vendor = VendorFactory(name="Lisbon Keys")
    user = VendorUserFactory(email="keys@lisbon.example", vendor=vendor)
    pilot = PilotFactory(vendor=vendor, start_date=today - timedelta(days=5), length_days=30)
    page.emulate_media(reduced_motion="reduce")  # no focus-ring transition to wait for
    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/kpis/enter/?day={pilot.start_date.isoformat()}")
    page.wait_for_load_state("networkidle")

    for name, value in (
        ("tickets", "10"),
        ("csat_responses", "10"),
        ("csat_positive", "9"),
        ("frt_minutes", "35.5"),
        ("aht_minutes", "9.5"),
        ("fcr_resolved", "7"),
        ("cost", "30.00"),
    ):
        type_into(page, name, value)
    tab_to(page, lambda f: f["type"] == "submit" and f["form"] == "kpi-entry-form")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert "were saved" in page.locator(".alert-success").inner_text(), page.locator(
        "main"
    ).inner_text()
    entry = KpiEntry.objects.get(pilot=pilot, day=pilot.start_date)
    assert (entry.tickets, entry.csat_positive, entry.frt_minutes) == (10, 9, Decimal("35.50"))


def press_on(page, element_id: str) -> None:
    """Tab to the control with this id and press Enter, waiting for the page it opens."""
    tab_to(page, lambda f: f["id"] == element_id)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_vendor_saves_a_quote_draft_with_the_keyboard_alone(page):
    from django.utils import timezone

    from procurement.models import Quote
    from tests.procurement.factories import InvitationFactory, RfqFactory

    vendor_user = VendorUserFactory(email="keys@manila.example", vendor__name="Manila Keys")
    rfq = RfqFactory(status="open", quote_deadline=timezone.now() + timedelta(days=7))
    InvitationFactory(rfq=rfq, vendor=vendor_user.vendor)
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, vendor_user.email, TEST_PASSWORD)
    page.goto(f"/procurement/portal/rfqs/{rfq.pk}/quote/")
    page.wait_for_load_state("networkidle")

    tab_to(page, lambda f: f["name"] == "pricing_model")
    # A select is chosen with the arrow keys, as a keyboard user does.
    for _ in range(10):
        if page.evaluate("document.activeElement.value") == "hourly":
            break
        page.keyboard.press("ArrowDown")
    type_into(page, "hourly_rate", "18")
    press_on(page, "save-draft")

    quote = Quote.objects.get(rfq=rfq, vendor=vendor_user.vendor)
    assert (quote.status, quote.pricing_model, quote.hourly_rate) == (
        "draft",
        "hourly",
        Decimal("18.00"),
    )


def test_a_manager_approves_an_award_with_the_keyboard_alone(browser, live_server):
    from django.utils import timezone

    from procurement import services
    from procurement.models import Rfq
    from tests.factories import ManagerFactory, ProcurementUserFactory
    from tests.procurement.factories import QuoteFactory, RfqFactory

    buyer = ProcurementUserFactory()
    ManagerFactory(email="keys.manager@example.com")
    rfq = RfqFactory(owner=buyer, quote_deadline=timezone.now() + timedelta(days=7))
    quote = QuoteFactory(rfq=rfq, vendor__name="Lisbon Keys", complete=True)
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    rfq.refresh_from_db()
    proposal = services.award_propose(
        rfq=rfq,
        quote=quote,
        by=buyer,
        reason="Best value",
        assessment=services.AwardAssessment(is_best_value=True, is_excluded=False),
    )

    context = browser.new_context(base_url=live_server.url, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "keys.manager@example.com", TEST_PASSWORD)
        page.goto(f"/procurement/awards/{proposal.pk}/")
        page.wait_for_load_state("networkidle")
        press_on(page, "approve-link")
        type_into(page, "note", "Agreed by keyboard.")
        press_on(page, "confirm-approve")
        assert "Approved" in page.locator("#proposal-status").inner_text()
    finally:
        context.close()
    rfq.refresh_from_db()
    assert rfq.status == "awarded" and rfq.awarded_quote_id == quote.pk
