"""Best value, not only the cheapest (docs/domain.md §4), scored by hand."""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from costing.engine import ENGINE_CONTEXT, EngineInputError
from costing.engine.scoring import DEFAULT_WEIGHTS, QuoteScoreInput, check_weights, score_quotes

# The scope: e-mail within 240 min, phone within 1 min, chat without a required time.
REQUIRED = {"email": 240, "phone": 1, "chat": None}
POINTS = 24  # docs/domain.md §3: 9 + 7 + 8 checklist points

MANILA = QuoteScoreInput(
    key="manila",
    tco=30000,
    savings=20000,
    risk=7000,
    offered_response_minutes={"email": 480, "phone": 3},  # chat left unanswered
    checklist_answered=6,
    checklist_total=POINTS,
    scale_up_days=30,
)
LISBON = QuoteScoreInput(
    key="lisbon",
    tco=40000,
    savings=10000,
    risk=0,
    offered_response_minutes={"email": 240, "phone": 1, "chat": 2},
    checklist_answered=24,
    checklist_total=POINTS,
    scale_up_days=7,
)
UTRECHT = QuoteScoreInput(
    key="utrecht",
    tco=60000,
    savings=-10000,  # no savings: the risk criterion is 0
    risk=1000,
    offered_response_minutes={"email": 120, "phone": None, "chat": 1},  # phone unanswered
    checklist_answered=18,
    checklist_total=POINTS,
    scale_up_days=None,  # unanswered
)


def by_key(results):
    return {result.key: result for result in results}


def test_three_quotes_scored_by_hand():
    results = by_key(
        score_quotes(quotes=[MANILA, LISBON, UTRECHT], required_response_minutes=REQUIRED)
    )
    manila, lisbon, utrecht = results["manila"], results["lisbon"], results["utrecht"]

    # cost = 100 × 30,000 / TCO
    assert [r.criteria["cost"] for r in (manila, lisbon, utrecht)] == [100, 75, 50]
    # service: Manila (240/480 + 1/3 + 1) / 3; chat has no required time so scores 1.
    with localcontext(ENGINE_CONTEXT):
        manila_service = Decimal(100) * (Decimal("0.5") + Decimal(1) / 3 + 1) / 3
        utrecht_service = Decimal(100) * (1 + 0 + 1) / Decimal(3)
    assert manila.criteria["service"] == manila_service  # 61.11
    assert lisbon.criteria["service"] == 100
    assert utrecht.criteria["service"] == utrecht_service  # 66.67: phone unanswered scores 0
    assert manila.sla_shortfalls == ("email", "phone")
    assert lisbon.sla_shortfalls == ()
    assert utrecht.sla_shortfalls == ("phone",)
    # compliance = answered / 24
    assert [r.criteria["compliance"] for r in (manila, lisbon, utrecht)] == [25, 100, 75]
    # scalability = 100 × 7 days / this quote's; unanswered scores 0
    assert Fraction(manila.criteria["scalability"]) == pytest.approx(Fraction(700, 30))
    assert lisbon.criteria["scalability"] == 100
    assert utrecht.criteria["scalability"] == 0
    # risk = 100 × max(0, 1 − risk / (0.7 × savings)); 0 without savings
    assert manila.criteria["risk"] == 50  # 7,000 / 14,000
    assert lisbon.criteria["risk"] == 100
    assert utrecht.criteria["risk"] == 0
    # test cases do not count without test cases on the RFQ
    assert manila.criteria["test_cases"] is None

    # score = Σ weight × criterion / 100 at full precision, two decimals at output
    assert manila.as_dict()["score"] == "64.56"  # (4000 + 1222.22 + 500 + 233.33 + 500) / 100
    assert lisbon.as_dict()["score"] == "90.00"  # (3000 + 2000 + 2000 + 1000 + 1000) / 100
    assert utrecht.as_dict()["score"] == "48.33"  # (2000 + 1333.33 + 1500) / 100
    assert [r.best_value for r in (manila, lisbon, utrecht)] == [False, True, False]
    assert [r.cost_rank for r in (manila, lisbon, utrecht)] == [1, 2, 3]
    assert [r.score_rank for r in (manila, lisbon, utrecht)] == [2, 1, 3]
    assert not any(r.excluded for r in (manila, lisbon, utrecht))
    assert lisbon.as_dict() == {
        "scores": {
            "cost": "75.00",
            "service": "100.00",
            "compliance": "100.00",
            "scalability": "100.00",
            "risk": "100.00",
            "test_cases": None,
        },
        "score": "90.00",
        "sla_shortfalls": [],
        "excluded": False,
        "best_value": True,
        "cost_rank": 2,
        "score_rank": 1,
    }


