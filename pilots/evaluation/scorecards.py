"""What a scorecard is made of and what it shows: built from the database sums by the pure
`kpis.rules`, read back from its immutable snapshot as rows for the page, PDF and e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from kpis import rules as kpis
from kpis.definitions import tracked_keys
from kpis.presentation import (
    direction,
    format_gap,
    format_interval,
    format_kpi,
    kpi_label_marked,
    remedy_label,
)
from kpis.rules import KpiTotals, totals_snapshot
from pilots.models import Pilot, Scorecard

# --- What a scorecard shows --------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    key: str
    label: str
    value: Decimal | None
    target: Decimal
    higher_is_better: bool
    met: bool
    interval: tuple[Decimal, Decimal] | None
    reliable: bool | None
    must_meet: bool = False

    @property
    def direction(self) -> str:
        return direction(self.key)

    @property
    def value_display(self) -> str:
        return format_kpi(self.key, self.value)

    @property
    def target_display(self) -> str:
        return format_kpi(self.key, self.target)

    @property
    def interval_display(self) -> str:
        return format_interval(self.interval)

    @property
    def not_yet_reliable(self) -> bool:
        """docs/domain.md §5: met, but the 95% interval still reaches past the target."""
        return self.met and self.reliable is False


@dataclass(frozen=True)
class MissedRow:
    key: str
    label: str
    gap: Decimal | None
    remedy: str
    remedy_label: str
    must_meet: bool = False

    @property
    def gap_display(self) -> str:
        """A percentage KPI misses by percentage points, not by a percentage."""
        return format_gap(self.key, self.gap)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def scorecard_rows(scorecard: Scorecard) -> list[KpiRow]:
    """The stored KPI snapshot as rows: the five, then the tracked extras (the KPI table's
    order)."""
    rows = []
    for key in tracked_keys([*kpis.KPI_KEYS, *scorecard.kpis]):
        data = scorecard.kpis.get(key, {})
        interval = data.get("interval")
        rows.append(
            KpiRow(
                key=key,
                label=kpi_label_marked(key, must_meet=bool(data.get("must_meet"))),
                value=_dec(data.get("value")),
                target=_dec(data.get("target")) or Decimal(0),
                higher_is_better=kpis.HIGHER_IS_BETTER[key],
                met=bool(data.get("met")),
                interval=(_dec(interval[0]), _dec(interval[1])) if interval else None,
                reliable=data.get("reliable"),
                must_meet=bool(data.get("must_meet")),
            )
        )
    return rows


def scorecard_missed(scorecard: Scorecard) -> list[MissedRow]:
    """On a stop: each missed KPI with its gap and the usual remedy (docs/domain.md §5)."""
    return [
        MissedRow(
            key=item["kpi"],
            label=kpi_label_marked(item["kpi"], must_meet=bool(item.get("must_meet"))),
            gap=_dec(item.get("gap")),
            remedy=item["remedy"],
            remedy_label=remedy_label(item["remedy"]),
            must_meet=bool(item.get("must_meet")),
        )
        for item in (scorecard.details or {}).get("missed", [])
    ]


def scorecard_is_decision(scorecard: Scorecard) -> bool:
    return bool((scorecard.details or {}).get("decision"))


# --- Building a scorecard (pure, from the database sums) ----------------------------------------


def scorecard_build(*, pilot: Pilot, checkpoint_day: int, totals: KpiTotals) -> Scorecard:
    """An unsaved scorecard for days 1..checkpoint_day of the pilot."""
    decision = checkpoint_day == pilot.decision_day
    result = kpis.evaluate(
        totals=totals,
        targets=pilot.targets,
        window_days=checkpoint_day,
        decision=decision,
        must_meet=pilot.must_meet_kpis,
    )
    months = Decimal(checkpoint_day) / 30
    card = Scorecard(
        pilot=pilot,
        checkpoint_day=checkpoint_day,
        window_from=pilot.start_date,
        window_to=pilot.date_of_day(checkpoint_day),
        kpis={key: r.as_dict() for key, r in result.kpis.items()},
        met_count=result.met_count,
        data_coverage_pct=kpis.q2(result.data_coverage_pct),
        verdict=result.verdict,
        details={
            "decision": decision,
            "missed": result.missed,
            # The sums behind the pooled values, kept so the scorecard never needs the
            # entries again (it is a snapshot; later edits do not change it).
            "totals": totals_snapshot(totals),
            # Cost article: at least 50 sampled interactions a month for reliable QA.
            "qa_needed": int(
                (months * kpis.QA_SAMPLE_PER_MONTH).to_integral_value(rounding=ROUND_CEILING)
            ),
        },
    )
    # No full_clean per card (it cost the sweep more than the arithmetic): every value is
    # computed above within its field (percentages q2 ≤ 100, met_count ≤ 5, the verdict from
    # kpis), the database's column types and constraints guard the rest, and a batch the
    # database refuses is redone pilot by pilot (sweep._evaluate_one_by_one).
    return card
