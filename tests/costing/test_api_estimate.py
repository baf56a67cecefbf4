"""POST /api/v1/costing/estimate, field for field as docs/api.md, and a 422 per kind of bad input."""

import copy
from decimal import Decimal

import pytest

URL = "/api/v1/costing/estimate"

# docs/api.md, Costing: the request example (the cost article's worked example).
API_EXAMPLE_REQUEST = {
    "months": 12,
    "volume_per_month": 500,
    "aht_minutes": 10,
    "productive_hours_per_fte_month": 160,
    "coverage_hours_per_week": None,
    "automation_deflection_pct": 0,
    "in_house": {
        "fte": None,
        "gross_salary_month": 2500,
        "employer_costs_pct": 35,
        "overhead_per_fte_month": 0,
        "licences_per_fte_month": 0,
        "absence_pct": 0,
        "one_time": 0,
    },
    "vendor": {
        "pricing_model": "hourly",
        "hourly_rate": 18,
        "per_ticket_rate": None,
        "monthly_fee": None,
        "agents": None,
        "onboarding_fee": 2000,
        "onboarding_hours_per_agent": 0,
        "licences_per_agent_month": 0,
        "integration_one_time": 0,
        "management_per_month": 0,
        "exit_fee": 0,
    },
}

API_EXAMPLE_RESPONSE_HEAD = {
    "workload_hours_per_month": "83.33",
    "fte_required": "0.52",
    "staffing": None,  # docs/api.md: null for e-mail
    "in_house": {
        "fte": "1.00",
        "monthly": "3375.00",
        "one_time": "0.00",
        "tco": "40500.00",
        "cost_per_ticket": "6.75",
    },
    "outsourced": {
        "agents": 1,
        "monthly": "1500.00",
        "one_time": "2000.00",
        "tco": "20000.00",
        "cost_per_ticket": "3.33",
        "fixed": "2000.00",
        "variable": "18000.00",
        "transition": "0.00",
    },
    "savings": "20500.00",
    "savings_pct": "50.62",
    "roi_pct": "102.50",
    "break_even_month": 2,
}


def request_with(**changes):
    """The API example with dotted-path changes: request_with(**{"vendor.hourly_rate": 20})."""
    body = copy.deepcopy(API_EXAMPLE_REQUEST)
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        target = body
        for parent in parents:
            target = target[parent]
        if value is _DELETE:
            del target[leaf]
        else:
            target[leaf] = value
    return body


_DELETE = object()


@pytest.fixture
def api(api_as, procurement_user):
    return api_as(procurement_user)


@pytest.mark.django_db
def test_the_cost_article_example_field_for_field(api):
    response = api.post(URL, API_EXAMPLE_REQUEST)

    assert response.status_code == 200, response.content
    body = response.json()
    cumulative = body.pop("cumulative")
    assert body == API_EXAMPLE_RESPONSE_HEAD
    assert len(cumulative) == 12
    assert cumulative[:2] == [
        {"month": 1, "in_house": "3375.00", "outsourced": "3500.00"},
        {"month": 2, "in_house": "6750.00", "outsourced": "5000.00"},
    ]
    assert cumulative[-1] == {"month": 12, "in_house": "40500.00", "outsourced": "20000.00"}


@pytest.mark.django_db
def test_over_24_months_it_is_81000_against_38000(api):
    body = api.post(URL, request_with(months=24)).json()

    assert body["in_house"]["tco"] == "81000.00"
    assert body["outsourced"]["tco"] == "38000.00"
    assert body["savings"] == "43000.00"
    assert len(body["cumulative"]) == 24


@pytest.mark.django_db
def test_the_documented_defaults_apply_when_fields_are_left_out(api):
    body = api.post(
        URL,
        {
            "volume_per_month": 500,
            "aht_minutes": 10,
            "vendor": {"pricing_model": "hourly", "hourly_rate": 18},
        },
    ).json()

    # months 12, 160 productive hours, in-house numbers 0, no onboarding.
    assert body["fte_required"] == "0.52"
    assert len(body["cumulative"]) == 12
    assert body["in_house"] == {
        "fte": "1.00",
        "monthly": "0.00",
        "one_time": "0.00",
        "tco": "0.00",
        "cost_per_ticket": "0.00",
    }
    assert body["outsourced"]["tco"] == "18000.00"
    assert body["savings_pct"] is None  # nothing to save on an in-house cost of 0


@pytest.mark.django_db
def test_decimals_are_accepted_as_strings_or_numbers(api):
    as_strings = api.post(
        URL,
        request_with(volume_per_month="500", aht_minutes="10.0", **{"vendor.hourly_rate": "18.00"}),
    ).json()
    as_numbers = api.post(URL, request_with(**{"vendor.hourly_rate": 18.0})).json()

    assert as_strings == as_numbers
    assert as_strings["outsourced"]["tco"] == "20000.00"


