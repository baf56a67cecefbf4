"""Best value, not only the cheapest (docs/domain.md §4): every priced quote scored 0–100 on
cost, service, compliance, scalability, risk (and test cases once the RFQ has them),
weighed by the RFQ's weights; must-haves left open exclude a quote.

Codes only: the Django layer turns them into translated text."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from costing.engine.decision import RISK_SHARE_OF_SAVINGS
from costing.engine.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    EngineInputError,
    non_negative,
    precise,
    q2,
    s2,
    to_decimal,
    whole_number,
)

COST = "cost"
SERVICE = "service"
COMPLIANCE = "compliance"
SCALABILITY = "scalability"
RISK = "risk"
TEST_CASES = "test_cases"
CRITERIA: tuple[str, ...] = (COST, SERVICE, COMPLIANCE, SCALABILITY, RISK, TEST_CASES)

DEFAULT_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {COST: 40, SERVICE: 20, COMPLIANCE: 20, SCALABILITY: 10, RISK: 10, TEST_CASES: 0}
)


def check_weights(weights: Mapping[str, object]) -> dict[str, int]:
    """Whole numbers ≥ 0 per criterion summing to 100; a criterion left out weighs 0.
    Every error names `weights` (docs/api.md: 422 naming `weights`)."""
    if not isinstance(weights, Mapping):
        raise EngineInputError("weights", "must map each criterion to a whole number")
    unknown = sorted(str(key) for key in weights if key not in CRITERIA)
    if unknown:
        raise EngineInputError(
            "weights", f"unknown criteria: {', '.join(unknown)}; use {', '.join(CRITERIA)}"
        )
    checked = {}
    for criterion in CRITERIA:
        try:
            checked[criterion] = whole_number(weights.get(criterion, 0), "weights", minimum=0)
        except EngineInputError as exc:
            raise EngineInputError("weights", f"{criterion} {exc.message}") from None
    total = sum(checked.values())
    if total != 100:
        raise EngineInputError("weights", f"must add up to 100, not {total}")
    return checked


@dataclass(frozen=True, slots=True)
class QuoteScoreInput:
    """One priced quote as the score sees it.

    offered_response_minutes: channel → minutes (None or absent = left unanswered);
    scale_up_days: None = unanswered; test_case_ratings: the buyer's 1–5 ratings of the
    vendor's answers (unrated answers left out); must_haves_open: the RFQ's must-have
    checklist keys this quote leaves open."""

    key: Hashable
    tco: Decimal
    savings: Decimal
    risk: Decimal
    offered_response_minutes: Mapping[str, Decimal | None]
    checklist_answered: int
    checklist_total: int
    scale_up_days: Decimal | None = None
    test_case_ratings: tuple[int, ...] = ()
    must_haves_open: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "tco", non_negative(self.tco, "tco"))
        set_(self, "savings", to_decimal(self.savings, "savings"))
        set_(self, "risk", non_negative(self.risk, "risk"))
        set_(
            self,
            "offered_response_minutes",
            MappingProxyType(
                {
                    channel: None if minutes is None else non_negative(minutes, "sla_minutes")
                    for channel, minutes in self.offered_response_minutes.items()
                }
            ),
        )
        total = whole_number(self.checklist_total, "checklist_total", minimum=0)
        answered = whole_number(self.checklist_answered, "checklist_answered", minimum=0)
        if answered > total:
            raise EngineInputError("checklist_answered", "must not exceed the checklist's points")
        set_(self, "checklist_total", total)
        set_(self, "checklist_answered", answered)
        if self.scale_up_days is not None:
            set_(self, "scale_up_days", non_negative(self.scale_up_days, "scale_up_days"))
        ratings = tuple(self.test_case_ratings)
        for rating in ratings:
            if whole_number(rating, "test_case_ratings", minimum=1) > 5:
                raise EngineInputError("test_case_ratings", "each rating is 1–5")
        set_(self, "test_case_ratings", tuple(int(r) for r in ratings))
        set_(self, "must_haves_open", tuple(self.must_haves_open))


@dataclass(frozen=True, slots=True)
class QuoteScore:
    """Full precision inside; `as_dict()` rounds the scores to two decimals.

    criteria[TEST_CASES] is None when the RFQ has no test cases (it does not count)."""

    key: Hashable
    criteria: Mapping[str, Decimal | None]
    score: Decimal
    sla_shortfalls: tuple[str, ...]
    excluded: bool
    must_haves_open: tuple[str, ...]
    best_value: bool
    cost_rank: int
    score_rank: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": {
                name: None if value is None else s2(value) for name, value in self.criteria.items()
            },
            "score": s2(self.score),
            "sla_shortfalls": list(self.sla_shortfalls),
            "excluded": self.excluded,
            "best_value": self.best_value,
            "cost_rank": self.cost_rank,
            "score_rank": self.score_rank,
        }


def _ratio_score(best: Decimal, this: Decimal) -> Decimal:
    # 100 × best / this, capped at 100: an excluded quote may beat the eligible reference
    # (docs/domain.md §4: it is scored for display against the same reference, capped at 100).
    if this == 0:
        return HUNDRED
    return min(HUNDRED, HUNDRED * best / this)


def _service(
    offered: Mapping[str, Decimal | None], required: Mapping[str, Decimal | None]
) -> tuple[Decimal, tuple[str, ...]]:
    """Mean over the scope's channels of min(1, required / offered) × 100."""
    if not required:
        return HUNDRED, ()
    shares, shortfalls = [], []
    for channel, needed in required.items():
        given = offered.get(channel)
        if needed is None:
            shares.append(ONE)  # no requirement: nothing to fall short of
        elif given is None:
            shares.append(ZERO)  # unanswered
            shortfalls.append(channel)
        else:
            shares.append(ONE if given <= needed else needed / given)
            if given > needed:
                shortfalls.append(channel)
    return HUNDRED * sum(shares, ZERO) / len(shares), tuple(shortfalls)


