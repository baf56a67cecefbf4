"""The quote comparison of one RFQ: every submitted quote priced against the in-house
baseline, with its checklist gaps, rate-band flags, risk and recommendation, ranked by
TCO (docs/domain.md §2–§4).

Pure over loaded objects (see `costing.selectors`): no query in here, so the page and
the endpoint run the same number of queries for one quote or for fifty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext

from common.formats import format_eur
from costing.adapters import in_house_for_rfq, offer_for_quote, rfq_channels, workload_for_rfq
from costing.engine import (
    CHECKLIST_KEYS,
    DEFAULT_SCENARIOS,
    EngineInputError,
    Estimate,
    InHouse,
    InHouseCost,
    LiveStaffing,
    QuoteScore,
    QuoteScoreInput,
    RateFlag,
    Recommendation,
    ScenarioOutcome,
    Scope,
    VendorOffer,
    estimate,
    in_house_cost,
    quote_scenarios,
    recommend,
    scenario_workload,
    score_quotes,
)
from costing.engine.numbers import s2
from costing.engine.tco import check_months
from costing.messages import (
    EXCLUDE,
    RATE_FLAG_TEXT,
    RATE_NAMES,
    REASON_LABELS,
    REASON_MUST_HAVE_OPEN,
    RECOMMENDATION_LABELS,
    engine_error_text,
    scenario_label,
)
from costing.staffing import ChannelStaffing, channel_staffing, combined_staffing
from procurement.checks import GAP_LABELS, quote_gaps, quote_rate_flags, quote_risk
from procurement.models import Channel, Quote, Region, Rfq
from procurement.quote_template import SLA_FIELD_BY_CHANNEL
from procurement.selectors import blind_review_pending

# --- best value (docs/domain.md §4): service-level fit, must-haves, weighted score ----------------


@dataclass(frozen=True)
class BestValueFit:
    """One quote's best-value row: the criteria 0–100, the weighted score, the channels
    whose offered response time misses the scope's, its exclusion and ranks."""

    scores: dict[str, Decimal | None]  # test_cases is None when the RFQ has none
    score: Decimal | None
    sla_shortfalls: tuple[str, ...]
    missing_must_haves: tuple[str, ...]
    excluded: bool
    best_value: bool
    cost_rank: int | None
    score_rank: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sla_shortfalls": list(self.sla_shortfalls),
            "excluded": self.excluded,
            "scores": {
                key: None if value is None else s2(value) for key, value in self.scores.items()
            },
            "score": None if self.score is None else s2(self.score),
            "best_value": self.best_value,
        }


@dataclass(frozen=True)
class Verdict:
    """Issue 24: THE verdict on one quote — recommendation (outsource / keep in-house /
    exclude) with its reasons, the exclusion and the must-haves behind it, best value and
    the score as shown. The page, the CSV, the XLSX, the award memo and e-mails (through
    the award snapshot) and the API all read it from `quote_verdict`."""

    code: str | None  # None: the quote cannot be priced
    reasons: tuple[str, ...]
    excluded: bool
    missing_must_haves: tuple[str, ...]
    best_value: bool
    score: Decimal | None

    @property
    def label(self) -> str:
        return "" if self.code is None else str(RECOMMENDATION_LABELS[self.code])

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS.get(r, r)) for r in self.reasons]

    @property
    def missing_must_have_labels(self) -> list[str]:
        return [str(GAP_LABELS.get(key, key)) for key in self.missing_must_haves]

    @property
    def explanation(self) -> str:
        """The reason in one line: the must-haves left open for an excluded quote."""
        if self.excluded and self.missing_must_haves:
            return gettext("A must-have is left open: %(keys)s.") % {
                "keys": ", ".join(self.missing_must_have_labels)
            }
        return " ".join(self.reason_labels)

    @property
    def score_text(self) -> str | None:
        return None if self.score is None else s2(self.score)


