"""Erlang C for live channels (docs/domain.md §1), against callcentrehelper's published check."""

from decimal import Decimal, localcontext

import pytest

from costing.engine import (
    ENGINE_CONTEXT,
    MAX_AGENTS,
    EngineInputError,
    erlang_c,
    q2,
    service_level,
    staffing,
)

# callcentrehelper.com, "Erlang C formula – made simple with an easy worked example".
PUBLISHED = {
    "contacts_per_interval": 100,
    "interval_minutes": 30,
    "aht_seconds": 180,
    "target_service_level_pct": 80,
    "target_answer_seconds": 20,
    "max_occupancy_pct": 85,
    "shrinkage_pct": 30,
}


def sl_pct(agents, traffic=10, aht=180, answer=20):
    return q2(
        service_level(
            agents=agents,
            traffic_erlangs=Decimal(traffic),
            aht_seconds=Decimal(aht),
            target_answer_seconds=Decimal(answer),
        )
        * 100
    )


def test_published_check_needs_14_agents_and_20_fte():
    result = staffing(**PUBLISHED)

    assert result.as_dict() == {
        "traffic_erlangs": "10.00",
        "agents": 14,
        "service_level_pct": "88.84",
        "asa_seconds": "7.84",
        "occupancy_pct": "71.43",
        "scheduled_fte": "20.00",
    }
    assert result.traffic_erlangs == Decimal(10)
    assert result.scheduled_fte == Decimal(20)


def test_published_service_levels_for_13_and_14_agents():
    assert sl_pct(13) == Decimal("79.56")
    assert sl_pct(14) == Decimal("88.84")


def test_probability_of_waiting_matches_the_textbook_formula():
    # Pw = X / (X + Y), X = A^N/N! · N/(N−A), Y = Σ A^k/k! — fine for small N.
    from math import factorial

    traffic, agents = Decimal(10), 14
    x = traffic**agents / factorial(agents) * agents / (agents - traffic)
    y = sum(traffic**k / factorial(k) for k in range(agents))

    assert abs(erlang_c(agents=agents, traffic_erlangs=traffic) - x / (x + y)) < Decimal("1e-20")


def test_without_shrinkage_scheduled_fte_equals_agents():
    result = staffing(**{**PUBLISHED, "shrinkage_pct": 0})

    assert result.agents == 14
    assert result.scheduled_fte == Decimal(14)


def test_zero_answer_time_counts_only_contacts_answered_at_once():
    result = staffing(**{**PUBLISHED, "target_answer_seconds": 0, "max_occupancy_pct": None})

    # SL = 1 − Pw; 14 agents: Pw = 17.41%.
    assert result.agents == 14
    assert result.as_dict()["service_level_pct"] == "82.59"
    with localcontext(ENGINE_CONTEXT):
        pw = erlang_c(agents=14, traffic_erlangs=Decimal(10))
        assert result.service_level_pct == 100 - pw * 100


def test_max_occupancy_raises_the_agents():
    loose = {**PUBLISHED, "target_service_level_pct": 20, "shrinkage_pct": 0}

    by_service_level = staffing(**{**loose, "max_occupancy_pct": None})
    capped = staffing(**loose)

    assert by_service_level.agents == 11
    assert by_service_level.as_dict()["occupancy_pct"] == "90.91"
    # 10 Erlangs at ≤ 85% occupancy need ⌈10 / 0.85⌉ = 12 agents.
    assert capped.agents == 12
    assert capped.as_dict()["occupancy_pct"] == "83.33"
    assert capped.as_dict()["service_level_pct"] == "64.02"
    assert capped.as_dict()["asa_seconds"] == "40.44"


def test_an_occupancy_exactly_at_the_cap_is_allowed():
    result = staffing(**{**PUBLISHED, "target_service_level_pct": 20, "max_occupancy_pct": 80})

    # ⌈10 / 0.8⌉ = 12.5 → 13 agents; exactly 12.5 is impossible, 10/13 = 76.92%.
    assert result.agents == 13
    exact = staffing(**{**PUBLISHED, "target_service_level_pct": 20, "max_occupancy_pct": "62.5"})
    assert exact.agents == 16
    assert exact.occupancy_pct == Decimal("62.5")


