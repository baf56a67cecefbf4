"""The pilot KPI rules of docs/domain.md §5, pure: no ORM. Selectors sum the daily entries in the
database and hand the sums here; pages, scorecards and alerts all judge KPIs with this module.

Compute at full precision, compare against a target at full precision, round only for output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .definitions import (
    ABANDON,
    AHT,
    CORE_COUNT,
    CORE_KEYS,
    COST,
    CSAT,
    FCR,
    FRT,
    KPIS,
    KPIS_BY_KEY,
    NPS,
    QA_MIN_SAMPLE,
    QA_SCORE,
    SERVICE_LEVEL,
    SUM_TERMS,
    tracked_keys,
)

# Re-exported: the KPI keys are the rules' vocabulary too (`kpis.rules.CSAT`).
__all__ = [
    "ABANDON",
    "AHT",
    "CORE_COUNT",
    "COST",
    "CSAT",
    "FCR",
    "FRT",
    "NPS",
    "QA_SCORE",
    "SERVICE_LEVEL",
]

# The five core KPIs (the seed's verdict counts these); every KPI: `kpis.definitions.KPIS`.
KPI_KEYS: tuple[str, ...] = CORE_KEYS
# Direction of each target: True when higher is better (≥), False when lower is better (≤).
HIGHER_IS_BETTER = {k.key: k.higher_is_better for k in KPIS}
# docs/domain.md §5: the usual remedy per missed KPI (codes; the Django layer translates them).
REMEDY = {k.key: k.remedy for k in KPIS}

CHECKPOINT_DAYS = (30, 60, 90)
DECISION_DAY = 60
MIN_COVERAGE_PCT = Decimal("80")
MIN_MET_FOR_SCALE_UP = 4  # of the CORE_COUNT five
QA_SAMPLE_PER_MONTH = QA_MIN_SAMPLE  # cost article: at least 50 interactions for reliable QA
Z_95 = Decimal("1.96")

SCALE_UP = "scale_up"
STOP = "stop"
INSUFFICIENT_DATA = "insufficient_data"

_CENT = Decimal("0.01")


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def s2(value: Decimal | None) -> str | None:
    """docs/api.md: decimals travel as strings with two decimals."""
    rounded = q2(value)
    return None if rounded is None else f"{rounded:.2f}"


_DECIMAL_SUMS = frozenset(name for name, term in SUM_TERMS.items() if term.is_decimal)
# (name, is a decimal sum) of every term, in the table's order: the jobs build tens of
# thousands of totals a run from database rows, so that path does no more than convert.
_TERMS: tuple[tuple[str, bool], ...] = tuple((name, name in _DECIMAL_SUMS) for name in SUM_TERMS)


class KpiTotals:
    """Sums over a window of daily entries (what `SUM()` in the database returns): one per
    term of the KPI table (`kpis.definitions.SUM_TERMS`) plus `days_with_entry`. Missing
    sums are 0. `KpiTotals(tickets=10, csat_responses=10, csat_positive=9)`."""

    __slots__ = ("_sums",)

    def __init__(self, days_with_entry: int = 0, **sums: Decimal | int) -> None:
        unknown = set(sums) - set(SUM_TERMS)
        if unknown:
            raise TypeError(f"KpiTotals: unknown sums {sorted(unknown)}")
        values: dict[str, Decimal | int] = {"days_with_entry": int(days_with_entry)}
        for name in SUM_TERMS:
            value = sums.get(name) or 0
            values[name] = Decimal(value) if name in _DECIMAL_SUMS else int(value)
        object.__setattr__(self, "_sums", values)

    def __getattr__(self, name: str) -> Decimal | int:
        if name == "_sums":  # not set yet (copy, unpickling): never recurse
            raise AttributeError(name)
        try:
            return self._sums[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("KpiTotals is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KpiTotals) and self._sums == other._sums

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._sums.items())))

    def __repr__(self) -> str:
        return f"KpiTotals({self._sums!r})"

    def __reduce__(self):
        return (_totals_from_sums, (dict(self._sums),))

    def as_dict(self) -> dict[str, Decimal | int]:
        return dict(self._sums)

    @classmethod
    def from_entry(cls, entry) -> KpiTotals:
        """One day's entry (any `KpiDay`) as a window of one day: what `kpi_sums()` would
        sum for it (a term whose fields the day leaves empty adds nothing)."""
        sums: dict[str, Decimal | int] = {}
        for name, term in SUM_TERMS.items():
            needed = (term.field, *term.when, *((term.weight,) if term.weight else ()))
            if any(getattr(entry, f, None) is None for f in needed):
                continue
            value = getattr(entry, term.field)
            sums[name] = value * getattr(entry, term.weight) if term.weight else value
        return cls(days_with_entry=1, **sums)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], prefix: str = "") -> KpiTotals:
        """From an aggregate row whose missing sums are None, keyed `prefix + name`."""
        values: dict[str, Decimal | int] = {
            "days_with_entry": int(row.get(prefix + "days_with_entry") or 0)
        }
        for name, is_decimal in _TERMS:
            value = row.get(prefix + name) or 0
            values[name] = Decimal(value) if is_decimal else int(value)
        return _totals_from_sums(values)

    @classmethod
    def total(cls, items: Iterable[KpiTotals]) -> KpiTotals:
        """Pool several windows (e.g. days) into one."""
        pooled = cls()
        for item in items:
            pooled = pooled + item
        return pooled

    def __add__(self, other: KpiTotals) -> KpiTotals:
        theirs = other._sums
        return _totals_from_sums({name: value + theirs[name] for name, value in self._sums.items()})

    def value(self, key: str) -> Decimal | None:
        """docs/domain.md §5: pooled over the window's days, never a mean of daily values:
        Σ numerator terms / Σ denominator × scale. A zero denominator has no value."""
        definition = KPIS_BY_KEY[key]
        denominator = self._sums[definition.denominator.name]
        if not denominator:
            return None
        numerator = sum(
            (Decimal(self._sums[t.name]) * t.sign for t in definition.numerator), Decimal(0)
        )
        return numerator * definition.scale / Decimal(denominator)

    def pooled(self, keys: Iterable[str] | None = None) -> dict[str, Decimal | None]:
        """Each KPI's pooled value (every KPI of the table unless `keys` says which)."""
        return {key: self.value(key) for key in (keys or KPIS_BY_KEY)}


