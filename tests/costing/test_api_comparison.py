"""GET /api/v1/quotes/{id}/tco and GET /api/v1/rfqs/{id}/comparison (docs/api.md)."""

from decimal import Decimal

import pytest

from costing.engine import CHECKLIST_KEYS
from tests.costing.factories import (
    CompleteQuoteFactory,
    QuoteFactory,
    RfqFactory,
    RiskItemFactory,
)
from tests.costing.test_api_estimate import API_EXAMPLE_RESPONSE_HEAD
from tests.factories import VendorFactory


def tco_url(quote_id):
    return f"/api/v1/quotes/{quote_id}/tco"


def comparison_url(rfq_id):
    return f"/api/v1/rfqs/{rfq_id}/comparison"


@pytest.fixture
def rfq(procurement_user):
    return RfqFactory(owner=procurement_user)


@pytest.fixture
def nearshore_quote(rfq, vendor_a):
    return QuoteFactory(rfq=rfq, vendor=vendor_a)


@pytest.fixture
def api(api_as, procurement_user):
    return api_as(procurement_user)


# --- a quote's TCO ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_quote_tco_is_the_estimate_against_its_rfq(api, nearshore_quote):
    response = api.get(tco_url(nearshore_quote.pk), months=12)

    assert response.status_code == 200, response.content
    body = response.json()
    cumulative = body.pop("cumulative")
    assert body.pop("channels") == [
        {
            "channel": "email",
            "handled": "500.00",
            "workload_hours_per_month": "83.33",
            "seat_hours_per_month": None,
            "billable_hours_per_month": "83.33",
            "staffing": None,
        }
    ]
    assert body == API_EXAMPLE_RESPONSE_HEAD
    assert cumulative[1] == {"month": 2, "in_house": "6750.00", "outsourced": "5000.00"}
    assert len(cumulative) == 12


@pytest.mark.django_db
def test_the_term_defaults_to_the_rfq_term(api, procurement_user, vendor_a):
    quote = QuoteFactory(rfq=RfqFactory(owner=procurement_user, term_months=24), vendor=vendor_a)

    body = api.get(tco_url(quote.pk)).json()

    assert body["in_house"]["tco"] == "81000.00"
    assert body["outsourced"]["tco"] == "38000.00"
    assert len(body["cumulative"]) == 24


@pytest.mark.django_db
def test_the_rfq_scope_adds_each_channels_hours(api, procurement_user, vendor_a):
    # 300 e-mails at 10 min = 50 workload hours; 200 chats at 10 min from 09:00 to 17:00 on
    # 5 days = 19.61 hours of work at 1.7 chats at once, but one seat every open hour =
    # 168 seat hours. The hourly vendor bills 50 + 168 = 218 h: €18 × 218 × 12 + €2,000.
    rfq = RfqFactory(owner=procurement_user, channels=[("email", 300, "10"), ("chat", 200, "10")])
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a)

    body = api.get(tco_url(quote.pk)).json()

    assert body["workload_hours_per_month"] == "69.61"
    assert body["fte_required"] == "1.36"  # 218 / 160
    assert body["outsourced"]["tco"] == "49088.00"
    assert body["staffing"]["seat_hours_per_month"] == "168.00"
    assert [row["seats"] for row in body["staffing"]["hours"]] == [1] * 8
    chat, email = body["channels"]
    assert (chat["channel"], chat["seat_hours_per_month"], chat["workload_hours_per_month"]) == (
        "chat",
        "168.00",
        "19.61",
    )
    assert (email["seat_hours_per_month"], email["billable_hours_per_month"]) == (None, "50.00")


@pytest.mark.django_db
def test_own_management_adds_to_the_quote_management_fee(api, procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, own_management_per_month=Decimal("250"))
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a, management_fee_per_month=Decimal("150"))

    body = api.get(tco_url(quote.pk)).json()

    assert body["outsourced"]["monthly"] == "1900.00"  # 1,500 + 150 + 250


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 61, "twelve"])
def test_a_bad_term_answers_422_naming_months(api, nearshore_quote, months):
    response = api.get(tco_url(nearshore_quote.pk), months=months)
    assert response.status_code == 422
    assert "months" in response.json()["errors"]


@pytest.mark.django_db
def test_a_quote_without_the_rate_of_its_model_answers_422_naming_it(api, rfq, vendor_a):
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a, pricing_model="per_ticket", per_ticket_rate=None)

    response = api.get(tco_url(quote.pk))

    assert response.status_code == 422
    assert "quote.per_ticket_rate" in response.json()["errors"]