def quote_verdict(column: QuoteColumn) -> Verdict:
    """docs/domain.md §4 in one place: a quote that leaves a must-have open is excluded whatever
    its price; otherwise the three axes decide (`recommend`). Best value and the score as
    the comparison scored them (eligible references, compared as shown)."""
    fit = column.fit
    recommendation = column.recommendation
    excluded = fit is not None and fit.excluded
    if recommendation is None:
        code, reasons = None, ()
    elif excluded:
        code, reasons = EXCLUDE, (REASON_MUST_HAVE_OPEN,)
    else:
        code, reasons = recommendation.code, recommendation.reasons
    return Verdict(
        code=code,
        reasons=reasons,
        excluded=excluded,
        missing_must_haves=() if fit is None else fit.missing_must_haves,
        best_value=fit is not None and fit.best_value,
        score=None if fit is None else fit.score,
    )


@dataclass(frozen=True)
class QuoteColumn:
    """One quote in the comparison. `estimate` is None when the quote cannot be priced
    (its template leaves the rate of its pricing model open, …): `error` says why."""

    quote: Quote
    offer: VendorOffer | None
    estimate: Estimate | None
    gaps: tuple[str, ...]
    rate_flags: tuple[RateFlag, ...]
    risk: Decimal
    recommendation: Recommendation | None
    error: EngineInputError | None = None
    # docs/domain.md §2: each quote carries the three scenarios (TCO and savings).
    scenarios: dict[str, ScenarioOutcome] | None = None
    fit: BestValueFit | None = None  # best value (docs/domain.md §4), set by with_best_value

    @property
    def priced(self) -> bool:
        return self.estimate is not None

    @property
    def error_text(self) -> str:
        return "" if self.error is None else engine_error_text(self.error)

    # --- display (translated labels for the page and the CSV) -------------------------------

    @property
    def error_field_label(self) -> str:
        return "" if self.error is None else field_label(self.error.field)

    @property
    def gap_labels(self) -> list[str]:
        return [str(GAP_LABELS.get(gap, gap)) for gap in self.gaps]

    @property
    def rate_flag_texts(self) -> list[str]:
        return [rate_flag_text(flag) for flag in self.rate_flags]

    @property
    def verdict(self) -> Verdict:
        return quote_verdict(self)

    @property
    def recommendation_label(self) -> str:
        return self.verdict.label

    @property
    def reason_labels(self) -> list[str]:
        return self.verdict.reason_labels

    def as_dict(self) -> dict[str, Any]:
        est = self.estimate
        return {
            "quote_id": self.quote.pk,
            "vendor_id": self.quote.vendor_id,
            "outsourced": None if est is None else est.outsourced.as_dict(),
            "savings": None if est is None else s2(est.savings),
            "savings_pct": None if est is None else _s2_or_none(est.savings_pct),
            "roi_pct": None if est is None else _s2_or_none(est.roi_pct),
            "break_even_month": None if est is None else est.break_even_month,
            "gaps": list(self.gaps),
            "rate_flags": [flag.as_dict() for flag in self.rate_flags],
            "risk": s2(self.risk),
            "recommendation": self._recommendation_dict(),
            "error": None
            if self.error is None
            else {"field": self.error.field, "message": self.error_text},
            "scenarios": None
            if self.scenarios is None
            else {name: outcome.as_dict() for name, outcome in self.scenarios.items()},
            **self.best_value_dict(),
        }

    def _recommendation_dict(self) -> dict[str, Any] | None:
        if self.recommendation is None:
            return None
        verdict = self.verdict
        return self.recommendation.as_dict() | {
            "code": verdict.code,
            "reasons": list(verdict.reasons),
        }

    # --- best value (docs/domain.md §4) --------------------------------------------------------

    @property
    def excluded(self) -> bool:
        return self.verdict.excluded

    @property
    def best_value(self) -> bool:
        return self.verdict.best_value

    @property
    def sla_shortfall_labels(self) -> list[str]:
        return [] if self.fit is None else [channel_label(c) for c in self.fit.sla_shortfalls]

    @property
    def missing_must_have_labels(self) -> list[str]:
        return self.verdict.missing_must_have_labels

    def best_value_dict(self) -> dict[str, Any]:
        """docs/api.md: `sla_shortfalls`, `excluded`, `scores`, `score`, `best_value`."""
        if self.fit is None:  # a quote that cannot be priced is not scored
            return {
                "sla_shortfalls": [],
                "excluded": False,
                "scores": None,
                "score": None,
                "best_value": False,
            }
        verdict = self.verdict
        return self.fit.as_dict() | {
            "excluded": verdict.excluded,
            "best_value": verdict.best_value,
            "score": verdict.score_text,
        }

    def billed_hours(self, channel: ChannelStaffing) -> Decimal | None:
        """The hours this quote bills for a channel: seat hours (live) or workload hours
        (backlog) under an hourly rate; None when it bills per ticket or a flat fee."""
        if self.offer is None or self.offer.hourly_rate is None:
            return None
        if self.offer.pricing_model.value not in ("hourly", "mixed"):
            return None
        return channel.billable_hours_per_month