def quote(key, tco, **fields):
    defaults = {
        "savings": 50000 - tco,
        "risk": 0,
        "offered_response_minutes": {"email": 240, "phone": 1},
        "checklist_answered": POINTS,
        "checklist_total": POINTS,
        "scale_up_days": 10,
    }
    return QuoteScoreInput(key=key, tco=tco, **{**defaults, **fields})


def test_a_tie_goes_to_the_lower_tco():
    # Dearer with full compliance: 40×75 + 20×100 + 20×100 + 10×100 + 10×100 = 90.
    # Cheaper with half: 40×100 + 20×100 + 20×50 + 10×100 + 10×100 = 90.
    dearer = quote("dearer", 40000)
    cheaper = quote("cheaper", 30000, checklist_answered=12)

    results = by_key(score_quotes(quotes=[dearer, cheaper], required_response_minutes=REQUIRED))

    assert results["dearer"].score == results["cheaper"].score == 90
    assert results["cheaper"].best_value and not results["dearer"].best_value
    assert results["dearer"].score_rank == results["cheaper"].score_rank == 1
    assert results["cheaper"].cost_rank == 1
    assert results["dearer"].cost_rank == 2


def test_equal_tcos_share_the_cost_rank():
    results = score_quotes(
        quotes=[quote("a", 30000), quote("b", 30000), quote("c", 45000)],
        required_response_minutes=REQUIRED,
    )

    assert [r.cost_rank for r in results] == [1, 1, 3]
    assert [r.best_value for r in results] == [True, False, False]  # then the earlier quote


def test_a_missing_must_have_excludes_the_cheaper_quote():
    cheaper = quote("cheaper", 30000, must_haves_open=("dpa",))
    next_one = quote("next", 35000)
    dearest = quote("dearest", 45000)

    results = by_key(
        score_quotes(quotes=[cheaper, next_one, dearest], required_response_minutes=REQUIRED)
    )

    assert results["cheaper"].excluded
    assert results["cheaper"].must_haves_open == ("dpa",)
    assert not results["cheaper"].best_value
    assert results["next"].best_value
    # docs/domain.md §4: the lowest ELIGIBLE TCO (35,000) is the cost reference.
    assert results["next"].as_dict()["scores"]["cost"] == "100.00"
    assert results["dearest"].as_dict()["scores"]["cost"] == "77.78"  # 100 × 35,000 / 45,000
    # The excluded quote is scored against the same reference, capped at 100 (not 116.67).
    assert results["cheaper"].as_dict()["scores"]["cost"] == "100.00"


def test_no_best_value_when_every_quote_is_excluded():
    results = score_quotes(
        quotes=[quote("a", 30000, must_haves_open=("dpa",))], required_response_minutes=REQUIRED
    )

    assert results[0].excluded and not results[0].best_value


def test_test_cases_count_once_the_rfq_has_them():
    weights = {**DEFAULT_WEIGHTS, "compliance": 10, "test_cases": 10}
    rated = quote("rated", 30000, test_case_ratings=(5, 4, 3))  # mean 4 → 75
    unrated = quote("unrated", 30000)  # no rating at all → 0

    results = by_key(
        score_quotes(
            quotes=[rated, unrated],
            required_response_minutes=REQUIRED,
            weights=weights,
            has_test_cases=True,
        )
    )

    assert results["rated"].criteria["test_cases"] == 75
    assert results["unrated"].criteria["test_cases"] == 0
    assert results["rated"].score == Decimal("97.5")  # 90 + 10 × 75 / 100
    assert results["unrated"].score == 90
    assert results["rated"].best_value


def test_without_test_cases_their_weight_is_left_out():
    weights = {**DEFAULT_WEIGHTS, "compliance": 10, "test_cases": 10}
    half_compliant = quote("a", 30000, checklist_answered=12)

    [result] = score_quotes(
        quotes=[half_compliant], required_response_minutes=REQUIRED, weights=weights
    )

    assert result.criteria["test_cases"] is None
    # (40×100 + 20×100 + 10×50 + 10×100 + 10×100) / 90
    with localcontext(ENGINE_CONTEXT):
        assert result.score == Decimal(8500) / 90