def _totals_from_sums(sums: dict[str, Decimal | int]) -> KpiTotals:
    """Totals from a complete dict of sums of the right types (no checks: the sums of
    `from_row`, `__add__` and unpickling are made so)."""
    totals = object.__new__(KpiTotals)
    object.__setattr__(totals, "_sums", sums)
    return totals


def totals_snapshot(totals: KpiTotals) -> dict[str, int | str]:
    """The sums behind a scorecard's pooled values, as stored in its JSON (decimals as
    strings with two decimals): every term of the KPI table."""
    return {
        name: s2(value) if isinstance(value, Decimal) else value
        for name, value in totals.as_dict().items()
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
    interval: tuple[Decimal, Decimal] | None = None  # the KPIs the table marks `wilson`
    must_meet: bool = False
    # A KPI with a minimum sample (QA: 50 sampled interactions in the window): reached?
    sample_reached: bool | None = None

    @property
    def reliable(self) -> bool | None:
        """A met KPI whose interval still reaches past the target is 'met, not yet reliable';
        QA is not yet reliable below its sample (docs/domain.md §5). None: no rule applies, or
        the KPI is not met."""
        if not self.met:
            return None
        if self.sample_reached is not None:
            return self.sample_reached
        if self.interval is None:
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
        if self.interval is not None or self.sample_reached is not None:
            data["reliable"] = self.reliable
        if self.must_meet:
            data["must_meet"] = True
        return data


@dataclass(frozen=True)
class Evaluation:
    kpis: dict[str, KpiResult]  # the five, then the tracked extras (the table's order)
    met_count: int  # of the five core KPIs
    data_coverage_pct: Decimal
    verdict: str | None
    # On a stop: [{"kpi", "gap", "remedy", "must_meet"}] per missed KPI (a must-meet first).
    missed: list[dict] = field(default_factory=list)

    @property
    def missed_must_meet(self) -> list[str]:
        return [key for key, r in self.kpis.items() if r.must_meet and not r.met]

    @property
    def missed_core(self) -> int:
        return sum(1 for key in CORE_KEYS if not self.kpis[key].met)


def judge(
    key: str, totals: KpiTotals, target: Decimal | int | str, *, must_meet: bool = False
) -> KpiResult:
    """One KPI over a window, by its row of the KPI table."""
    definition = KPIS_BY_KEY[key]
    value = totals.value(key)
    target = Decimal(target)
    interval = sample_reached = None
    if definition.wilson:
        interval = wilson_interval(
            getattr(totals, definition.numerator[0].name),
            getattr(totals, definition.denominator.name),
        )
    if definition.min_sample is not None:
        sample, least = definition.min_sample
        sample_reached = getattr(totals, sample) >= least
    return KpiResult(
        key, value, target, is_met(key, value, target), interval, must_meet, sample_reached
    )


def evaluate(
    *,
    totals: KpiTotals,
    targets: dict[str, Decimal],
    window_days: int,
    decision: bool,
    must_meet: Iterable[str] = (),
) -> Evaluation:
    """Judge a window: the five core KPIs and every tracked extra (a key of `targets`).
    `decision` marks the decision checkpoint, the only one with a verdict: at least 4 of the
    5 core KPIs met, and no must-meet KPI missed (docs/domain.md §5)."""
    must = set(must_meet)
    results = {
        key: judge(key, totals, targets[key], must_meet=key in must)
        for key in tracked_keys([*CORE_KEYS, *targets])
    }
    met_count = sum(results[key].met for key in CORE_KEYS)
    coverage = (
        Decimal(totals.days_with_entry) * 100 / Decimal(window_days) if window_days else Decimal(0)
    )
    verdict, missed = None, []
    if decision:
        missed_must = any(r.must_meet and not r.met for r in results.values())
        if coverage < MIN_COVERAGE_PCT:
            verdict = INSUFFICIENT_DATA
        elif met_count >= MIN_MET_FOR_SCALE_UP and not missed_must:
            verdict = SCALE_UP
        else:
            verdict = STOP
            ordered = sorted(
                (r for r in results.values() if not r.met), key=lambda r: not r.must_meet
            )
            missed = [
                {"kpi": r.key, "gap": s2(r.gap), "remedy": REMEDY[r.key]}
                | ({"must_meet": True} if r.must_meet else {})
                for r in ordered
            ]
    return Evaluation(results, met_count, coverage, verdict, missed)


# --- Checkpoints (docs/domain.md §5; day N of a pilot: `Pilot.date_of_day(N)`) -------------------


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