@dataclass(frozen=True)
class Comparison:
    rfq: Rfq
    months: int
    workload: Scope
    in_house_inputs: InHouse
    in_house: InHouseCost
    columns: tuple[QuoteColumn, ...]
    channels: tuple[ChannelStaffing, ...] = ()
    # docs/domain.md §2 scenarios: the in-house TCO each one is measured against (issue 20).
    in_house_scenarios: dict[str, Decimal] = field(default_factory=dict)

    @property
    def scenario_rows(self) -> list[tuple[str, str, Decimal | None]]:
        """(name, label saying what it assumes, in-house TCO) per scenario."""
        return [
            (name, scenario_label(name, factors), self.in_house_scenarios.get(name))
            for name, factors in DEFAULT_SCENARIOS.items()
        ]

    @property
    def test_cases_pending(self) -> bool:
        """The blind review is not complete: the `test_cases` criterion waits (issue 21)."""
        return bool(self.rfq.test_cases.all()) and blind_review_pending(self.rfq)

    @property
    def staffing(self) -> LiveStaffing | None:
        """The live desk's seats per open hour (None when the scope is all e-mail)."""
        return combined_staffing(self.workload)

    @property
    def live_channels(self) -> tuple[ChannelStaffing, ...]:
        return tuple(c for c in self.channels if c.is_live)

    @property
    def priced_columns(self) -> tuple[QuoteColumn, ...]:
        return tuple(column for column in self.columns if column.priced)

    @property
    def in_house_cumulative(self) -> tuple[Decimal, ...]:
        # docs/domain.md §2: in-house one-time costs fall in month 1. Same expression as the
        # engine's cumulative rows, so the last month equals the in-house TCO exactly.
        return tuple(
            month * self.in_house.monthly + self.in_house.one_time
            for month in range(1, self.months + 1)
        )

    @property
    def best_value_column(self) -> QuoteColumn | None:
        """docs/domain.md §4: the highest score among the quotes not excluded (ties: lower TCO)."""
        return next((c for c in self.columns if c.fit is not None and c.fit.best_value), None)

    def as_dict(self) -> dict[str, Any]:
        """docs/api.md: `{"months", "in_house", "quotes": [...]}`, cheapest TCO first."""
        staffing = self.staffing
        return {
            "months": self.months,
            "transition_months": self.rfq.transition_months,
            "staffing": None if staffing is None else staffing.as_dict(),
            "channels": [channel.as_dict() for channel in self.channels],
            "in_house": self.in_house.as_dict(),
            "scenarios": {
                name: {
                    "volume_factor": s2(factors.volume),
                    "aht_factor": s2(factors.aht),
                    "in_house_tco": s2(self.in_house_scenarios[name]),
                }
                for name, factors in DEFAULT_SCENARIOS.items()
                if name in self.in_house_scenarios
            },
            "quotes": [column.as_dict() for column in self.columns],
        }


def channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


def field_label(path: str) -> str:
    """`quote.hourly_rate` → the model field's name in the active language."""
    model, _dot, name = path.partition(".")
    model_class = {"quote": Quote, "rfq": Rfq}.get(model)
    if model_class is None:
        return path
    try:
        verbose_name = model_class._meta.get_field(name).verbose_name
    except (FieldDoesNotExist, AttributeError):
        return name.replace("_", " ")
    return str(capfirst(verbose_name))


