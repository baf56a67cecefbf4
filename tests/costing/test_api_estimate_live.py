"""POST /api/v1/costing/estimate for live channels and the pricing fixes of issue 11
(docs/api.md "Further request fields"; docs/domain.md §1 "Live channels", §2)."""

from decimal import Decimal

import pytest

from tests.costing.test_api_estimate import _DELETE, URL, assert_422, request_with

PHONE_CHECK = {
    "channel": "phone",
    "volume_per_month": 6000,
    "aht_minutes": 4,
    "open_hours_per_day": 8,
    "open_days_per_week": 5,
}


@pytest.fixture
def api(api_as, procurement_user):
    return api_as(procurement_user)


@pytest.mark.django_db
def test_the_phone_check_is_staffed_per_open_hour(api):
    response = api.post(URL, request_with(**PHONE_CHECK))

    assert response.status_code == 200, response.content
    body = response.json()
    staffing = body["staffing"]
    assert staffing["seat_hours_per_month"] == "840.00"
    assert staffing["peak_seats"] == 5
    assert len(staffing["hours"]) == 8
    assert [row["hour"] for row in staffing["hours"]] == list(range(1, 9))
    first = staffing["hours"][0]
    assert (first["contacts"], first["erlangs"], first["seats"]) == ("35.71", "2.38", 5)
    assert float(first["service_level_pct"]) >= 80
    assert body["workload_hours_per_month"] == "400.00"
    assert body["fte_required"] == "5.25"
    # docs/domain.md §1: 840 seat hours / 168 paid hours = 5.00 FTE, not ceil(5.25) = 6.
    assert body["in_house"]["fte"] == "5.00"
    assert body["in_house"]["monthly"] == "16875.00"  # 5 × €3,375
    assert body["in_house"]["live_staffing"] == "dedicated"
    assert body["in_house"]["dedicated"] == {
        "fte": "5.00",
        "monthly": "16875.00",
        "tco": "202500.00",
    }
    # Combined with own work: 400 workload hours × €3,375 / 168 = €8,035.71 a month.
    assert body["in_house"]["combined"]["monthly"] == "8035.71"
    assert body["outsourced"]["agents"] == 6
    assert body["outsourced"]["monthly"] == "15120.00"  # 840 seat hours × €18, not 400 h
    assert body["outsourced"]["transition"] == "0.00"


@pytest.mark.django_db
def test_a_trickle_of_chat_is_the_whitepapers_coverage(api):
    body = api.post(
        URL,
        request_with(
            channel="chat",
            volume_per_month=10,
            aht_minutes=8,
            open_hours_per_day=14,
            open_days_per_week=7,
        ),
    ).json()

    assert body["staffing"]["seat_hours_per_month"] == "411.60"
    assert {row["seats"] for row in body["staffing"]["hours"]} == {1}
    assert body["fte_required"] == "2.57"
    assert body["in_house"]["fte"] == "2.45"  # 411.6 / 168, not 3 whole people


@pytest.mark.django_db
def test_hourly_weights_and_the_service_level_shape_the_day(api):
    # 8,400 calls, 5 min, 4 hours on 5 days at 1:2:3:2 → 50, 100, 150, 100 an hour;
    # 90% within 15 s needs 8, 13, 18, 13 seats (tests/costing/test_engine_live.py).
    body = api.post(
        URL,
        request_with(
            channel="phone",
            volume_per_month=8400,
            aht_minutes=5,
            open_hours_per_day=4,
            open_days_per_week=5,
            hourly_weights=[1, 2, 3, 2],
            service_level_pct=90,
            answer_seconds=15,
        ),
    ).json()

    hours = body["staffing"]["hours"]
    assert [row["contacts"] for row in hours] == ["50.00", "100.00", "150.00", "100.00"]
    assert [row["seats"] for row in hours] == [8, 13, 18, 13]
    assert body["staffing"]["peak_seats"] == 18
    assert body["staffing"]["seat_hours_per_month"] == "1092.00"  # 4.2 × 5 × 52