def test_a_quote_at_the_keep_in_house_limit_scores_zero_risk():
    [at_limit] = score_quotes(
        quotes=[quote("a", 30000, savings=10000, risk=7000)], required_response_minutes={}
    )

    assert at_limit.criteria["risk"] == 0
    assert at_limit.criteria["service"] == 100  # no scope channel: nothing to fall short of


@pytest.mark.parametrize(
    "weights",
    [
        {**DEFAULT_WEIGHTS, "cost": 39},
        {**DEFAULT_WEIGHTS, "cost": 50, "risk": -10},
        {**DEFAULT_WEIGHTS, "cost": "39.5", "risk": "10.5"},
        {**DEFAULT_WEIGHTS, "price": 0},
        {},
    ],
)
def test_weights_not_summing_to_100_name_weights(weights):
    with pytest.raises(EngineInputError) as error:
        check_weights(weights)

    assert error.value.field == "weights"


def test_weights_left_out_weigh_nothing():
    assert check_weights({"cost": 60, "service": 40}) == {
        "cost": 60,
        "service": 40,
        "compliance": 0,
        "scalability": 0,
        "risk": 0,
        "test_cases": 0,
    }


@pytest.mark.parametrize("ratings", [(0,), (6,), (3, "4.5")])
def test_ratings_are_whole_numbers_from_1_to_5(ratings):
    with pytest.raises(EngineInputError) as error:
        quote("a", 30000, test_case_ratings=ratings)

    assert error.value.field == "test_case_ratings"


def test_an_excluded_cheap_quote_never_decides_between_two_eligible_ones():
    """Issue 20: weights cost 50 / scalability 50. X: €40,000, up in 15 days; Y: €60,000,
    up in 12 days; Z (excluded): €10,000, 30 days. Scored against Z's TCO, Y would win
    (X: (25 + 80) / 2 = 52.50; Y: (16.67 + 100) / 2 = 58.33); against the eligible ones,
    X wins: X (100 + 100 × 12/15) / 2 = 90.00, Y (100 × 40/60 + 100) / 2 = 83.33."""
    weights = {"cost": 50, "scalability": 50}
    x = quote("x", 40000, scale_up_days=15)
    y = quote("y", 60000, scale_up_days=12)
    z = quote("z", 10000, scale_up_days=30, must_haves_open=("dpa",))

    with_z = by_key(
        score_quotes(quotes=[z, x, y], required_response_minutes=REQUIRED, weights=weights)
    )
    without_z = by_key(
        score_quotes(quotes=[x, y], required_response_minutes=REQUIRED, weights=weights)
    )

    for results in (with_z, without_z):
        assert results["x"].as_dict()["score"] == "90.00"
        assert results["y"].as_dict()["score"] == "83.33"
        assert results["x"].best_value and not results["y"].best_value
    # Z is still scored for display: cost capped at 100, scalability 100 × 12 / 30 = 40.
    assert with_z["z"].as_dict()["scores"]["cost"] == "100.00"
    assert with_z["z"].as_dict()["scores"]["scalability"] == "40.00"
    assert with_z["z"].as_dict()["score"] == "70.00"
    assert not with_z["z"].best_value


def test_scores_that_read_the_same_are_a_tie_for_the_lower_tco():
    """Weights cost 50 / compliance 50, 100,000 checklist points. A: €30,000, 99,996 points
    → (100 + 99.996) / 2 = 99.998. B: €30,001, every point → (100 × 30,000 / 30,001 + 100)
    / 2 = 99.99833…, higher at full precision. Both read 100.00: a tie, to the lower TCO."""
    weights = {"cost": 50, "compliance": 50}
    a = quote("a", 30000, checklist_answered=99996, checklist_total=100000)
    b = quote("b", 30001, checklist_answered=100000, checklist_total=100000)

    results = by_key(
        score_quotes(quotes=[b, a], required_response_minutes=REQUIRED, weights=weights)
    )

    assert results["b"].score > results["a"].score  # at full precision
    assert results["a"].as_dict()["score"] == results["b"].as_dict()["score"] == "100.00"
    assert results["a"].best_value and not results["b"].best_value
    assert results["a"].score_rank == results["b"].score_rank == 1
