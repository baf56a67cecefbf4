"""The pilot KPI rules of DOMAIN.md §5, pure: no ORM. Selectors sum the daily entries in the
database and hand the sums here; pages, scorecards and alerts all judge KPIs with this module.

Compute at full precision, compare against a target at full precision, round only for output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CSAT = "csat_pct"
FRT = "frt_minutes"
AHT = "aht_minutes"
FCR = "fcr_pct"
COST = "cost_per_ticket"
KPI_KEYS: tuple[str, ...] = (CSAT, FRT, AHT, FCR, COST)
# Direction of each target: True when higher is better (≥), False when lower is better (≤).
HIGHER_IS_BETTER = {CSAT: True, FRT: False, AHT: False, FCR: True, COST: False}
# DOMAIN.md §5: the usual remedy per missed KPI (codes; the Django layer translates them).
REMEDY = {
    CSAT: "training_and_knowledge_base",
    FCR: "training_and_knowledge_base",
    FRT: "staffing_at_peak_hours",
    AHT: "systems_and_scripts",
    COST: "pricing_and_volume_commitments",
}

CHECKPOINT_DAYS = (30, 60, 90)
DECISION_DAY = 60
MIN_COVERAGE_PCT = Decimal("80")
MIN_MET_FOR_SCALE_UP = 4
QA_SAMPLE_PER_MONTH = 50  # cost article: at least 50 interactions a month for reliable QA
Z_95 = Decimal("1.96")

SCALE_UP = "scale_up"
STOP = "stop"
INSUFFICIENT_DATA = "insufficient_data"

_CENT = Decimal("0.01")


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def s2(value: Decimal | None) -> str | None:
    """API.md: decimals travel as strings with two decimals."""
    rounded = q2(value)
    return None if rounded is None else f"{rounded:.2f}"


@dataclass(frozen=True)
class KpiTotals:
    """Sums over a window of daily entries (what `SUM()` in the database returns)."""

    days_with_entry: int = 0
    tickets: int = 0
    csat_responses: int = 0
    csat_positive: int = 0
    frt_weighted: Decimal = Decimal(0)  # Σ frt_minutes × tickets
    aht_weighted: Decimal = Decimal(0)  # Σ aht_minutes × tickets
    fcr_resolved: int = 0
    cost: Decimal = Decimal(0)
    qa_sampled: int = 0

    @classmethod
    def from_entry(cls, entry) -> KpiTotals:
        """One day's entry (any `KpiDay`) as a window of one day: what `kpi_sums()` would
        sum for it."""
        return cls(
            days_with_entry=1,
            tickets=entry.tickets,
            csat_responses=entry.csat_responses,
            csat_positive=entry.csat_positive,
            frt_weighted=entry.frt_minutes * entry.tickets,
            aht_weighted=entry.aht_minutes * entry.tickets,
            fcr_resolved=entry.fcr_resolved,
            cost=entry.cost,
            qa_sampled=entry.qa_sampled,
        )

    @classmethod
    def from_row(cls, row: dict) -> KpiTotals:
        """From an aggregate row whose missing sums are None."""
        return cls(
            days_with_entry=row.get("days_with_entry") or 0,
            tickets=row.get("tickets") or 0,
            csat_responses=row.get("csat_responses") or 0,
            csat_positive=row.get("csat_positive") or 0,
            frt_weighted=Decimal(row.get("frt_weighted") or 0),
            aht_weighted=Decimal(row.get("aht_weighted") or 0),
            fcr_resolved=row.get("fcr_resolved") or 0,
            cost=Decimal(row.get("cost") or 0),
            qa_sampled=row.get("qa_sampled") or 0,
        )

    @classmethod
    def total(cls, items: Iterable[KpiTotals]) -> KpiTotals:
        """Pool several windows (e.g. days) into one."""
        pooled = cls()
        for item in items:
            pooled = pooled + item
        return pooled

    def __add__(self, other: KpiTotals) -> KpiTotals:
        return KpiTotals(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def pooled(self) -> dict[str, Decimal | None]:
        """DOMAIN.md §5: pooled over the window's days, never a mean of daily values.
        A KPI with a zero denominator has no value."""

        def ratio(numerator: Decimal | int, denominator: int, scale: int = 1) -> Decimal | None:
            return None if denominator == 0 else Decimal(numerator) * scale / Decimal(denominator)

        return {
            CSAT: ratio(self.csat_positive, self.csat_responses, 100),
            FRT: ratio(self.frt_weighted, self.tickets),
            AHT: ratio(self.aht_weighted, self.tickets),
            FCR: ratio(self.fcr_resolved, self.tickets, 100),
            COST: ratio(self.cost, self.tickets),
        }


def is_met(key: str, value: Decimal | None, target: Decimal) -> bool:
    """At full precision; no value is not met."""
    if value is None:
        return False
    return value >= target if HIGHER_IS_BETTER[key] else value <= target


def wilson_interval(
    successes: int, trials: int, z: Decimal = Z_95
) -> tuple[Decimal, Decimal] | None:
    """Wilson 95% score interval in percent. 85% on 50 responses → 72.64–92.36."""
    if trials <= 0:
        return None
    n = Decimal(trials)
    p = Decimal(successes) / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
    denominator = 1 + z2 / n
    return ((centre - spread) / denominator * 100, (centre + spread) / denominator * 100)


@dataclass(frozen=True)
class KpiResult:
    key: str
    value: Decimal | None
    target: Decimal
    met: bool
    interval: tuple[Decimal, Decimal] | None = None  # CSAT and FCR only

    @property
    def reliable(self) -> bool | None:
        """A met KPI whose interval still reaches past the target is 'met, not yet reliable'."""
        if self.interval is None or not self.met:
            return None
        low, high = self.interval
        return low >= self.target if HIGHER_IS_BETTER[self.key] else high <= self.target

    @property
    def gap(self) -> Decimal | None:
        """How far from target a missed KPI is, in the KPI's unit (positive = short)."""
        if self.met or self.value is None:
            return None
        return self.target - self.value if HIGHER_IS_BETTER[self.key] else self.value - self.target

    def as_dict(self) -> dict:
        data = {"value": s2(self.value), "target": s2(self.target), "met": self.met}
        if self.interval is not None:
            data["interval"] = [s2(self.interval[0]), s2(self.interval[1])]
            data["reliable"] = self.reliable
        return data