@pytest.mark.django_db
def test_concurrency_and_the_occupancy_cap_are_taken(api):
    body = api.post(
        URL,
        request_with(
            channel="chat",
            volume_per_month=12000,
            aht_minutes=8,
            open_hours_per_day=14,
            open_days_per_week=7,
            concurrency=2,
            max_occupancy_pct=50,
        ),
    ).json()

    assert body["workload_hours_per_month"] == "800.00"  # 12,000 × 8 / 2 / 60
    # 29.15 chats an hour × 240 s = 1.94 Erlangs; at most 50% busy → 4 seats.
    assert {row["seats"] for row in body["staffing"]["hours"]} == {4}


@pytest.mark.django_db
def test_the_transition_months_carry_the_in_house_desk(api):
    body = api.post(URL, request_with(transition_months=2)).json()

    assert body["outsourced"]["transition"] == "6750.00"
    assert body["outsourced"]["tco"] == "26750.00"
    assert body["outsourced"]["fixed"] == "8750.00"
    assert body["cumulative"][0]["outsourced"] == "6875.00"
    assert body["break_even_month"] == 5


@pytest.mark.django_db
def test_the_training_rate_prices_onboarding_under_every_model(api):
    body = api.post(
        URL,
        request_with(
            **{
                "vendor.pricing_model": "per_ticket",
                "vendor.hourly_rate": None,
                "vendor.per_ticket_rate": 3,
                "vendor.agents": 2,
                "vendor.onboarding_hours_per_agent": 40,
                "vendor.onboarding_hourly_rate": 15,
            }
        ),
    ).json()

    assert body["outsourced"]["one_time"] == "3200.00"  # €2,000 + 40 h × 2 × €15


@pytest.mark.django_db
def test_other_fees_join_the_month_or_month_one(api):
    body = api.post(
        URL,
        request_with(
            **{
                "vendor.other_fees": [
                    {"label": "reporting module", "amount": 250, "per": "month"},
                    {"label": "set-up", "amount": 1500, "per": "once"},
                ]
            }
        ),
    ).json()

    assert body["outsourced"]["monthly"] == "1750.00"
    assert body["outsourced"]["one_time"] == "3500.00"
    assert body["outsourced"]["tco"] == "24500.00"
    assert body["cumulative"][0]["outsourced"] == "5250.00"


def live(**changes):
    return {**PHONE_CHECK, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param(live(hourly_weights=[1, 2, 3]), "hourly_weights", id="weights-too-few"),
        pytest.param(live(hourly_weights=[1] * 25), "hourly_weights", id="weights-too-many"),
        pytest.param(
            live(hourly_weights=[1, 1, 0, 1, 1, 1, 1, 1]), "hourly_weights", id="weight-zero"
        ),
        pytest.param(
            live(hourly_weights=[1, 1, -2, 1, 1, 1, 1, 1]), "hourly_weights", id="weight-negative"
        ),
        pytest.param(live(open_hours_per_day=0), "open_hours_per_day", id="open-hours-0"),
        pytest.param(live(open_hours_per_day=25), "open_hours_per_day", id="open-hours-25"),
        pytest.param(live(open_hours_per_day=_DELETE), "open_hours_per_day", id="open-hours-none"),
        pytest.param(live(open_days_per_week=8), "open_days_per_week", id="open-days-8"),
        pytest.param(live(open_days_per_week=_DELETE), "open_days_per_week", id="open-days-none"),
        pytest.param(
            live(coverage_hours_per_week=40), "coverage_hours_per_week", id="coverage-for-live"
        ),
        pytest.param(live(service_level_pct=100), "service_level_pct", id="service-level-100"),
        pytest.param(live(answer_seconds=-1), "answer_seconds", id="answer-negative"),
        pytest.param(live(concurrency=0), "concurrency", id="concurrency-0"),
        pytest.param(live(max_occupancy_pct=0), "max_occupancy_pct", id="occupancy-0"),
        pytest.param({"channel": "fax"}, "channel", id="unknown-channel"),
        pytest.param({"hourly_weights": [1]}, "hourly_weights", id="weights-for-email"),
        pytest.param({"open_hours_per_day": 8}, "open_hours_per_day", id="open-hours-for-email"),
        pytest.param({"transition_months": 13}, "transition_months", id="transition-over-term"),
        pytest.param({"transition_months": -1}, "transition_months", id="transition-negative"),
        pytest.param(
            {
                "vendor.pricing_model": "per_ticket",
                "vendor.hourly_rate": None,
                "vendor.per_ticket_rate": 3,
                "vendor.onboarding_hours_per_agent": 40,
            },
            "vendor.onboarding_hourly_rate",
            id="onboarding-hours-without-any-rate",
        ),
        pytest.param(
            {"vendor.other_fees": [{"label": "x", "amount": -1, "per": "month"}]},
            "vendor.other_fees.0.amount",
            id="fee-negative",
        ),
        pytest.param(
            {"vendor.other_fees": [{"label": "x", "amount": 1, "per": "year"}]},
            "vendor.other_fees.0.per",
            id="fee-per-year",
        ),
        pytest.param(
            {"vendor.other_fees": [{"label": " ", "amount": 1, "per": "once"}]},
            "vendor.other_fees.0.label",
            id="fee-without-label",
        ),
    ],
)
def test_bad_live_and_pricing_input_answers_422_naming_the_field(api, changes, field):
    body = request_with(**{k: v for k, v in changes.items() if v is not _DELETE})
    for key, value in changes.items():
        if value is _DELETE:
            body.pop(key, None)
    assert_422(api.post(URL, body), field)


