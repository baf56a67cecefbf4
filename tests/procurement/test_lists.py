"""Lists: search, filters, 25 a page, and a constant number of queries for 60 rows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import Invitation, RiskItem
from tests.factories import VendorFactory, VendorUserFactory
from tests.procurement.factories import QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db

ROWS = 60
# Session, user, alert badge, count, page and its prefetches: the same for 3 rows or 3,000.
MAX_QUERIES = 9


@pytest.fixture
def many_rfqs(procurement_user, vendor_a):
    """60 RFQs, each with two channels, vendor A and another vendor invited, vendor A's
    submitted quote with two risks."""
    rfqs = []
    for n in range(ROWS):
        rfq = RfqFactory(
            owner=procurement_user,
            title=f"Round {n:02d}" + (" webshop" if n % 3 == 0 else ""),
            status="open" if n % 2 else "closed",
            channels=[("email", 500, "10"), ("chat", 100, "8")],
        )
        other = VendorFactory()
        VendorUserFactory(vendor=other)
        Invitation.objects.create(rfq=rfq, vendor=other, invited_by=procurement_user)
        quote = QuoteFactory(rfq=rfq, vendor=vendor_a, hourly_rate=Decimal(9 + n % 20))
        RiskItem.objects.create(quote=quote, name="Quality", probability_pct=10, impact=1000)
        RiskItem.objects.create(quote=quote, name="Data leak", probability_pct=5, impact=9000)
        rfqs.append(rfq)
    return rfqs


def test_the_rfq_list_pages_searches_and_filters_in_constant_queries(
    many_rfqs, procurement_client, django_assert_max_num_queries
):
    url = reverse("procurement:rfq_list")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = procurement_client.get(url)
    html = response.content.decode()
    assert html.count('<td><a href="/procurement/rfqs/') == 25
    assert "60 results" in html
    with django_assert_max_num_queries(MAX_QUERIES):
        page3 = procurement_client.get(url, {"page": 3}).content.decode()
    assert "60 results" in page3
    webshop = procurement_client.get(url, {"q": "webshop"}).content.decode()
    assert "20 results" in webshop
    closed = procurement_client.get(url, {"status": "closed"}).content.decode()
    assert "30 results" in closed
    assert 'data-status="open"' not in closed


def test_the_quote_list_computes_checks_from_prefetched_rows(
    many_rfqs, procurement_client, django_assert_max_num_queries
):
    url = reverse("procurement:quote_list")
    with django_assert_max_num_queries(MAX_QUERIES):
        html = procurement_client.get(url).content.decode()
    assert "60 results" in html
    assert "gaps" in html
    below = procurement_client.get(url, {"rate_flag": "below_market"}).content.decode()
    # €9, €10 and €11 an hour (three RFQs each) lie under the nearshore band's €12.
    assert "9 results" in below
    assert below.count('<span class="badge text-bg-danger"') == 9


def test_the_vendor_list_counts_in_constant_queries(
    many_rfqs, procurement_client, django_assert_max_num_queries
):
    url = reverse("procurement:vendor_list")
    with django_assert_max_num_queries(MAX_QUERIES):
        html = procurement_client.get(url).content.decode()
    assert "61 results" in html
    assert "Alpha Contact" in html
    offshore = procurement_client.get(url, {"region": "offshore"}).content.decode()
    assert "0 results" in offshore
    found = procurement_client.get(url, {"q": "alpha"}).content.decode()
    assert "1 result" in found


def test_the_portal_lists_only_the_vendors_own_invitations_in_constant_queries(
    many_rfqs, vendor_a_client, vendor_b_user, django_assert_max_num_queries
):
    Invitation.objects.create(
        rfq=many_rfqs[0], vendor=vendor_b_user.vendor, invited_by=many_rfqs[0].owner
    )
    draft = RfqFactory(status="draft")
    Invitation.objects.create(
        rfq=draft, vendor=many_rfqs[0].quotes.get().vendor, invited_by=draft.owner
    )
    url = reverse("procurement:portal")
    with django_assert_max_num_queries(MAX_QUERIES):
        html = vendor_a_client.get(url).content.decode()
    assert "60 results" in html  # not the draft, nothing of vendor B
    assert "Beta Support" not in html
    submitted = vendor_a_client.get(url, {"state": "submitted"}).content.decode()
    assert "60 results" in submitted
    invited = vendor_a_client.get(url, {"state": "invited"}).content.decode()
    assert "0 results" in invited