@dataclass(frozen=True)
class Evaluation:
    kpis: dict[str, KpiResult]
    met_count: int
    data_coverage_pct: Decimal
    verdict: str | None
    missed: list[dict] = field(default_factory=list)  # [{"kpi", "gap", "remedy"}] on a stop


def evaluate(
    *, totals: KpiTotals, targets: dict[str, Decimal], window_days: int, decision: bool
) -> Evaluation:
    """Judge a window. `decision` marks the decision checkpoint, the only one with a verdict."""
    pooled = totals.pooled()
    results = {}
    for key in KPI_KEYS:
        interval = None
        if key == CSAT:
            interval = wilson_interval(totals.csat_positive, totals.csat_responses)
        elif key == FCR:
            interval = wilson_interval(totals.fcr_resolved, totals.tickets)
        results[key] = KpiResult(
            key,
            pooled[key],
            Decimal(targets[key]),
            is_met(key, pooled[key], Decimal(targets[key])),
            interval,
        )
    met_count = sum(r.met for r in results.values())
    coverage = (
        Decimal(totals.days_with_entry) * 100 / Decimal(window_days) if window_days else Decimal(0)
    )
    verdict, missed = None, []
    if decision:
        if coverage < MIN_COVERAGE_PCT:
            verdict = INSUFFICIENT_DATA
        elif met_count >= MIN_MET_FOR_SCALE_UP:
            verdict = SCALE_UP
        else:
            verdict = STOP
            missed = [
                {"kpi": r.key, "gap": s2(r.gap), "remedy": REMEDY[r.key]}
                for r in results.values()
                if not r.met
            ]
    return Evaluation(results, met_count, coverage, verdict, missed)


# --- Checkpoints (DOMAIN.md §5; day N of a pilot: `Pilot.date_of_day(N)`) -------------------


def decision_checkpoint_day(length_days: int) -> int:
    return min(DECISION_DAY, length_days)


def checkpoint_days(length_days: int) -> list[int]:
    """30, 60 and 90 where they fit, plus the decision day of a pilot shorter than 60 days."""
    days = {d for d in CHECKPOINT_DAYS if d <= length_days}
    days.add(decision_checkpoint_day(length_days))
    return sorted(days)


def checkpoint_is_due(start_date: date, checkpoint_day: int, as_of: date) -> bool:
    """Checkpoint N is due once day N is over: as_of ≥ start_date + N."""
    # A difference of dates never overflows, a sum may (a start date near year 9999).
    return (as_of - start_date).days >= checkpoint_day


def due_checkpoints(start_date: date, length_days: int, as_of: date) -> list[int]:
    return [d for d in checkpoint_days(length_days) if checkpoint_is_due(start_date, d, as_of)]