@pytest.mark.django_db
def test_the_whitepaper_part_timer_costs_1800_a_month_and_10pct_more_with_absence(api):
    # Whitepaper: €2,000 gross × 1.2 = €2,400 a month for 40 h; 30 h/week is 0.75 FTE.
    in_house = {"fte": "0.75", "gross_salary_month": 2000, "employer_costs_pct": 20}
    body = api.post(URL, request_with(in_house=in_house)).json()
    with_absence = api.post(URL, request_with(in_house={**in_house, "absence_pct": 10})).json()

    assert body["in_house"]["monthly"] == "1800.00"
    assert with_absence["in_house"]["monthly"] == "1980.00"


@pytest.mark.django_db
def test_coverage_hours_staff_the_in_house_desk(api):
    # Live chat 09:00–23:00, 7 days = 98 h/week × 4.2 / 160 = 2.57 FTE → 3 people.
    body = api.post(URL, request_with(coverage_hours_per_week=98)).json()
    assert body["in_house"]["fte"] == "3.00"
    assert body["in_house"]["monthly"] == "10125.00"


@pytest.mark.django_db
def test_automation_deflection_lowers_the_handled_workload(api):
    body = api.post(URL, request_with(automation_deflection_pct=30)).json()
    # 500 × 0.7 × 10 / 60 = 58.33 h; €18 × 58.33 = €1,050 a month.
    assert body["workload_hours_per_month"] == "58.33"
    assert body["outsourced"]["monthly"] == "1050.00"


# --- each pricing model -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        pytest.param(
            {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_fee": 2000},
            {"monthly": "1500.00", "tco": "20000.00", "fixed": "2000.00", "variable": "18000.00"},
            id="hourly",
        ),
        pytest.param(
            # €3 × 500 tickets = €1,500 a month, all of it variable.
            {"pricing_model": "per_ticket", "per_ticket_rate": 3, "onboarding_fee": 2000},
            {"monthly": "1500.00", "tco": "20000.00", "fixed": "2000.00", "variable": "18000.00"},
            id="per_ticket",
        ),
        pytest.param(
            # A fixed €1,200 a month: nothing varies with the volume.
            {"pricing_model": "subscription", "monthly_fee": 1200, "onboarding_fee": 2000},
            {"monthly": "1200.00", "tco": "16400.00", "fixed": "16400.00", "variable": "0.00"},
            id="subscription",
        ),
        pytest.param(
            # €500 base + €1 a ticket (€500) = €1,000 a month.
            {
                "pricing_model": "mixed",
                "monthly_fee": 500,
                "per_ticket_rate": 1,
                "onboarding_fee": 2000,
            },
            {"monthly": "1000.00", "tco": "14000.00", "fixed": "8000.00", "variable": "6000.00"},
            id="mixed_per_ticket",
        ),
        pytest.param(
            # €300 base + €12 × 83.33 h (€1,000) = €1,300 a month.
            {"pricing_model": "mixed", "monthly_fee": 300, "hourly_rate": 12},
            {"monthly": "1300.00", "tco": "15600.00", "fixed": "3600.00", "variable": "12000.00"},
            id="mixed_hourly",
        ),
    ],
)
def test_each_pricing_model(api, vendor, expected):
    body = api.post(URL, request_with(vendor=vendor)).json()
    outsourced = body["outsourced"]
    assert {key: outsourced[key] for key in expected} == expected
    assert Decimal(outsourced["fixed"]) + Decimal(outsourced["variable"]) == Decimal(
        outsourced["tco"]
    )


@pytest.mark.django_db
def test_the_vendor_fixed_costs_onboarding_hours_and_exit_fee(api):
    vendor = {
        "pricing_model": "hourly",
        "hourly_rate": 18,
        "agents": 2,
        "onboarding_fee": 1000,
        "onboarding_hours_per_agent": 40,  # 40 h × 2 agents × €18 = €1,440
        "licences_per_agent_month": 30,  # €60 a month
        "integration_one_time": 5000,
        "management_per_month": 400,
        "exit_fee": 1500,
    }
    body = api.post(URL, request_with(vendor=vendor)).json()

    assert body["outsourced"]["agents"] == 2
    assert body["outsourced"]["monthly"] == "1960.00"  # 1,500 + 60 + 400
    assert body["outsourced"]["one_time"] == "8940.00"  # 1,000 + 1,440 + 5,000 + 1,500
    assert body["outsourced"]["tco"] == "32460.00"
    # The exit fee falls in the last month, the rest of the one-time costs in month 1.
    assert body["cumulative"][0]["outsourced"] == "9400.00"
    assert body["cumulative"][-1]["outsourced"] == "32460.00"


# --- 422 naming the field ---------------------------------------------------------------------


