"""The comparison's HTML is cached under a digest of every row it shows (issue 22): viewed
again it skips the engine and the template, and any change shows at once — a quote's rate,
a vendor's name, a new risk, a rating, the RFQ's scope — in the viewer's language, with the
viewer's own buttons."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from costing import views
from procurement.models import RfqStatus
from tests.costing.factories import QuoteFactory, RfqFactory, RiskItemFactory
from tests.factories import VendorFactory


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(owner=procurement_user, reference="RFQ-2026-022")


@pytest.fixture
def quote(rfq):
    return QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Lisbon Care", region="nearshore"),
        hourly_rate=Decimal(18),
    )


@pytest.fixture
def builds(monkeypatch):
    """How often the engine built the comparison."""
    calls = []
    real = views.build_comparison

    def counting(**kwargs):
        calls.append(kwargs["months"])
        return real(**kwargs)

    monkeypatch.setattr(views, "build_comparison", counting)
    return calls


def page(client, rfq, **params) -> str:
    response = client.get(reverse("costing:comparison", args=[rfq.pk]), params)
    assert response.status_code == 200
    # The CSRF token is masked afresh on every response; the rest must be the same.
    return re.sub(
        r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1…", response.content.decode()
    )


@pytest.mark.django_db
def test_a_comparison_viewed_again_comes_from_the_cache_and_is_the_same(
    procurement_client, rfq, quote, builds
):
    first = page(procurement_client, rfq)
    again = page(procurement_client, rfq)

    assert again == first
    assert builds == [rfq.term_months]  # the engine ran once
    assert f'data-tco="{quote.pk}">€20,000.00<' in again


@pytest.mark.django_db
def test_the_term_and_the_sort_are_cached_apart(procurement_client, rfq, quote, builds):
    page(procurement_client, rfq, months=12)
    twelve = page(procurement_client, rfq, months=12)
    page(procurement_client, rfq, months=24)
    by_score = page(procurement_client, rfq, months=12, sort="score")

    assert builds == [12, 24, 12]
    assert "TCO over 12 months" in twelve
    assert 'class="btn btn-outline-primary active" href="?months=12&amp;sort=score"' in by_score


@pytest.mark.django_db
def test_an_edited_quote_shows_at_once(procurement_client, rfq, quote):
    assert f'data-tco="{quote.pk}">€20,000.00<' in page(procurement_client, rfq)

    quote.hourly_rate = Decimal(30)
    quote.save()
    quote.vendor.name = "Porto Care"
    quote.vendor.save()

    html = page(procurement_client, rfq)
    assert f'data-tco="{quote.pk}">€32,000.00<' in html
    assert "Porto Care" in html
    assert "Lisbon Care" not in html


@pytest.mark.django_db
def test_a_new_risk_a_new_quote_and_a_changed_scope_show_at_once(procurement_client, rfq, quote):
    page(procurement_client, rfq)

    RiskItemFactory(quote=quote, probability_pct=10, impact=Decimal(5000))
    assert f'data-risk="{quote.pk}">€500.00<' in page(procurement_client, rfq)

    other = QuoteFactory(rfq=rfq, vendor=VendorFactory(name="Manila Desk"), hourly_rate=6)
    assert f'data-tco="{other.pk}">€8,000.00<' in page(procurement_client, rfq)

    rfq.strategic = not rfq.strategic
    rfq.save()
    expected = "not differentiating" if not rfq.strategic else ">differentiating<"
    assert expected in page(procurement_client, rfq)


@pytest.mark.django_db
def test_each_language_has_its_own_html(procurement_client, rfq, quote):
    english = page(procurement_client, rfq)
    procurement_client.cookies["django_language"] = "nl"
    dutch = page(procurement_client, rfq)

    assert f'data-tco="{quote.pk}">€20,000.00<' in english
    assert f'data-tco="{quote.pk}">€\u00a020.000,00<' in dutch
    assert "Kosten per ticket" in dutch
    procurement_client.cookies["django_language"] = "en"
    assert page(procurement_client, rfq) == english


@pytest.mark.django_db
def test_the_buttons_stay_the_viewers_own(procurement_client, manager_client, rfq, quote):
    rfq.status = RfqStatus.CLOSED
    rfq.save()
    # The manager views first and fills the cache; procurement still gets its button, and
    # the manager never gets procurement's.
    assert 'id="propose-award"' not in page(manager_client, rfq)
    assert 'id="propose-award"' in page(procurement_client, rfq)
    assert 'id="propose-award"' not in page(manager_client, rfq)


@pytest.mark.django_db
def test_vendors_never_reach_the_cached_comparison(procurement_client, vendor_a_client, rfq, quote):
    page(procurement_client, rfq)
    response = vendor_a_client.get(reverse("costing:comparison", args=[rfq.pk]))
    assert response.status_code in (403, 404)
    assert b"data-tco" not in response.content