WHITEPAPER_CHAT = {
    "channel": "chat",
    "volume_per_month": 882,  # 30 chats a day × 29.4 days
    "aht_minutes": 10,
    "open_hours_per_day": 14,  # 09:00–23:00
    "open_days_per_week": 7,
    "in_house.gross_salary_month": 2000,
    "in_house.employer_costs_pct": 20,  # €2,400 a month
}


@pytest.mark.django_db
def test_the_whitepapers_chat_desk_dedicated_and_combined(api):
    # Dedicated: 1 seat × 14 h × 7 d × 4.2 = 411.6 h / 168 = 2.45 FTE × €2,400 = €5,880.
    # Combined: 882 × 10 min / 1.7 / 60 = 86.47 h × €2,400 / 168 = €1,235.29, no recruitment.
    body = api.post(URL, request_with(**WHITEPAPER_CHAT, **{"in_house.one_time": 3000})).json()

    assert body["in_house"]["dedicated"] == {
        "fte": "2.45",
        "monthly": "5880.00",
        "tco": "73560.00",  # 12 × 5,880 + 3,000
    }
    assert body["in_house"]["combined"] == {
        "fte": "0.51",
        "monthly": "1235.29",
        "tco": "14823.53",  # 12 × 1,235.294…, nobody recruited
    }
    assert body["in_house"]["tco"] == "73560.00"  # dedicated is the default choice

    chosen = api.post(
        URL,
        request_with(**WHITEPAPER_CHAT, **{"in_house.live_staffing": "combined"}),
    ).json()
    assert chosen["in_house"]["live_staffing"] == "combined"
    assert chosen["in_house"]["monthly"] == "1235.29"
    # The savings are against the chosen option: 14,823.53 − the vendor's TCO.
    vendor_tco = chosen["outsourced"]["tco"]
    assert chosen["savings"] == f"{Decimal('14823.53') - Decimal(vendor_tco):.2f}"


@pytest.mark.django_db
def test_an_email_estimate_has_no_live_options(api):
    body = api.post(URL, request_with()).json()
    assert set(body["in_house"]) == {"fte", "monthly", "one_time", "tco", "cost_per_ticket"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"in_house.shrinkage_pct": 61}, "in_house.shrinkage_pct"),
        ({"in_house.hours_per_week": 0}, "in_house.hours_per_week"),
        ({"in_house.hours_per_week": 169}, "in_house.hours_per_week"),
        ({"in_house.live_staffing": "outsourced"}, "in_house.live_staffing"),
        # Issue 20: 10 million calls of an hour each in 8 hours on 5 days are 59,524
        # Erlangs: more than 10,000 seats an hour. The volume is named, never "service level
        # unreachable".
        ({"volume_per_month": 10_000_000, "aht_minutes": 60}, "volume_per_month"),
    ],
)
def test_bad_in_house_staffing_and_a_queue_too_large_name_the_field(api, changes, field):
    response = api.post(URL, request_with(**{**PHONE_CHECK, **changes}))
    assert_422(response, field)
    if field == "volume_per_month":
        message = " ".join(response.json()["errors"][field])
        assert "10,000" in message or "10000" in message
        assert "split" in message.lower()