@pytest.mark.django_db
def test_an_rfq_without_channels_answers_422(api, procurement_user, vendor_a):
    quote = QuoteFactory(rfq=RfqFactory(owner=procurement_user, channels=[]), vendor=vendor_a)

    response = api.get(tco_url(quote.pk))

    assert response.status_code == 422
    assert "rfq.channels" in response.json()["errors"]


@pytest.mark.django_db
def test_a_vendor_draft_is_not_found_but_a_draft_procurement_entered_is(
    api, rfq, vendor_a, vendor_b
):
    vendor_draft = QuoteFactory(rfq=rfq, vendor=vendor_a, status="draft")
    entered = QuoteFactory(rfq=rfq, vendor=vendor_b, status="draft", entered_by_procurement=True)

    assert api.get(tco_url(vendor_draft.pk)).status_code == 404
    assert api.get(tco_url(entered.pk)).status_code == 200
    assert api.get(tco_url(999_999)).status_code == 404


@pytest.mark.django_db
def test_tco_access(
    api_as, nearshore_quote, manager, admin_role_user, vendor_a_user, vendor_b_user
):
    url = tco_url(nearshore_quote.pk)
    assert api_as(None).get(url).status_code == 401
    assert api_as(manager).get(url).status_code == 200
    assert api_as(admin_role_user).get(url).status_code == 200
    # Vendors may not use this at all, not even on their own quote.
    assert api_as(vendor_a_user).get(url).status_code == 403
    assert api_as(vendor_b_user).get(url).status_code == 403


# --- the comparison ---------------------------------------------------------------------------


@pytest.fixture
def three_quotes(rfq):
    """Offshore €6/h (€6,000 + €3,000 onboarding = €9,000), nearshore €18/h (€20,000),
    onshore €30/h (€30,000 + €2,000 = €32,000): ranked offshore, nearshore, onshore."""
    offshore = QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Manila Desk", region="offshore"),
        hourly_rate=Decimal("6"),
        onboarding_fee=Decimal("3000"),
    )
    nearshore = CompleteQuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Lisbon Care", region="nearshore")
    )
    onshore = QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Utrecht Service", region="onshore"),
        hourly_rate=Decimal("30"),
    )
    return offshore, nearshore, onshore


@pytest.mark.django_db
def test_every_submitted_quote_cheapest_tco_first(api, rfq, three_quotes):
    offshore, nearshore, onshore = three_quotes
    QuoteFactory(rfq=rfq, vendor=VendorFactory(name="Still Drafting"), status="draft")

    response = api.get(comparison_url(rfq.pk), months=12)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["months"] == 12
    assert body["in_house"] == API_EXAMPLE_RESPONSE_HEAD["in_house"]
    assert [q["quote_id"] for q in body["quotes"]] == [offshore.pk, nearshore.pk, onshore.pk]
    assert [q["outsourced"]["tco"] for q in body["quotes"]] == ["9000.00", "20000.00", "32000.00"]

    lisbon = body["quotes"][1]
    assert lisbon["vendor_id"] == nearshore.vendor_id
    assert lisbon["outsourced"] == API_EXAMPLE_RESPONSE_HEAD["outsourced"]
    assert lisbon["savings"] == "20500.00"
    assert lisbon["savings_pct"] == "50.62"
    assert lisbon["roi_pct"] == "102.50"
    assert lisbon["break_even_month"] == 2
    assert lisbon["gaps"] == []
    assert lisbon["rate_flags"] == []
    assert lisbon["risk"] == "0.00"
    assert lisbon["recommendation"]["code"] == "outsource"
    assert lisbon["recommendation"]["reasons"] == ["savings_outweigh_risk"]
    assert lisbon["error"] is None


@pytest.mark.django_db
def test_gaps_and_rate_flags_are_reported_per_quote(api, rfq, three_quotes):
    body = api.get(comparison_url(rfq.pk)).json()
    manila, _lisbon, utrecht = body["quotes"]

    # A bare quote leaves every point open except its tariff model and onboarding costs.
    assert manila["gaps"] == [
        k for k in CHECKLIST_KEYS if k not in {"pricing_model", "onboarding_costs"}
    ]
    assert manila["rate_flags"] == []  # €6/h is inside offshore's €4–8
    assert utrecht["rate_flags"] == []  # €30/h is inside onshore's €25–45