def _risk(risk: Decimal, savings: Decimal) -> Decimal:
    # 0 at the keep-in-house limit (risk = 70% of savings), and without savings.
    if savings <= 0:
        return ZERO
    return HUNDRED * max(ZERO, ONE - risk / (RISK_SHARE_OF_SAVINGS * savings))


def _test_cases(ratings: Sequence[int]) -> Decimal:
    if not ratings:
        return ZERO  # no rating at all
    mean = Decimal(sum(ratings)) / len(ratings)
    return (mean - 1) / 4 * HUNDRED


def _ranks(values: Sequence[Decimal], *, descending: bool) -> list[int]:
    """Competition ranking: equal values share a rank (1, 2, 2, 4)."""
    return [
        1 + sum(1 for other in values if (other > value if descending else other < value))
        for value in values
    ]


@precise
def score_quotes(
    *,
    quotes: Sequence[QuoteScoreInput],
    required_response_minutes: Mapping[str, Decimal | int | str | None],
    weights: Mapping[str, object] = DEFAULT_WEIGHTS,
    has_test_cases: bool = False,
) -> list[QuoteScore]:
    """Scores in the order of `quotes` (docs/domain.md §4).

    required_response_minutes: the scope's channels in order → required minutes (None = no
    requirement). Without test cases on the RFQ the `test_cases` criterion does not count:
    it is None and its weight, if any, is left out (the other weights are scaled to 100).

    The references (lowest TCO, fastest scale-up) are taken among the ELIGIBLE quotes (no
    must-have open) only, so an excluded quote never moves another quote's score; an
    excluded quote is scored against the same references, capped at 100. `best_value` marks
    the highest score among the eligible quotes compared as shown (two decimals); ties go to
    the lower TCO, then to the earlier quote. Cost and score ranks cover every quote
    (1 = best), on the scores as shown."""
    checked = check_weights(weights)
    required = {
        channel: None if minutes is None else non_negative(minutes, "sla_minutes")
        for channel, minutes in required_response_minutes.items()
    }
    quotes = list(quotes)
    if not quotes:
        return []
    eligible = [q for q in quotes if not q.must_haves_open]
    # Without any eligible quote there is no best value; the scores shown then compare the
    # quotes among themselves.
    references = eligible or quotes
    lowest_tco = min(q.tco for q in references)
    answered_days = [q.scale_up_days for q in references if q.scale_up_days is not None]
    fastest_days = min(answered_days) if answered_days else None

    counted = [c for c in CRITERIA if c != TEST_CASES or has_test_cases]
    weight_total = sum(checked[c] for c in counted)

    criteria_per_quote: list[dict[str, Decimal | None]] = []
    shortfalls_per_quote: list[tuple[str, ...]] = []
    scores: list[Decimal] = []
    for quote in quotes:
        service, shortfalls = _service(quote.offered_response_minutes, required)
        criteria: dict[str, Decimal | None] = {
            COST: _ratio_score(lowest_tco, quote.tco),
            SERVICE: service,
            COMPLIANCE: (
                HUNDRED
                if quote.checklist_total == 0
                else HUNDRED * quote.checklist_answered / quote.checklist_total
            ),
            SCALABILITY: (
                ZERO
                if quote.scale_up_days is None or fastest_days is None
                else _ratio_score(fastest_days, quote.scale_up_days)
            ),
            RISK: _risk(quote.risk, quote.savings),
            TEST_CASES: _test_cases(quote.test_case_ratings) if has_test_cases else None,
        }
        # Every counted criterion applies, so its score is a Decimal (None only for test cases
        # on an RFQ without them, which are not counted).
        weighted = sum((checked[c] * Decimal(criteria[c] or ZERO) for c in counted), ZERO)
        scores.append(ZERO if weight_total == 0 else Decimal(weighted) / weight_total)
        criteria_per_quote.append(criteria)
        shortfalls_per_quote.append(shortfalls)

    # Compared as shown: two scores that read the same are a tie, broken by the lower TCO.
    shown = [q2(score) for score in scores]
    candidates = [i for i, q in enumerate(quotes) if not q.must_haves_open]
    best = min(candidates, key=lambda i: (-shown[i], quotes[i].tco, i)) if candidates else None
    cost_ranks = _ranks([q.tco for q in quotes], descending=False)
    score_ranks = _ranks(shown, descending=True)
    return [
        QuoteScore(
            key=quote.key,
            criteria=MappingProxyType(criteria_per_quote[i]),
            score=scores[i],
            sla_shortfalls=shortfalls_per_quote[i],
            excluded=bool(quote.must_haves_open),
            must_haves_open=quote.must_haves_open,
            best_value=i == best,
            cost_rank=cost_ranks[i],
            score_rank=score_ranks[i],
        )
        for i, quote in enumerate(quotes)
    ]
