"""One KPI arithmetic (issue 10): the dashboard, the scorecard and the SQL sums pool the same
entries into the same figures, KPI by KPI."""

from datetime import timedelta
from decimal import Decimal

import pytest

from kpis.days import kpi_totals
from kpis.rules import KPI_KEYS, KpiTotals, s2
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import KpiEntry, Scorecard
from pilots.selectors import pilot_dashboard
from tests.factories import VendorUserFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db
MISSING = {7, 19, 44}


def _varied_days(pilot, days: range) -> None:
    """Days that differ (volume, quality, cost), so that a mean of days would differ from the
    pooled value: only pooling gives the same figure everywhere."""
    author = VendorUserFactory(vendor=pilot.vendor)
    KpiEntry.objects.bulk_create(
        KpiEntry(
            pilot=pilot,
            day=pilot.date_of_day(n),
            entered_by=author,
            tickets=20 + (n * 7) % 31,
            csat_responses=8 + n % 5,
            csat_positive=6 + n % 3,
            frt_minutes=Decimal(25 + (n * 13) % 40) + Decimal("0.25"),
            aht_minutes=Decimal(7 + n % 6) + Decimal("0.50"),
            fcr_resolved=14 + n % 6,
            cost=Decimal(60 + (n * 11) % 50) + Decimal("0.33"),
            qa_sampled=n % 3,
        )
        for n in days
        if n not in MISSING
    )


def test_the_dashboard_for_days_1_to_60_equals_the_day_60_scorecard():
    pilot = PilotFactory(length_days=90)
    _varied_days(pilot, range(1, 66))  # days after 60 must not leak into either
    pilots_evaluate_due(as_of=pilot.date_of_day(61))
    card = Scorecard.objects.get(pilot=pilot, checkpoint_day=60)

    dash = pilot_dashboard(pilot=pilot, as_of=pilot.date_of_day(61))
    projection = dash.projection
    assert projection.complete and projection.window_days == 60
    for key in KPI_KEYS:
        judged = projection.evaluation.kpis[key]
        assert s2(judged.value) == card.kpis[key]["value"], key
        assert s2(judged.target) == card.kpis[key]["target"], key
        assert judged.met == card.kpis[key]["met"], key
    assert projection.evaluation.met_count == card.met_count
    assert projection.evaluation.verdict == card.verdict
    assert s2(projection.evaluation.data_coverage_pct) == s2(card.data_coverage_pct)
    assert card.details["totals"]["days_with_entry"] == 60 - len(MISSING)


def test_sql_sums_equal_the_sum_of_the_days_in_python():
    pilot = PilotFactory(length_days=90)
    _varied_days(pilot, range(1, 61))
    entries = KpiEntry.objects.filter(pilot=pilot)
    in_sql = kpi_totals(entries)
    in_python = KpiTotals.total(KpiTotals.from_entry(e) for e in entries)
    assert in_sql == in_python
    assert in_sql.days_with_entry == 60 - len(MISSING)
    last_week = kpi_totals(entries.filter(day__gt=pilot.date_of_day(60) - timedelta(days=7)))
    assert last_week.days_with_entry == 7