@pytest.mark.django_db
def test_a_rate_outside_the_region_band_is_flagged(api, rfq):
    QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Cheap Lisbon", region="nearshore"),
        hourly_rate=Decimal("9"),
    )

    flags = api.get(comparison_url(rfq.pk)).json()["quotes"][0]["rate_flags"]

    assert flags == [
        {
            "code": "below_market",
            "rate": "hourly_rate",
            "value": "9.00",
            "region": "nearshore",
            "band_low": "12.00",
            "band_high": "25.00",
        }
    ]


@pytest.mark.django_db
def test_risk_above_70pct_of_savings_recommends_keeping_it_in_house(api, rfq, nearshore_quote):
    # Savings €20,500; 70% is €14,350. A 50% chance of a €30,000 data leak = €15,000.
    RiskItemFactory(quote=nearshore_quote, name="Data leak", probability_pct=50, impact=30000)
    RiskItemFactory(quote=nearshore_quote, name="Quality loss", probability_pct=10, impact=1000)

    quote = api.get(comparison_url(rfq.pk)).json()["quotes"][0]

    assert quote["risk"] == "15100.00"
    assert quote["recommendation"]["code"] == "keep_in_house"
    assert quote["recommendation"]["reasons"] == ["risk_exceeds_70pct_of_savings"]
    assert quote["recommendation"]["risk_threshold"] == "14350.00"


@pytest.mark.django_db
def test_strategic_customer_service_stays_in_house(api, procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, strategic=True)
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    recommendation = api.get(comparison_url(rfq.pk)).json()["quotes"][0]["recommendation"]

    assert recommendation["code"] == "keep_in_house"
    assert recommendation["reasons"] == ["strategic"]
    assert recommendation["strategic"] is True


@pytest.mark.django_db
def test_a_quote_that_cannot_be_priced_is_listed_last_with_its_error(api, rfq, nearshore_quote):
    broken = QuoteFactory(
        rfq=rfq, vendor=VendorFactory(name="Aardvark Calls"), pricing_model="subscription"
    )

    response = api.get(comparison_url(rfq.pk))

    assert response.status_code == 200
    quotes = response.json()["quotes"]
    assert [q["quote_id"] for q in quotes] == [nearshore_quote.pk, broken.pk]
    assert quotes[1]["error"] == {
        "field": "quote.monthly_fee",
        "message": "Required for subscription pricing.",
    }
    assert quotes[1]["outsourced"] is None
    assert quotes[1]["recommendation"] is None
    assert "pricing_model" in quotes[1]["gaps"]


@pytest.mark.django_db
def test_a_quote_without_a_pricing_model_is_listed_with_its_error(api, rfq):
    QuoteFactory(rfq=rfq, pricing_model="", hourly_rate=None)

    quote = api.get(comparison_url(rfq.pk)).json()["quotes"][0]

    assert quote["error"]["field"] == "quote.pricing_model"


@pytest.mark.django_db
def test_the_comparison_term_is_chosen_with_months(api, rfq, nearshore_quote):
    body = api.get(comparison_url(rfq.pk), months=24).json()
    assert body["months"] == 24
    assert body["in_house"]["tco"] == "81000.00"
    assert body["quotes"][0]["outsourced"]["tco"] == "38000.00"


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 61, "x"])
def test_a_bad_comparison_term_answers_422(api, rfq, months):
    response = api.get(comparison_url(rfq.pk), months=months)
    assert response.status_code == 422
    assert "months" in response.json()["errors"]


@pytest.mark.django_db
def test_an_rfq_without_quotes_still_shows_its_baseline(api, rfq):
    body = api.get(comparison_url(rfq.pk)).json()
    assert body["quotes"] == []
    assert body["in_house"]["tco"] == "40500.00"


@pytest.mark.django_db
def test_comparison_access(api_as, rfq, nearshore_quote, manager, vendor_a_user, vendor_b_user):
    url = comparison_url(rfq.pk)
    assert api_as(None).get(url).status_code == 401
    assert api_as(manager).get(url).status_code == 200
    assert api_as(vendor_a_user).get(url).status_code == 403
    assert api_as(vendor_b_user).get(url).status_code == 403
    assert api_as(manager).get(comparison_url(999_999)).status_code == 404