def rate_flag_text(flag: RateFlag) -> str:
    """ "Hourly rate €9.00 below the market band (Nearshore €12.00–€25.00)"."""
    return gettext("%(rate)s %(value)s %(flag)s (%(region)s %(low)s–%(high)s)") % {
        "rate": RATE_NAMES[flag.rate],
        "value": format_eur(flag.value),
        "flag": RATE_FLAG_TEXT[flag.code],
        "region": Region(flag.region.value).label,
        "low": format_eur(flag.band_low),
        "high": format_eur(flag.band_high),
    }


def _s2_or_none(value: Decimal | None) -> str | None:
    return None if value is None else s2(value)


def estimate_for_quote(*, quote: Quote, rfq: Rfq, months: int) -> Estimate:
    """The estimate of one quote against its RFQ's scope and in-house baseline, with the
    RFQ's transition months of double running (docs/domain.md §2)."""
    return estimate(
        workload=workload_for_rfq(rfq),
        in_house=in_house_for_rfq(rfq),
        offer=offer_for_quote(quote, rfq),
        months=months,
        transition_months=rfq.transition_months,
    )


def quote_estimate_dict(*, quote: Quote, rfq: Rfq, months: int) -> dict[str, Any]:
    """docs/api.md's estimate response for a quote: `staffing` is the scope's live desk (its
    live channels' seats added up per open hour), `channels` the seat and workload hours
    of each channel."""
    scope = workload_for_rfq(rfq)
    result = estimate(
        workload=scope,
        in_house=in_house_for_rfq(rfq),
        offer=offer_for_quote(quote, rfq),
        months=months,
        transition_months=rfq.transition_months,
    )
    staffing = combined_staffing(scope)
    channels = channel_staffing(channels=_channel_labels(rfq), scope=scope)
    return result.as_dict() | {
        "staffing": None if staffing is None else staffing.as_dict(),
        "channels": [channel.as_dict() for channel in channels],
    }


def _channel_labels(rfq: Rfq) -> list[tuple[str, str]]:
    return [(c.channel, str(c.get_channel_display())) for c in rfq_channels(rfq)]


def _column(
    *, quote: Quote, rfq: Rfq, workload: Scope, in_house: InHouse, months: int
) -> QuoteColumn:
    gaps = tuple(quote_gaps(quote))
    try:
        flags = tuple(quote_rate_flags(quote))
    except EngineInputError:
        flags = ()  # a rate the engine rejects is reported below as the pricing error
    try:
        risk = quote_risk(quote)
    except EngineInputError as exc:
        return QuoteColumn(quote, None, None, gaps, flags, Decimal(0), None, exc)
    try:
        offer = offer_for_quote(quote, rfq)
        result = estimate(
            workload=workload,
            in_house=in_house,
            offer=offer,
            months=months,
            transition_months=rfq.transition_months,
        )
        outcomes = quote_scenarios(
            workload=workload,
            in_house=in_house,
            offer=offer,
            months=months,
            transition_months=rfq.transition_months,
        )
    except EngineInputError as exc:
        return QuoteColumn(quote, None, None, gaps, flags, risk, None, exc)
    # docs/domain.md §4: the three axes — savings, strategic value, risk.
    recommendation = recommend(savings=result.savings, risk=risk, strategic=rfq.strategic)
    return QuoteColumn(quote, offer, result, gaps, flags, risk, recommendation, None, outcomes)


def _rank(column: QuoteColumn) -> tuple[int, Decimal, str, int]:
    # Cheapest TCO first; quotes that cannot be priced come last, by vendor name.
    tco = column.estimate.outsourced.tco if column.estimate else Decimal(0)
    return (0 if column.priced else 1, tco, column.quote.vendor.name.lower(), column.quote.pk)


