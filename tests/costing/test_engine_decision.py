"""Risk register, the outsource-or-not rule (docs/domain.md §4), rate bands (§2), checklists (§3)."""

from decimal import Decimal

import pytest

from costing.engine import (
    CHECKLIST_KEYS,
    CHECKLISTS,
    EngineInputError,
    RateFlag,
    Region,
    RiskItem,
    checklist_gaps,
    rate_flags,
    recommend,
    risk_total,
)


def test_risk_total_is_the_sum_of_probability_times_impact():
    items = [
        RiskItem(name="quality loss", probability_pct=30, impact=10_000),
        RiskItem(name="data leak", probability_pct="5", impact="50000"),
        RiskItem(name="hidden costs", probability_pct="12.5", impact="1999.99"),
    ]

    assert risk_total(items) == Decimal("3000") + Decimal("2500") + Decimal("249.99875")
    assert risk_total([]) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"probability_pct": -1, "impact": 100}, "risk.probability_pct"),
        ({"probability_pct": 101, "impact": 100}, "risk.probability_pct"),
        ({"probability_pct": 50, "impact": -100}, "risk.impact"),
    ],
)
def test_invalid_risk_item_names_its_field(kwargs, field):
    with pytest.raises(EngineInputError) as error:
        RiskItem(name="vendor dependency", **kwargs)

    assert error.value.field == field


def test_it_recommends_the_quote_when_savings_outweigh_risk():
    recommendation = recommend(savings=20_500, risk=5_000, strategic=False)

    assert recommendation.code == "outsource"
    assert recommendation.reasons == ("savings_outweigh_risk",)
    assert recommendation.risk_threshold == Decimal("14350.0")
    assert recommendation.as_dict() == {
        "code": "outsource",
        "reasons": ["savings_outweigh_risk"],
        "savings": "20500.00",
        "risk": "5000.00",
        "risk_threshold": "14350.00",
        "strategic": False,
    }


def test_risk_exactly_70_pct_of_savings_still_outsources():
    assert recommend(savings=20_500, risk=14_350, strategic=False).code == "outsource"
    assert recommend(savings="0.10", risk="0.07", strategic=False).code == "outsource"


def test_risk_above_70_pct_of_savings_keeps_it_in_house():
    recommendation = recommend(savings=20_500, risk="14350.01", strategic=False)

    assert recommendation.code == "keep_in_house"
    assert recommendation.reasons == ("risk_exceeds_70pct_of_savings",)


@pytest.mark.parametrize("savings", [0, -1, "-4500.00"])
def test_no_savings_keeps_it_in_house(savings):
    recommendation = recommend(savings=savings, risk=0, strategic=False)

    assert recommendation.code == "keep_in_house"
    assert recommendation.reasons == ("no_savings",)


def test_strategic_customer_service_stays_in_house_whatever_the_numbers():
    recommendation = recommend(savings=100_000, risk=0, strategic=True)

    assert recommendation.code == "keep_in_house"
    assert recommendation.reasons == ("strategic",)


def test_every_reason_is_listed():
    assert recommend(savings=-10, risk=500, strategic=True).reasons == ("strategic", "no_savings")
    assert recommend(savings=1000, risk=800, strategic=True).reasons == (
        "strategic",
        "risk_exceeds_70pct_of_savings",
    )


def test_recommend_rejects_negative_risk():
    with pytest.raises(EngineInputError) as error:
        recommend(savings=100, risk=-1, strategic=False)

    assert error.value.field == "risk"


@pytest.mark.parametrize(
    ("region", "hourly", "per_ticket", "expected"),
    [
        ("nearshore", 18, None, []),
        ("nearshore", 12, 1, []),  # band ends are inside
        ("nearshore", 25, 4, []),
        ("nearshore", "11.99", None, [("below_market", "hourly_rate", "12", "25")]),
        ("nearshore", None, "4.01", [("above_market", "per_ticket_rate", "1", "4")]),
        (
            "offshore",
            9,
            "0.49",
            [
                ("above_market", "hourly_rate", "4", "8"),
                ("below_market", "per_ticket_rate", "0.5", "2"),
            ],
        ),
        (
            "onshore",
            24,
            7,
            [
                ("below_market", "hourly_rate", "25", "45"),
                ("above_market", "per_ticket_rate", "2", "6"),
            ],
        ),
        ("onshore", 45, 2, []),
        (Region.OFFSHORE, None, None, []),
    ],
)
def test_rate_flags_by_region_band(region, hourly, per_ticket, expected):
    flags = rate_flags(region=region, hourly_rate=hourly, per_ticket_rate=per_ticket)

    assert [(f.code, f.rate, f.band_low, f.band_high) for f in flags] == [
        (code, rate, Decimal(low), Decimal(high)) for code, rate, low, high in expected
    ]


def test_a_rate_flag_serialises_for_the_api():
    [flag] = rate_flags(region="offshore", hourly_rate=3, per_ticket_rate=None)

    assert flag == RateFlag(
        "below_market", "hourly_rate", Decimal(3), Region.OFFSHORE, Decimal(4), Decimal(8)
    )
    assert flag.as_dict() == {
        "code": "below_market",
        "rate": "hourly_rate",
        "value": "3.00",
        "region": "offshore",
        "band_low": "4.00",
        "band_high": "8.00",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region": "mars", "hourly_rate": 18, "per_ticket_rate": None}, "region"),
        ({"region": "onshore", "hourly_rate": -1, "per_ticket_rate": None}, "vendor.hourly_rate"),
        (
            {"region": "onshore", "hourly_rate": None, "per_ticket_rate": "x"},
            "vendor.per_ticket_rate",
        ),
    ],
)
def test_invalid_rate_flag_input_names_its_field(kwargs, field):
    with pytest.raises(EngineInputError) as error:
        rate_flags(**kwargs)

    assert error.value.field == field


def test_the_checklists_hold_the_canonical_keys_in_order():
    assert CHECKLISTS["quote_template"] == (
        "pricing_model",
        "onboarding_costs",
        "sla",
        "data_protocols",
        "reporting_frequency",
        "training_time",
        "qa_sample_rate",
        "scale_up_time",
        "exit_clauses",
    )
    assert CHECKLISTS["sla_contract"] == (
        "response_time_per_channel",
        "minimum_availability",
        "penalties",
        "disaster_recovery",
        "exit_and_data_return",
        "knowledge_base_ownership",
        "escalation_routes",
    )
    assert CHECKLISTS["gdpr_security"] == (
        "dpa",
        "data_location",
        "encryption_at_rest",
        "encryption_in_transit",
        "access_levels",
        "audit_rights",
        "incident_response_plan",
        "certifications",
    )
    assert list(CHECKLISTS) == ["quote_template", "sla_contract", "gdpr_security"]
    assert len(CHECKLIST_KEYS) == len(set(CHECKLIST_KEYS)) == 24


def test_a_complete_quote_has_no_gaps():
    assert checklist_gaps(dict.fromkeys(CHECKLIST_KEYS, True)) == []


def test_unanswered_false_and_missing_points_are_gaps_in_checklist_order():
    answers = {
        **dict.fromkeys(CHECKLIST_KEYS, True),
        "certifications": None,
        "exit_clauses": False,
        "dpa": False,
        "unknown_key": False,
    }
    del answers["penalties"]

    assert checklist_gaps(answers) == ["exit_clauses", "penalties", "dpa", "certifications"]


def test_an_empty_answer_sheet_misses_everything():
    assert checklist_gaps({}) == list(CHECKLIST_KEYS)
