"""The comparison as files: XLSX with live formulas (`costing.xlsx`) and CSV.

Every text cell that came from a user (vendor names, the RFQ's title) is escaped against
formula injection (`costing.exports`); money goes out as `Decimal` with two decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext

from common.csvsafe import safe_csv_row
from costing.comparison import Comparison, QuoteColumn
from costing.engine import q2
from costing.messages import RATE_FLAG_TEXT, RATE_NAMES, RECOMMENDATION_LABELS, SCENARIO_LABELS
from costing.xlsx import build_comparison_workbook
from procurement.checks import GAP_LABELS


def comparison_filename(comparison: Comparison, extension: str) -> str:
    # slugify keeps the header safe whatever the reference holds (quotes, newlines, …).
    reference = slugify(comparison.rfq.reference) or f"rfq-{comparison.rfq.pk}"
    return f"comparison-{reference}-{comparison.months}m.{extension}"


def comparison_xlsx(comparison: Comparison) -> bytes:
    """Inputs, results per quote and scenarios, with live formulas. A quote that cannot be
    priced has no offer to put in a formula, so it is left out of the workbook."""
    offers = [
        (column.quote.vendor.name, column.offer)
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
        transition_months=rfq.transition_months,
        live_channels=[(c.label, c.workload) for c in comparison.live_channels],
        opens_at_hour=rfq.opens_at.hour,
    )


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else q2(value)


def _csv_rows(comparison: Comparison) -> Iterator[list[object]]:
    yield [
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
    ]
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
        *[""] * (2 * len(SCENARIO_LABELS)),
    ]
    for rank, column in enumerate(comparison.columns, start=1):
        est = column.estimate
        out = est.outsourced if est else None
        flags = [
            f"{RATE_NAMES[f.rate]} {q2(f.value)} {RATE_FLAG_TEXT[f.code]} "
            f"({q2(f.band_low)}–{q2(f.band_high)})"
            for f in column.rate_flags
        ]
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
            str(RECOMMENDATION_LABELS[column.recommendation.code]) if column.recommendation else "",
            "; ".join(str(GAP_LABELS.get(gap, gap)) for gap in column.gaps),
            "; ".join(flags),
            column.error_text,
            _money(out.transition) if out else None,
            *_scenario_cells(column),
        ]


def _scenario_headers() -> list[str]:
    # DOMAIN.md §2: each quote carries the three scenarios (TCO and savings).
    headers = []
    for label in SCENARIO_LABELS.values():
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
    buffer = io.StringIO()
    # The byte-order mark makes Excel read the file as UTF-8 (€, accents in names).
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _csv_rows(comparison):
        writer.writerow(safe_csv_row(row))
    return buffer.getvalue()