def build_comparison(*, rfq: Rfq, quotes: Iterable[Quote], months: int) -> Comparison:
    """Raises `EngineInputError` (field `months` or `rfq.…`) when the RFQ itself cannot be
    priced; a quote that cannot be priced stays in the comparison with its error."""
    months = check_months(months)
    workload = workload_for_rfq(rfq)
    in_house_inputs = in_house_for_rfq(rfq)
    baseline = in_house_cost(in_house=in_house_inputs, workload=workload, months=months)
    columns = sorted(
        (
            _column(
                quote=quote, rfq=rfq, workload=workload, in_house=in_house_inputs, months=months
            )
            for quote in quotes
        ),
        key=_rank,
    )
    in_house_scenarios = {
        name: in_house_cost(
            in_house=in_house_inputs,
            workload=scenario_workload(workload=workload, factors=factors),
            months=months,
        ).tco
        for name, factors in DEFAULT_SCENARIOS.items()
    }
    return Comparison(
        rfq=rfq,
        months=months,
        workload=workload,
        in_house_inputs=in_house_inputs,
        in_house=baseline,
        in_house_scenarios=in_house_scenarios,
        columns=with_best_value(rfq=rfq, columns=columns),
        channels=channel_staffing(channels=_channel_labels(rfq), scope=workload),
    )


# --- best value (docs/domain.md §4): the engine's scores on the comparison's columns -------------


def _score_input(rfq: Rfq, column: QuoteColumn) -> QuoteScoreInput:
    quote = column.quote
    gaps = set(column.gaps)
    return QuoteScoreInput(
        key=quote.pk,
        tco=column.estimate.outsourced.tco,
        savings=column.estimate.savings,
        risk=column.risk,
        offered_response_minutes={
            c.channel: getattr(quote, SLA_FIELD_BY_CHANNEL[c.channel]) for c in rfq.channels.all()
        },
        checklist_answered=len(CHECKLIST_KEYS) - len(gaps),
        checklist_total=len(CHECKLIST_KEYS),
        scale_up_days=quote.scale_up_days,
        # Unrated answers are left out (prefetched `test_case_answers`).
        test_case_ratings=tuple(
            a.rating for a in quote.test_case_answers.all() if a.rating is not None
        ),
        must_haves_open=tuple(key for key in rfq.must_haves if key in gaps),
    )


def _fit(score: QuoteScore) -> BestValueFit:
    return BestValueFit(
        scores=dict(score.criteria),
        score=score.score,
        sla_shortfalls=score.sla_shortfalls,
        missing_must_haves=score.must_haves_open,
        excluded=score.excluded,
        best_value=score.best_value,
        cost_rank=score.cost_rank,
        score_rank=score.score_rank,
    )


def with_best_value(*, rfq: Rfq, columns: Iterable[QuoteColumn]) -> tuple[QuoteColumn, ...]:
    """Score the priced quotes; an excluded quote's recommendation becomes `exclude`."""
    columns = tuple(columns)
    priced = [c for c in columns if c.priced]
    # Blind review (issue 21): while an answer is unrated the test-case ratings say which
    # vendor wrote which answer as each is rated, so the criterion counts only once the
    # review is complete (until then its weight is spread over the others, docs/domain.md §4).
    has_test_cases = bool(rfq.test_cases.all()) and not blind_review_pending(rfq)
    scores = score_quotes(
        quotes=[_score_input(rfq, c) for c in priced],
        required_response_minutes={c.channel: c.sla_response_minutes for c in rfq.channels.all()},
        weights=rfq.weights,
        has_test_cases=has_test_cases,
    )
    fits = {score.key: _fit(score) for score in scores}
    result = []
    for column in columns:
        fit = fits.get(column.quote.pk)
        # The verdict (exclusion first) is read from `quote_verdict`, never stored apart.
        result.append(column if fit is None else replace(column, fit=fit))
    return tuple(result)


def sort_columns(columns: Iterable[QuoteColumn], *, by: str) -> list[QuoteColumn]:
    """The page's order: `cost` (cheapest TCO first, as built) or `score` (best first;
    unpriced last)."""
    columns = list(columns)
    if by != "score":
        return columns
    return sorted(
        columns,
        key=lambda c: (c.fit is None, c.fit.score_rank if c.fit else 0),
    )
