"""The comparison as files: XLSX with live formulas (`costing.xlsx`) and CSV.

Every text cell that came from a user (vendor names, the RFQ's title) is escaped against
formula injection (`common.csvsafe`); money goes out as `Decimal` with two decimals.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext

from common.csvsafe import localized_csv
from costing.comparison import Comparison, QuoteColumn
from costing.engine import DEFAULT_SCENARIOS, q2
from costing.messages import SCENARIO_LABELS, scenario_label
from costing.xlsx import WorkbookOffer, build_comparison_workbook, sheet_names
from procurement.forms import WEIGHT_LABELS


def comparison_filename(comparison: Comparison, extension: str) -> str:
    # slugify keeps the header safe whatever the reference holds (quotes, newlines, …).
    reference = slugify(comparison.rfq.reference) or f"rfq-{comparison.rfq.pk}"
    return f"comparison-{reference}-{comparison.months}m.{extension}"


def comparison_xlsx(comparison: Comparison) -> bytes:
    """Inputs, results per quote, scenarios, hour by hour and the decision, with live
    formulas stored with their values. A quote that cannot be
    priced has no offer to put in a formula, so it is left out of the workbook."""
    offers = [
        WorkbookOffer(
            label=column.quote.vendor.name,
            offer=column.offer,
            risk=column.risk,
            rate_flags=column.rate_flag_texts,
            checklist_gaps=column.gap_labels,
            break_even_month=column.estimate.break_even_month,
            # Issue 24: the page's verdict, from the one function.
            excluded=column.verdict.excluded,
            exclusion_reason=column.verdict.explanation,
            best_value=column.verdict.best_value,
            score=None if column.verdict.score is None else q2(column.verdict.score),
        )
        for column in comparison.columns
        if column.offer is not None and column.priced
    ]
    rfq = comparison.rfq
    return build_comparison_workbook(
        title=f"{rfq.reference} — {rfq.title}",
        months=comparison.months,
        workload=comparison.workload,
        in_house=comparison.in_house_inputs,
        offers=offers,
        strategic=rfq.strategic,
        transition_months=rfq.transition_months,
        live_channels=[(c.label, c.workload) for c in comparison.live_channels],
        opens_at_hour=rfq.opens_at.hour,
        tables=[(sheet_names().best_value, best_value_table(comparison))],
    )


# --- best value (docs/domain.md §4): the same columns in the CSV and the XLSX sheet -------------


def _criteria_counted(comparison: Comparison) -> list[str]:
    has_test_cases = bool(comparison.rfq.test_cases.all())
    return [k for k in comparison.rfq.weights if k != "test_cases" or has_test_cases]


def best_value_headers(comparison: Comparison) -> list[str]:
    return [
        *(
            gettext("%(criterion)s score (weight %(weight)s)")
            % {"criterion": WEIGHT_LABELS[key], "weight": comparison.rfq.weights[key]}
            for key in _criteria_counted(comparison)
        ),
        gettext("Score"),
        gettext("Cost rank"),
        gettext("Score rank"),
        gettext("Best value"),
        gettext("Excluded: must-haves left open"),
        gettext("Service-level shortfalls"),
    ]


def best_value_cells(comparison: Comparison, column: QuoteColumn) -> list[object]:
    fit = column.fit
    criteria = _criteria_counted(comparison)
    if fit is None:
        return [None] * (len(criteria) + 3) + ["", "", ""]
    return [
        *(None if fit.scores.get(k) is None else q2(fit.scores[k]) for k in criteria),
        None if column.verdict.score is None else q2(column.verdict.score),
        fit.cost_rank,
        fit.score_rank,
        gettext("yes") if column.verdict.best_value else gettext("no"),
        "; ".join(column.verdict.missing_must_have_labels),
        "; ".join(column.sla_shortfall_labels),
    ]


def best_value_table(comparison: Comparison) -> list[list[object]]:
    """The XLSX sheet: one row per quote, in the comparison's order (cheapest first)."""
    return [
        [gettext("Vendor"), *best_value_headers(comparison)],
        *(
            [column.quote.vendor.name, *best_value_cells(comparison, column)]
            for column in comparison.columns
        ),
    ]


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else q2(value)


