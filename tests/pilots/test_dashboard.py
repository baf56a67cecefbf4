"""The pilot dashboard: pooled KPIs against targets, reliability, trends, weeks, missing days,
the projected decision and the QA sample, in a constant number of queries."""

import math
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.models import PilotStatus, Scorecard
from tests.pilots.factories import KpiEntryFactory
from tests.pilots.kpi_entry_helpers import NOW, START, good_values, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):  # 10 March 2026: day 10 of a pilot from 1 March
        yield


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30, status=PilotStatus.RUNNING)


def add_day(pilot, n: int, by, **values):
    """Day n of the pilot (day 1 is the start date)."""
    day = pilot.start_date + timedelta(days=n - 1)
    return KpiEntryFactory(pilot=pilot, day=day, entered_by=by, **values)


def dashboard(client, pilot):
    response = client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert response.status_code == 200
    return response, response.context["dash"]


def kpi_row(html: str, key: str) -> str:
    match = re.search(rf'<tr data-kpi="{key}">(.*?)</tr>', html, re.S)
    assert match, key
    return match.group(1)


def line(dash, key):
    return next(item for item in dash.kpis if item.key == key)


def test_csat_is_pooled_over_days_not_averaged_on_the_page(
    vendor_a_client, manager_client, pilot, vendor_a_user
):
    """docs/domain.md §5: 9/10 and 80/100 give 80.91%, not 85%. Entered through the daily form."""
    for day, responses, positive in ((date(2026, 3, 1), 10, 9), (date(2026, 3, 2), 100, 80)):
        data = good_values(tickets=responses, csat_responses=responses, csat_positive=positive,
                           fcr_resolved=responses // 2, qa_sampled=0)  # fmt: skip
        response = vendor_a_client.post(
            reverse("pilots:kpi_entry", args=[pilot.pk]), {**data, "day": day.isoformat()}
        )
        assert response.status_code == 302
    response, dash = dashboard(manager_client, pilot)
    html = response.content.decode()
    assert "80.91%" in kpi_row(html, "csat_pct")
    assert "85.00%</td>" not in kpi_row(html, "csat_pct").split("≥")[0]
    assert line(dash, "csat_pct").result.met is False  # 80.91 < 85
    # FRT is weighted by tickets, not averaged: both days 35.50 min → 35.50.
    assert line(dash, "frt_minutes").result.value == Decimal("35.5")


def test_day_n_of_m_coverage_and_missing_days(manager_client, pilot, vendor_a_user):
    for n in (1, 2, 3, 5, 6, 7, 8, 9):  # day 4 is missing; today (day 10) is not over yet
        add_day(pilot, n, vendor_a_user)
    response, dash = dashboard(manager_client, pilot)
    html = response.content.decode()
    assert (dash.day, dash.days_over, dash.days_elapsed, dash.days_with_entry) == (10, 9, 9, 8)
    assert f"{dash.coverage_pct:.2f}" == "88.89"  # 8 of the 9 days that are over
    assert dash.missing_days == [(4, date(2026, 3, 4))]
    assert "Day 10 of 30" in html
    assert 'id="coverage">88.89%' in html
    assert "day 4 (" in html

    add_day(pilot, 10, vendor_a_user)  # today's entry counts as soon as it is in
    _response, dash = dashboard(manager_client, pilot)
    assert (dash.days_elapsed, dash.days_with_entry) == (10, 9)
    assert f"{dash.coverage_pct:.2f}" == "90.00"


def test_wilson_interval_and_met_not_yet_reliable(manager_client, pilot, vendor_a_user):
    # CSAT 45 of 50 = 90% ≥ 85%, but the 95% interval reaches below 85%.
    add_day(pilot, 1, vendor_a_user, tickets=60, csat_responses=50, csat_positive=45,
            fcr_resolved=50)  # fmt: skip
    response, dash = dashboard(manager_client, pilot)
    csat = line(dash, "csat_pct")
    p, n, z = 0.9, 50, 1.96
    centre, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = (centre - spread) / (1 + z * z / n) * 100, (centre + spread) / (1 + z * z / n) * 100
    assert f"{csat.result.interval[0]:.2f}" == f"{low:.2f}" == "78.64"
    assert f"{csat.result.interval[1]:.2f}" == f"{high:.2f}" == "95.65"
    assert csat.result.met and csat.not_yet_reliable
    row = kpi_row(response.content.decode(), "csat_pct")
    assert "met, not yet reliable" in row and "78.64% – 95.65%" in row
    # FCR 50 of 60 = 83.33% ≥ 70%: the interval stays above 70 → met and reliable.
    fcr = line(dash, "fcr_pct")
    assert fcr.result.met and not fcr.not_yet_reliable
    assert "not yet reliable" not in kpi_row(response.content.decode(), "fcr_pct")


def test_a_kpi_without_data_has_no_value_and_is_not_met(manager_client, pilot, vendor_a_user):
    add_day(pilot, 1, vendor_a_user, csat_responses=0, csat_positive=0)
    response, dash = dashboard(manager_client, pilot)
    assert line(dash, "csat_pct").result.value is None
    assert line(dash, "csat_pct").result.met is False
    assert "no data" in kpi_row(response.content.decode(), "csat_pct")


def test_each_kpi_has_a_trend_chart_with_its_target_line(manager_client, pilot, vendor_a_user):
    for n in range(1, 10):
        add_day(pilot, n, vendor_a_user)
    response, dash = dashboard(manager_client, pilot)
    html = response.content.decode()
    charts = re.findall(r'<div class="col-xl-6" data-chart="(\w+)"><svg', html)
    assert charts == ["csat_pct", "frt_minutes", "aht_minutes", "fcr_pct", "cost_per_ticket"]
    assert "target ≥ 85.00%" in html and "target ≤ 60.00 min" in html and "target ≤ €3.33" in html
    assert html.count(">7-day pooled</text>") == 5 and html.count(">Daily</text>") == 5
    assert [n for n, _ in dash.daily_values["csat_pct"]] == list(range(1, 10))


def test_the_7_day_value_is_pooled_over_the_last_seven_days(manager_client, pilot, vendor_a_user):
    add_day(pilot, 1, vendor_a_user, csat_responses=100, csat_positive=0)  # falls out on day 8
    for n in range(2, 9):
        add_day(pilot, n, vendor_a_user, csat_responses=10, csat_positive=9)
    _response, dash = dashboard(manager_client, pilot)
    rolling = dict(dash.rolling7_values["csat_pct"])
    assert rolling[8] == Decimal(90)  # days 2..8: 63 of 70
    assert f"{rolling[7]:.2f}" == f"{Decimal(54) / Decimal(160) * 100:.2f}"  # days 1..7 pooled
    assert line(dash, "csat_pct").last7_value == Decimal(90)


def test_the_weekly_table_pools_each_pilot_week(manager_client, pilot, vendor_a_user):
    add_day(pilot, 1, vendor_a_user, tickets=10, fcr_resolved=9)
    add_day(pilot, 2, vendor_a_user, tickets=100, fcr_resolved=50)
    add_day(pilot, 8, vendor_a_user, tickets=20, fcr_resolved=20)
    response, dash = dashboard(manager_client, pilot)
    week1, week2 = dash.weeks
    assert (week1.date_from, week1.date_to) == (date(2026, 3, 1), date(2026, 3, 7))
    assert (week1.entries, week1.days_elapsed) == (2, 7)
    assert f"{week1.values['fcr_pct']:.2f}" == "53.64"  # 59/110, not (90% + 50%) / 2
    assert week1.met["fcr_pct"] is False
    assert (week2.entries, week2.days_elapsed, week2.values["fcr_pct"]) == (1, 2, 100)
    assert "53.64%" in response.content.decode()


@pytest.mark.parametrize(
    ("entries", "good", "verdict", "text"),
    [
        (9, True, "scale_up", "Would scale up"),
        (9, False, "stop", "Would stop"),
        (6, True, "insufficient_data", "Insufficient data"),  # 6 of 9 days: 67% < 80%
    ],
)
def test_the_projected_decision(manager_client, pilot, vendor_a_user, entries, good, verdict, text):
    for n in range(1, entries + 1):
        if good:
            add_day(pilot, n, vendor_a_user)
        else:  # CSAT, FCR and FRT miss: 2 of 5 met
            add_day(pilot, n, vendor_a_user, csat_positive=5, fcr_resolved=5,
                    frt_minutes=Decimal("90"))  # fmt: skip
    response, dash = dashboard(manager_client, pilot)
    assert dash.projection.evaluation.verdict == verdict
    assert dash.projection.window_days == 9 and not dash.projection.complete
    html = response.content.decode()
    assert text in html
    met = dash.projection.evaluation.met_count
    assert f"{met} of 5 met over days 1–9" in html


def test_after_day_60_the_projection_is_the_decision_checkpoints_window(
    manager_client, vendor_a, vendor_a_user
):
    pilot = make_pilot(vendor_a, start=date(2026, 1, 1), length=90)  # 10 March = day 69
    for n in range(1, 69):
        if n != 61:
            add_day(pilot, n, vendor_a_user)
    _response, dash = dashboard(manager_client, pilot)
    assert dash.day == 69
    assert dash.projection.complete and dash.projection.window_days == 60
    assert f"{dash.projection.evaluation.data_coverage_pct:.2f}" == "100.00"
    assert f"{dash.coverage_pct:.2f}" == f"{Decimal(67) / Decimal(68) * 100:.2f}"


def test_this_months_qa_sample_against_50(manager_client, vendor_a, vendor_a_user):
    pilot = make_pilot(vendor_a, start=date(2026, 2, 20), length=30)
    for n in range(1, 18):  # 20 Feb .. 8 March
        add_day(pilot, n, vendor_a_user, qa_sampled=4)
    response, dash = dashboard(manager_client, pilot)
    assert dash.qa_month == date(2026, 3, 10)
    assert dash.qa_sampled == 8 * 4  # 1..8 March only
    assert dash.qa_short
    assert "32 of 50" in response.content.decode()


def test_a_planned_pilot_says_when_it_starts(manager_client, vendor_a):
    pilot = make_pilot(vendor_a, start=date(2026, 4, 1), length=30)
    response, dash = dashboard(manager_client, pilot)
    html = response.content.decode()
    assert dash.status == "planned" and dash.day == 0 and dash.projection is None
    assert "Starts on 1 Apr 2026" in html and "The pilot has not started yet." in html
    assert 'id="charts"' not in html


def test_the_scorecards_panel_lists_the_checkpoints_and_links_each_scorecard(manager_client, pilot):
    scorecard_url = reverse("pilots:scorecard_detail", args=[pilot.pk, 30])
    html = dashboard(manager_client, pilot)[0].content.decode()
    assert 'id="scorecards-panel"' in html
    assert 'data-checkpoint="30"' in html  # a 30-day pilot: one checkpoint, the decision
    assert scorecard_url not in html
    Scorecard.objects.create(
        pilot=pilot, checkpoint_day=30, window_from=START, window_to=START + timedelta(days=29),
        kpis={}, met_count=4, data_coverage_pct=Decimal("96.67"), verdict=None,
    )  # fmt: skip
    html = dashboard(manager_client, pilot)[0].content.decode()
    assert f'href="{scorecard_url}"' in html


def test_the_vendor_sees_the_entry_buttons_and_the_manager_does_not(
    vendor_a_client, manager_client, pilot, vendor_a_user
):
    add_day(pilot, 1, vendor_a_user)
    vendor_html = dashboard(vendor_a_client, pilot)[0].content.decode()
    manager_html = dashboard(manager_client, pilot)[0].content.decode()
    entry_url = reverse("pilots:kpi_entry", args=[pilot.pk])
    assert f'href="{entry_url}"' in vendor_html and f'href="{entry_url}"' not in manager_html
    assert f"{entry_url}?day=2026-03-02" in vendor_html  # a missing day links to its form


def test_the_dashboard_runs_a_constant_number_of_queries(
    manager_client, vendor_a, vendor_a_user, django_assert_max_num_queries
):
    small = make_pilot(vendor_a, start=date(2026, 3, 1), length=90)
    large = make_pilot(vendor_a, start=date(2025, 12, 11), length=90)  # 10 March = day 90
    for n in range(1, 4):
        add_day(small, n, vendor_a_user)
    for n in range(1, 91):
        add_day(large, n, vendor_a_user)
    counts = []
    for pilot in (small, large):
        cache.clear()  # both cold: the badge and the figures are cached after a first view
        with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as queries:
            dashboard(manager_client, pilot)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_dashboard_in_dutch_uses_dutch_words_numbers_and_dates(
    manager, manager_client, pilot, vendor_a_user
):
    manager.language = "nl"
    manager.save()
    add_day(pilot, 1, vendor_a_user, tickets=10, csat_responses=10, csat_positive=9,
            fcr_resolved=5, qa_sampled=0)  # fmt: skip
    add_day(pilot, 2, vendor_a_user, tickets=100, csat_responses=100, csat_positive=80,
            fcr_resolved=50, qa_sampled=0)  # fmt: skip
    html = dashboard(manager_client, pilot)[0].content.decode()
    assert "Dag 10 van 30" in html
    assert "80,91%" in kpi_row(html, "csat_pct")
    assert "€\u00a03,33" in kpi_row(html, "cost_per_ticket")
    assert "Ontbrekende dagen" in html and "gehaald" in html
    assert "1 mrt 2026" in html


# --- The cached figures and charts (issue 15) ----------------------------------------------


def _entry_reads(client, pilot) -> tuple[str, int]:
    """The page, and how many times it read the pilot's entries themselves."""
    with CaptureQueriesContext(connection) as queries:
        html = dashboard(client, pilot)[0].content.decode()
    reads = [q for q in queries if 'FROM "pilots_kpientry"' in q["sql"]]
    return html, len(reads)


def test_the_figures_are_computed_once_until_an_entry_changes(manager_client, pilot, vendor_a_user):
    add_day(pilot, 1, vendor_a_user, tickets=10, csat_responses=10, csat_positive=9, fcr_resolved=5)
    html, reads = _entry_reads(manager_client, pilot)
    assert reads == 1 and "90.00%" in kpi_row(html, "csat_pct")
    html, reads = _entry_reads(manager_client, pilot)
    assert reads == 0 and "90.00%" in kpi_row(html, "csat_pct")  # from the cache

    # A new entry, an edit within the same (frozen) second and a deletion each show at once.
    entry = add_day(
        pilot, 2, vendor_a_user, tickets=10, csat_responses=10, csat_positive=7, fcr_resolved=5
    )
    html, reads = _entry_reads(manager_client, pilot)
    assert reads == 1 and "80.00%" in kpi_row(html, "csat_pct")
    entry.csat_positive = 10
    entry.save()
    assert "95.00%" in kpi_row(_entry_reads(manager_client, pilot)[0], "csat_pct")
    entry.delete()
    assert "90.00%" in kpi_row(_entry_reads(manager_client, pilot)[0], "csat_pct")


def test_a_changed_target_or_language_is_not_served_from_the_cache(
    manager, manager_client, pilot, vendor_a_user
):
    add_day(pilot, 1, vendor_a_user, tickets=10, csat_responses=10, csat_positive=9, fcr_resolved=5)
    assert "90.00%" in kpi_row(dashboard(manager_client, pilot)[0].content.decode(), "csat_pct")
    pilot.target_csat_pct = Decimal("95")
    pilot.save()
    row = kpi_row(dashboard(manager_client, pilot)[0].content.decode(), "csat_pct")
    assert "95.00%" in row and "not met" in row
    manager.language = "nl"
    manager.save()
    assert "90,00%" in kpi_row(dashboard(manager_client, pilot)[0].content.decode(), "csat_pct")
