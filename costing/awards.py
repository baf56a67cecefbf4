"""The comparison's verdict on a quote when procurement proposes to award it (issue 12).

Procurement's award service sits below costing and cannot build a comparison; this module
builds it and passes the verdict down as an `AwardAssessment` (best value? excluded?
which must-haves are open?) with a snapshot of the quote's row for the award memo.
"""

from __future__ import annotations

from typing import Any

from costing.comparison import Comparison, QuoteColumn, build_comparison
from costing.engine.numbers import s2
from costing.selectors import submitted_quotes_for_comparison
from procurement.models import Quote, Rfq
from procurement.services import AwardAssessment


def comparison_for_award(rfq: Rfq) -> Comparison:
    """The comparison over the RFQ's own term, as the award is judged on it."""
    return build_comparison(
        rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=rfq.term_months
    )


def _snapshot(comparison: Comparison, column: QuoteColumn) -> dict[str, Any]:
    est = column.estimate
    best = comparison.best_value_column
    fit = column.fit
    verdict = column.verdict
    return {
        "months": comparison.months,
        "vendor": column.quote.vendor.name,
        "tco": None if est is None else s2(est.outsourced.tco),
        "savings": None if est is None else s2(est.savings),
        "risk": s2(column.risk),
        "risks": [
            {"name": r.name, "probability_pct": s2(r.probability_pct), "impact": s2(r.impact)}
            for r in column.quote.risks.all()
        ],
        # Issue 24: the one verdict (costing.comparison.quote_verdict), as on the page.
        "recommendation": verdict.code,
        "recommendation_reasons": list(verdict.reasons),
        "excluded": verdict.excluded,
        "best_value": verdict.best_value,
        "gaps": list(column.gaps),
        "sla_shortfalls": list(fit.sla_shortfalls) if fit else [],
        "scores": {k: s2(v) for k, v in fit.scores.items() if v is not None} if fit else {},
        "score": verdict.score_text,
        "weights": dict(comparison.rfq.weights),
        "cost_rank": fit.cost_rank if fit else None,
        "score_rank": fit.score_rank if fit else None,
        "best_value_vendor": best.quote.vendor.name if best is not None else None,
    }


def award_assessment(comparison: Comparison, quote: Quote) -> AwardAssessment:
    """A quote missing from the comparison (it cannot be priced) is never the best value."""
    column = next((c for c in comparison.columns if c.quote.pk == quote.pk), None)
    if column is None:
        return AwardAssessment(is_best_value=False, is_excluded=False)
    verdict = column.verdict
    return AwardAssessment(
        is_best_value=verdict.best_value,
        is_excluded=verdict.excluded,
        missing_must_haves=verdict.missing_must_haves,
        snapshot=_snapshot(comparison, column),
    )


def assess_quote(rfq: Rfq, quote: Quote) -> AwardAssessment:
    """The verdict on one quote over the RFQ's term (the demo proposes through this)."""
    return award_assessment(comparison_for_award(rfq), quote)