def test_chat_concurrency_divides_the_handle_time():
    chat = staffing(
        **{**PUBLISHED, "concurrency": 2, "max_occupancy_pct": None, "shrinkage_pct": 0}
    )

    assert chat.as_dict() == {
        "traffic_erlangs": "5.00",
        "agents": 8,
        "service_level_pct": "91.41",
        "asa_seconds": "5.02",
        "occupancy_pct": "62.50",
        "scheduled_fte": "8.00",
    }


def test_fractional_concurrency():
    # callcentrehelper's chat table: 2 chats at once ≈ 1.7 effective.
    chat = staffing(**{**PUBLISHED, "concurrency": "1.7", "max_occupancy_pct": None})

    with localcontext(ENGINE_CONTEXT):
        assert chat.traffic_erlangs == Decimal(100) * 180 / (Decimal("1.7") * 1800)
    assert chat.as_dict()["traffic_erlangs"] == "5.88"
    assert chat.agents > chat.traffic_erlangs


def test_integral_traffic_needs_strictly_more_agents():
    result = staffing(
        **{**PUBLISHED, "target_service_level_pct": "0.01", "max_occupancy_pct": None}
    )

    assert result.agents == 11  # N > A = 10


def test_a_large_centre_of_1000_erlangs_is_computed():
    result = staffing(**{**PUBLISHED, "contacts_per_interval": 10_000, "max_occupancy_pct": None})

    assert result.traffic_erlangs == Decimal(1000)
    assert result.agents == 1011
    assert result.as_dict()["service_level_pct"] == "81.38"


def test_500_erlangs_do_not_overflow():
    result = staffing(**{**PUBLISHED, "contacts_per_interval": 5000})

    assert result.traffic_erlangs == Decimal(500)
    assert 500 < result.agents < 600
    assert result.service_level_pct >= 80


@pytest.mark.parametrize("target", [100, "100.5", 150])
def test_a_service_level_of_100_pct_or_more_is_unreachable(target):
    with pytest.raises(EngineInputError) as error:
        staffing(**{**PUBLISHED, "target_service_level_pct": target})

    assert error.value.field == "target_service_level_pct"


def test_a_queue_beyond_the_agent_cap_names_the_volume_and_how_to_split_it():
    # 100,000 calls per half hour at 180 s = 10,000 Erlangs: more than 10,000 agents at once.
    huge = {**PUBLISHED, "contacts_per_interval": MAX_AGENTS * 10, "max_occupancy_pct": None}

    with pytest.raises(EngineInputError) as error:
        staffing(**huge)

    assert error.value.field == "contacts_per_interval"
    assert "10000 agents" in error.value.message
    assert "split" in error.value.message


def test_an_occupancy_cap_beyond_the_agent_cap_names_max_occupancy():
    with pytest.raises(EngineInputError) as error:
        staffing(**{**PUBLISHED, "target_service_level_pct": 1, "max_occupancy_pct": "0.01"})

    assert error.value.field == "max_occupancy_pct"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contacts_per_interval": 0}, "contacts_per_interval"),
        ({"interval_minutes": 0}, "interval_minutes"),
        ({"aht_seconds": -180}, "aht_seconds"),
        ({"target_service_level_pct": 0}, "target_service_level_pct"),
        ({"target_service_level_pct": "x"}, "target_service_level_pct"),
        ({"target_answer_seconds": -1}, "target_answer_seconds"),
        ({"max_occupancy_pct": 0}, "max_occupancy_pct"),
        ({"max_occupancy_pct": 101}, "max_occupancy_pct"),
        ({"shrinkage_pct": -1}, "shrinkage_pct"),
        ({"shrinkage_pct": 100}, "shrinkage_pct"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_invalid_staffing_input_names_its_field(changes, field):
    with pytest.raises(EngineInputError) as error:
        staffing(**{**PUBLISHED, **changes})

    assert error.value.field == field


def test_erlang_c_needs_more_agents_than_traffic():
    with pytest.raises(EngineInputError) as error:
        erlang_c(agents=10, traffic_erlangs=Decimal(10))

    assert error.value.field == "agents"