def _csv_rows(comparison: Comparison) -> Iterator[list[object]]:
    header = [
        gettext("Rank"),
        gettext("Vendor"),
        gettext("Quote"),
        gettext("Term (months)"),
        gettext("FTE / agents"),
        gettext("Monthly"),
        gettext("One-time"),
        gettext("TCO"),
        gettext("Cost per ticket"),
        gettext("Fixed"),
        gettext("Variable"),
        gettext("Savings"),
        gettext("Savings %"),
        gettext("ROI %"),
        gettext("Break-even month"),
        gettext("Risk"),
        gettext("Recommendation"),
        gettext("Checklist gaps"),
        gettext("Rate flags"),
        gettext("Error"),
        gettext("Transition"),
        *_scenario_headers(),
        *best_value_headers(comparison),
    ]
    yield header
    in_house = comparison.in_house
    # In-house staff are fixed costs: the whole TCO is fixed (as in the XLSX).
    yield [
        "",
        gettext("In-house"),
        "",
        comparison.months,
        _money(in_house.fte),
        _money(in_house.monthly),
        _money(in_house.one_time),
        _money(in_house.tco),
        _money(in_house.cost_per_ticket),
        _money(in_house.tco),
        Decimal("0.00"),
        *[""] * 10,
        # Issue 20: the in-house TCO each scenario is measured against.
        *(
            cell
            for name in SCENARIO_LABELS
            for cell in (_money(comparison.in_house_scenarios.get(name)), "")
        ),
        *[""] * len(best_value_headers(comparison)),
    ]
    # docs/domain.md §1: for a live channel both in-house options, the one compared above.
    if in_house.dedicated is not None and in_house.combined is not None:
        for label, option in (
            (gettext("In-house: dedicated desk"), in_house.dedicated),
            (gettext("In-house: combined with own work (no service level)"), in_house.combined),
        ):
            yield [
                "",
                label,
                "",
                comparison.months,
                _money(option.fte),
                _money(option.monthly),
                _money(option.one_time),
                _money(option.tco),
                *[""] * (len(header) - 8),
            ]
    for rank, column in enumerate(comparison.columns, start=1):
        est = column.estimate
        out = est.outsourced if est else None
        yield [
            rank if est else "",
            column.quote.vendor.name,
            column.quote.pk,
            comparison.months,
            out.agents if out else None,
            _money(out.monthly) if out else None,
            _money(out.one_time) if out else None,
            _money(out.tco) if out else None,
            _money(out.cost_per_ticket) if out else None,
            _money(out.fixed) if out else None,
            _money(out.variable) if out else None,
            _money(est.savings) if est else None,
            _money(est.savings_pct) if est else None,
            _money(est.roi_pct) if est else None,
            est.break_even_month if est else None,
            _money(column.risk),
            column.verdict.label,
            "; ".join(column.gap_labels),
            "; ".join(column.rate_flag_texts),
            column.error_text,
            _money(out.transition) if out else None,
            *_scenario_cells(column),
            *best_value_cells(comparison, column),
        ]


def _scenario_headers() -> list[str]:
    # docs/domain.md §2: each quote carries the three scenarios (TCO and savings).
    headers = []
    for name in SCENARIO_LABELS:
        # Issue 20: the label says what it assumes, "Pessimistic (volume ×1.2, AHT ×1.1)".
        label = scenario_label(name, DEFAULT_SCENARIOS.get(name))
        headers += [
            gettext("%(scenario)s TCO") % {"scenario": label},
            gettext("%(scenario)s savings") % {"scenario": label},
        ]
    return headers


def _scenario_cells(column: QuoteColumn) -> list[Decimal | None]:
    cells: list[Decimal | None] = []
    for name in SCENARIO_LABELS:
        outcome = (column.scenarios or {}).get(name)
        cells += [_money(outcome.tco), _money(outcome.savings)] if outcome else [None, None]
    return cells


def comparison_csv(comparison: Comparison) -> str:
    """In the user's language: `;` and a decimal comma in Dutch (`common.csvsafe`)."""
    return localized_csv(_csv_rows(comparison))
