"""Pessimistic / realistic / optimistic scenarios (DOMAIN.md §2)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from costing.engine.numbers import positive, precise
from costing.engine.tco import Estimate, InHouse, VendorOffer, check_months, estimate
from costing.engine.workload import Workload


@dataclass(frozen=True, slots=True)
class ScenarioFactors:
    """Multipliers on volume and AHT; the scenario's name is its key in the mapping."""

    volume: Decimal
    aht: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "volume", positive(self.volume, "scenarios.volume"))
        object.__setattr__(self, "aht", positive(self.aht, "scenarios.aht"))


DEFAULT_SCENARIOS: Mapping[str, ScenarioFactors] = MappingProxyType(
    {
        "pessimistic": ScenarioFactors(volume=Decimal("1.2"), aht=Decimal("1.1")),
        "realistic": ScenarioFactors(volume=Decimal(1), aht=Decimal(1)),
        "optimistic": ScenarioFactors(volume=Decimal("0.8"), aht=Decimal("0.9")),
    }
)


@precise
def scenario_workload(*, workload: Workload, factors: ScenarioFactors) -> Workload:
    return dataclasses.replace(
        workload,
        volume_per_month=workload.volume_per_month * factors.volume,
        aht_minutes=workload.aht_minutes * factors.aht,
    )


def scenarios(
    *,
    workload: Workload,
    in_house: InHouse,
    offer: VendorOffer,
    months: int,
    factors: Mapping[str, ScenarioFactors] = DEFAULT_SCENARIOS,
) -> dict[str, Estimate]:
    """One estimate per scenario, in the mapping's order. Derived FTE and agents follow
    the scenario's workload; a given FTE or agent count stays fixed."""
    months = check_months(months)
    return {
        name: estimate(
            workload=scenario_workload(workload=workload, factors=scenario),
            in_house=in_house,
            offer=offer,
            months=months,
        )
        for name, scenario in factors.items()
    }
