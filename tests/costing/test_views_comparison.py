"""The comparison page of an RFQ: ranked by TCO, the in-house baseline as its own column,
gaps, rate flags, risk and recommendation, a chart, a term selector, access, and a constant
number of queries whatever the number of quotes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory, RiskItemFactory
from tests.factories import VendorFactory


def url(rfq, **params):
    base = reverse("costing:comparison", args=[rfq.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(owner=procurement_user, reference="RFQ-2026-007")


@pytest.fixture
def quotes(rfq):
    """Onshore €30/h (€32,000), nearshore €18/h (€20,000), offshore €6/h (€8,000)."""
    onshore = QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Utrecht Service", region="onshore"),
        hourly_rate=Decimal(30),
    )
    nearshore = CompleteQuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore")
    )
    offshore = QuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Manila Desk", region="offshore"), hourly_rate=Decimal(6)
    )
    return {"onshore": onshore, "nearshore": nearshore, "offshore": offshore}


@pytest.mark.django_db
def test_quotes_are_ranked_by_tco_next_to_the_in_house_baseline(procurement_client, rfq, quotes):
    response = procurement_client.get(url(rfq))

    assert response.status_code == 200
    columns = response.context["comparison"].columns
    assert [c.quote for c in columns] == [
        quotes["offshore"],
        quotes["nearshore"],
        quotes["onshore"],
    ]
    html = response.content.decode()
    # The header order on the page follows the ranking, with in-house first.
    positions = [
        html.index(name)
        for name in ('data-column="in-house"', "Manila Desk", "Lisbon Care", "Utrecht Service")
    ]
    assert positions == sorted(positions)
    assert 'data-tco="in-house">€40,500.00<' in html
    assert f'data-tco="{quotes["nearshore"].pk}">€20,000.00<' in html
    assert f'data-tco="{quotes["offshore"].pk}">€8,000.00<' in html
    assert f'data-tco="{quotes["onshore"].pk}">€32,000.00<' in html
    for text in (
        "€3,375.00",
        "€6.75",
        "€3.33",
        "€18,000.00",
        "€20,500.00",
        "50.62%",
        "102.50%",
        "month 2",
    ):
        assert text in html


@pytest.mark.django_db
def test_gaps_are_listed_with_their_labels(procurement_client, rfq, quotes):
    html = procurement_client.get(url(rfq)).content.decode()

    # The complete quote has none; a bare one misses 22 points, DPA among them.
    assert (
        f'data-gaps="{quotes["nearshore"].pk}">\n          <span class="text-success">none</span>'
        in html
    )
    assert "22 gaps" in html
    assert "Data processing agreement (DPA)" in html
    assert "Ownership of the knowledge base" in html


@pytest.mark.django_db
def test_a_rate_outside_the_region_band_is_flagged(procurement_client, rfq):
    QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Pricey Porto", region="nearshore"),
        hourly_rate=Decimal(30),
    )

    html = procurement_client.get(url(rfq)).content.decode()

    assert "Hourly rate €30.00 above the market band (Nearshore €12.00–€25.00)" in html


@pytest.mark.django_db
def test_risk_and_the_recommendation_on_three_axes(procurement_client, rfq, quotes):
    nearshore = quotes["nearshore"]
    RiskItemFactory(quote=nearshore, name="Data leak", probability_pct=50, impact=30000)

    html = procurement_client.get(url(rfq)).content.decode()

    assert f'data-risk="{nearshore.pk}">€15,000.00<' in html
    assert "€14,350.00" in html  # 70% of €20,500 savings
    assert "Keep it in-house" in html
    assert "The risk exceeds 70% of the savings." in html
    assert "The savings outweigh the risk (risk ≤ 70% of savings)." in html  # the others
    assert "not differentiating" in html


@pytest.mark.django_db
def test_a_quote_that_cannot_be_priced_shows_why(procurement_client, rfq, quotes):
    broken = QuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Aardvark Calls"), pricing_model="per_ticket"
    )

    response = procurement_client.get(url(rfq))

    assert response.status_code == 200
    assert response.context["comparison"].columns[-1].quote == broken
    html = response.content.decode()
    assert "cannot be priced" in html
    assert (
        f'data-error="{broken.pk}">Rate per ticket (€): Required for per-ticket pricing.<' in html
    )


@pytest.mark.django_db
def test_only_submitted_quotes_are_compared(procurement_client, rfq, quotes):
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="Draft Dynamics"), status="draft")
    QuoteFactory(vendor=VendorFactory(name="Other Rfq Ltd"))  # another RFQ

    html = procurement_client.get(url(rfq)).content.decode()

    assert "Draft Dynamics" not in html
    assert "Other Rfq Ltd" not in html


@pytest.mark.django_db
def test_the_chart_has_one_line_per_quote_plus_in_house(procurement_client, rfq, quotes):
    response = procurement_client.get(url(rfq))

    chart = str(response.context["chart"])
    assert chart.count("<polyline") == 4
    assert "Cumulative cost over 12 months" in chart
    for name in ("In-house", "Manila Desk", "Lisbon Care", "Utrecht Service"):
        assert f">{name}</text>" in chart


@pytest.mark.django_db
def test_the_term_defaults_to_the_rfq_and_can_be_chosen(
    procurement_client, procurement_user, vendor_a
):
    rfq = RfqFactory(owner=procurement_user, term_months=18)
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    default = procurement_client.get(url(rfq))
    chosen = procurement_client.get(url(rfq, months=24))

    assert default.context["comparison"].months == 18
    assert '<option value="18" selected>' in default.content.decode()
    assert chosen.context["comparison"].months == 24
    html = chosen.content.decode()
    assert 'data-tco="in-house">€81,000.00<' in html
    assert "€38,000.00" in html
    assert "?months=24" in html  # the exports follow the chosen term


@pytest.mark.django_db
@pytest.mark.parametrize("months", ["6", "36", "abc"])
def test_a_term_outside_12_to_24_falls_back_to_the_rfq_term(
    procurement_client, rfq, quotes, months
):
    response = procurement_client.get(url(rfq, months=months))

    assert response.status_code == 200
    assert response.context["comparison"].months == 12
    assert "Choose a term of 12 to 24 months" in response.content.decode()


@pytest.mark.django_db
def test_an_rfq_without_channels_explains_instead_of_failing(procurement_client, procurement_user):
    rfq = RfqFactory(owner=procurement_user, channels=[])

    response = procurement_client.get(url(rfq))

    assert response.status_code == 200
    assert "The RFQ has no channel with a volume in its scope." in response.content.decode()


@pytest.mark.django_db
def test_an_rfq_without_quotes_shows_the_baseline(procurement_client, rfq):
    html = procurement_client.get(url(rfq)).content.decode()
    assert "No submitted quotes yet" in html
    assert 'data-tco="in-house">€40,500.00<' in html


@pytest.mark.django_db
def test_the_page_speaks_dutch(procurement_client, procurement_user, rfq, quotes):
    procurement_user.language = "nl"
    procurement_user.save()

    html = procurement_client.get(url(rfq)).content.decode()

    assert "Offertevergelijking" in html
    assert 'data-tco="in-house">€\u00a040.500,00<' in html


# --- access -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "client_name", ["procurement_client", "manager_client", "admin_role_client"]
)
def test_procurement_and_managers_may_compare(request, rfq, quotes, client_name):
    assert request.getfixturevalue(client_name).get(url(rfq)).status_code == 200


@pytest.mark.django_db
def test_vendors_may_not_see_the_comparison(vendor_a_client, vendor_b_client, rfq, vendor_a):
    QuoteFactory(rfq=rfq, vendor=vendor_a)  # even a vendor with a quote in it
    assert vendor_a_client.get(url(rfq)).status_code == 403
    assert vendor_b_client.get(url(rfq)).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, rfq):
    response = client.get(url(rfq))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_an_unknown_rfq_is_not_found(procurement_client):
    assert procurement_client.get(reverse("costing:comparison", args=[999_999])).status_code == 404


# --- a constant number of queries -----------------------------------------------------------


def _rfq_with_quotes(owner, count):
    rfq = RfqFactory(owner=owner, channels=[("email", 300, "8"), ("chat", 200, "12")])
    for index in range(count):
        quote = QuoteFactory(
            rfq=rfq,
            vendor=VendorFactory(name=f"Bench Vendor {count}-{index:02d}"),
            hourly_rate=Decimal(12 + index),
            sla_chat_response_minutes=Decimal(2),
        )
        RiskItemFactory(quote=quote, name="Quality loss")
        RiskItemFactory(quote=quote, name="Vendor dependency", probability_pct=5, impact=20000)
    return rfq


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_page_runs_as_many_queries_for_ten_quotes_as_for_one(
    procurement_client, procurement_user, django_assert_max_num_queries
):
    one = _rfq_with_quotes(procurement_user, 1)
    ten = _rfq_with_quotes(procurement_user, 10)
    procurement_client.get(url(one))  # warm the session and the user's caches

    for_one = _queries(procurement_client, url(one))
    with django_assert_max_num_queries(for_one):
        response = procurement_client.get(url(ten))

    assert len(response.context["comparison"].columns) == 10
    assert _queries(procurement_client, url(ten)) == for_one


@pytest.mark.django_db
def test_the_api_runs_as_many_queries_for_ten_quotes_as_for_one(api_as, procurement_user):
    api = api_as(procurement_user)
    one = _rfq_with_quotes(procurement_user, 1)
    ten = _rfq_with_quotes(procurement_user, 10)

    def count(rfq):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"/api/v1/rfqs/{rfq.pk}/comparison")
        assert response.status_code == 200
        return len(captured), len(response.json()["quotes"])

    count(one)  # the token's first use is recorded once
    assert count(one)[0] == count(ten)[0]
    assert count(ten)[1] == 10
