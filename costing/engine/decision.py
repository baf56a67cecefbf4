"""Risk, the outsource-or-not recommendation (docs/domain.md §4) and rate bands (§2).

Codes only: the Django layer turns them into translated text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from costing.engine.numbers import (
    HUNDRED,
    ZERO,
    EngineInputError,
    non_negative,
    optional_non_negative,
    percentage,
    precise,
    s2,
    to_decimal,
)

# docs/domain.md §4: keep it in-house when the risk exceeds 70% of the savings.
RISK_SHARE_OF_SAVINGS = Decimal("0.7")

OUTSOURCE = "outsource"
KEEP_IN_HOUSE = "keep_in_house"
REASON_STRATEGIC = "strategic"
REASON_NO_SAVINGS = "no_savings"
REASON_RISK = "risk_exceeds_70pct_of_savings"
REASON_SAVINGS_OUTWEIGH_RISK = "savings_outweigh_risk"

BELOW_MARKET = "below_market"
ABOVE_MARKET = "above_market"


@dataclass(frozen=True, slots=True)
class RiskItem:
    """One line of a quote's risk register: quality loss, data leak, hidden costs, …"""

    name: str
    probability_pct: Decimal
    impact: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "probability_pct", percentage(self.probability_pct, "risk.probability_pct")
        )
        object.__setattr__(self, "impact", non_negative(self.impact, "risk.impact"))

    @property
    @precise
    def expected_cost(self) -> Decimal:
        return self.probability_pct / HUNDRED * self.impact


@precise
def risk_total(items: Iterable[RiskItem]) -> Decimal:
    """risk = Σ probability × impact (docs/domain.md §4)."""
    return sum((item.expected_cost for item in items), ZERO)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The three axes side by side, the verdict `code` and the `reasons` behind it."""

    code: str
    reasons: tuple[str, ...]
    savings: Decimal
    risk: Decimal
    risk_threshold: Decimal
    strategic: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reasons": list(self.reasons),
            "savings": s2(self.savings),
            "risk": s2(self.risk),
            "risk_threshold": s2(self.risk_threshold),
            "strategic": self.strategic,
        }


@precise
def recommend(
    *, savings: Decimal | int | str, risk: Decimal | int | str, strategic: bool
) -> Recommendation:
    savings = to_decimal(savings, "savings")
    risk = non_negative(risk, "risk")
    threshold = RISK_SHARE_OF_SAVINGS * savings
    reasons = []
    if strategic:
        reasons.append(REASON_STRATEGIC)
    if savings <= 0:
        reasons.append(REASON_NO_SAVINGS)
    # Without savings the risk rule says nothing new: it is only checked when there are some.
    elif risk > threshold:
        reasons.append(REASON_RISK)
    code = KEEP_IN_HOUSE if reasons else OUTSOURCE
    return Recommendation(
        code=code,
        reasons=tuple(reasons) if reasons else (REASON_SAVINGS_OUTWEIGH_RISK,),
        savings=savings,
        risk=risk,
        risk_threshold=threshold,
        strategic=strategic,
    )


class Region(StrEnum):
    OFFSHORE = "offshore"
    NEARSHORE = "nearshore"
    ONSHORE = "onshore"


@dataclass(frozen=True, slots=True)
class RateBand:
    low: Decimal
    high: Decimal


# docs/domain.md §2: indicative 2025 rates from the cost article, € per hour and per ticket.
RATE_BANDS: Mapping[Region, Mapping[str, RateBand]] = MappingProxyType(
    {
        Region.OFFSHORE: {
            "hourly_rate": RateBand(Decimal(4), Decimal(8)),
            "per_ticket_rate": RateBand(Decimal("0.5"), Decimal(2)),
        },
        Region.NEARSHORE: {
            "hourly_rate": RateBand(Decimal(12), Decimal(25)),
            "per_ticket_rate": RateBand(Decimal(1), Decimal(4)),
        },
        Region.ONSHORE: {
            "hourly_rate": RateBand(Decimal(25), Decimal(45)),
            "per_ticket_rate": RateBand(Decimal(2), Decimal(6)),
        },
    }
)


@dataclass(frozen=True, slots=True)
class RateFlag:
    code: str
    rate: str  # "hourly_rate" or "per_ticket_rate"
    value: Decimal
    region: Region
    band_low: Decimal
    band_high: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rate": self.rate,
            "value": s2(self.value),
            "region": self.region.value,
            "band_low": s2(self.band_low),
            "band_high": s2(self.band_high),
        }


def rate_flags(
    *,
    region: Region | str,
    hourly_rate: Decimal | int | str | None,
    per_ticket_rate: Decimal | int | str | None,
) -> list[RateFlag]:
    """A flag per given rate outside its region's band; the band's ends are inside."""
    try:
        region = Region(region)
    except ValueError:
        choices = ", ".join(r.value for r in Region)
        raise EngineInputError("region", f"must be one of {choices}") from None
    flags = []
    for rate, raw in (("hourly_rate", hourly_rate), ("per_ticket_rate", per_ticket_rate)):
        value = optional_non_negative(raw, f"vendor.{rate}")
        if value is None:
            continue
        band = RATE_BANDS[region][rate]
        code = BELOW_MARKET if value < band.low else ABOVE_MARKET if value > band.high else None
        if code is not None:
            flags.append(RateFlag(code, rate, value, region, band.low, band.high))
    return flags