def assert_422(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert all(message for message in body["errors"][field])
    assert any(item["field"] == field for item in body["detail"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"volume_per_month": 0}, "volume_per_month", id="zero-volume"),
        pytest.param({"volume_per_month": -500}, "volume_per_month", id="negative-volume"),
        pytest.param({"volume_per_month": "many"}, "volume_per_month", id="volume-not-a-number"),
        pytest.param({"volume_per_month": "NaN"}, "volume_per_month", id="volume-nan"),
        pytest.param({"volume_per_month": "1e999999"}, "volume_per_month", id="volume-absurd"),
        pytest.param({"volume_per_month": True}, "volume_per_month", id="volume-boolean"),
        pytest.param({"volume_per_month": _DELETE}, "volume_per_month", id="volume-missing"),
        pytest.param({"aht_minutes": 0}, "aht_minutes", id="zero-aht"),
        pytest.param(
            {"productive_hours_per_fte_month": 0}, "productive_hours_per_fte_month", id="zero-hours"
        ),
        pytest.param(
            {"coverage_hours_per_week": 200}, "coverage_hours_per_week", id="coverage-over-a-week"
        ),
        pytest.param(
            {"coverage_hours_per_week": -1}, "coverage_hours_per_week", id="negative-coverage"
        ),
        pytest.param(
            {"automation_deflection_pct": 101},
            "automation_deflection_pct",
            id="deflection-over-100",
        ),
        pytest.param({"months": 0}, "months", id="months-0"),
        pytest.param({"months": 61}, "months", id="months-61"),
        pytest.param({"months": 12.5}, "months", id="months-fraction"),
        pytest.param({"months": "a year"}, "months", id="months-text"),
        pytest.param({"months": True}, "months", id="months-boolean"),
        pytest.param({"in_house.fte": 0}, "in_house.fte", id="zero-fte"),
        pytest.param(
            {"in_house.gross_salary_month": -1}, "in_house.gross_salary_month", id="negative-salary"
        ),
        pytest.param({"in_house.absence_pct": -5}, "in_house.absence_pct", id="negative-absence"),
        pytest.param({"in_house.one_time": "lots"}, "in_house.one_time", id="one-time-text"),
        pytest.param({"vendor": _DELETE}, "vendor", id="vendor-missing"),
        pytest.param(
            {"vendor.pricing_model": "barter"}, "vendor.pricing_model", id="unknown-model"
        ),
        pytest.param({"vendor.hourly_rate": None}, "vendor.hourly_rate", id="hourly-without-rate"),
        pytest.param({"vendor.hourly_rate": -18}, "vendor.hourly_rate", id="negative-rate"),
        pytest.param(
            {"vendor.pricing_model": "per_ticket"},
            "vendor.per_ticket_rate",
            id="per-ticket-without-rate",
        ),
        pytest.param(
            {"vendor.pricing_model": "subscription"},
            "vendor.monthly_fee",
            id="subscription-without-fee",
        ),
        pytest.param(
            {
                "vendor.pricing_model": "mixed",
                "vendor.hourly_rate": None,
                "vendor.monthly_fee": 500,
            },
            "vendor.hourly_rate",
            id="mixed-without-variable-rate",
        ),
        pytest.param(
            {
                "vendor.pricing_model": "mixed",
                "vendor.per_ticket_rate": 2,
                "vendor.monthly_fee": 500,
            },
            "vendor.per_ticket_rate",
            id="mixed-with-two-rates",
        ),
        pytest.param(
            {"vendor.pricing_model": "mixed"}, "vendor.monthly_fee", id="mixed-without-fee"
        ),
        pytest.param({"vendor.agents": 0}, "vendor.agents", id="zero-agents"),
        pytest.param({"vendor.agents": 1.5}, "vendor.agents", id="fractional-agents"),
        pytest.param({"vendor.exit_fee": -1}, "vendor.exit_fee", id="negative-exit-fee"),
    ],
)
def test_bad_input_answers_422_naming_the_field(api, changes, field):
    assert_422(api.post(URL, request_with(**changes)), field)


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_rejected_without_a_500(api):
    response = api.client.post(
        URL, "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    assert response.status_code in (400, 422)


# --- access -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_callers_get_401(api_as):
    assert api_as(None).post(URL, API_EXAMPLE_REQUEST).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["procurement_user", "manager", "admin_role_user", "vendor_a_user"])
def test_any_signed_in_user_may_estimate(api_as, request, who):
    response = api_as(request.getfixturevalue(who)).post(URL, API_EXAMPLE_REQUEST)
    assert response.status_code == 200
    assert response.json()["outsourced"]["tco"] == "20000.00"


@pytest.mark.django_db
def test_the_browser_session_may_estimate(vendor_a_client):
    response = vendor_a_client.post(URL, API_EXAMPLE_REQUEST, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["roi_pct"] == "102.50"


@pytest.mark.django_db
def test_numbers_beyond_decimal_range_answer_422_not_500(api):
    # 1e-999998 FTE would make the savings % overflow any decimal: exponents are not read
    # (common.strict), so the field is named before any arithmetic.
    response = api.post(URL, request_with(**{"in_house.fte": "1e-999998"}))
    assert response.status_code == 422
    assert response.json()["errors"] == {"in_house.fte": ["Enter a number."]}
