"""The checkpoint sweep (docs/domain.md §5, docs/api.md): due from stored dates, pooled KPIs summed in
the database, immutable scorecards made exactly once, catch-up, verdicts, failure isolation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilots.evaluation import sweep
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, KpiEntry, Pilot, PilotStatus, Scorecard
from tests.pilots.conftest import CSAT_MISS, FCR_MISS, add_days, day_after
from tests.pilots.factories import PilotFactory

START = date(2026, 1, 1)


def cards(pilot) -> dict[int, Scorecard]:
    return {c.checkpoint_day: c for c in Scorecard.objects.filter(pilot=pilot)}


@pytest.mark.django_db
def test_nothing_is_due_before_day_30_is_over(pilot_with_days):
    pilot = pilot_with_days(30, length_days=90)
    assert pilots_evaluate_due(as_of=START + timedelta(days=29)) == []  # day 30 not over
    made = pilots_evaluate_due(as_of=day_after(pilot, 30))
    assert [(c.pilot_id, c.checkpoint_day) for c in made] == [(pilot.pk, 30)]


@pytest.mark.django_db
def test_day_30_scorecard_covers_days_1_to_30_and_carries_no_verdict(pilot_with_days):
    pilot = pilot_with_days(30, length_days=90)
    # Day 31 is outside the window and must not count.
    add_days(pilot, [31], csat_positive=0)
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 31))
    assert card.checkpoint_day == 30
    assert (card.window_from, card.window_to) == (date(2026, 1, 1), date(2026, 1, 30))
    assert card.verdict is None
    assert card.kpis["csat_pct"] == {
        "value": "90.00",
        "target": "85.00",
        "met": True,
        "interval": ["86.08", "92.91"],  # Wilson 95% on 270 of 300 responses
        "reliable": True,
    }
    assert card.data_coverage_pct == Decimal("100.00")
    assert card.details["totals"]["tickets"] == 600


@pytest.mark.django_db
def test_kpis_are_pooled_in_the_database_not_a_mean_of_days(pilot_with_days):
    # docs/domain.md §5: day 1 at 9/10 and day 2 at 80/100 is 80.91%, not 85%.
    pilot = PilotFactory(start_date=START, length_days=30)
    add_days(pilot, [1], csat_responses=10, csat_positive=9)
    add_days(pilot, [2], csat_responses=100, csat_positive=80)
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 30))
    assert card.kpis["csat_pct"]["value"] == "80.91"
    assert card.kpis["csat_pct"]["met"] is False


@pytest.mark.parametrize(
    ("values", "met", "verdict", "missed"),
    [
        ({}, 5, "scale_up", []),
        (CSAT_MISS, 4, "scale_up", []),
        (
            {**CSAT_MISS, **FCR_MISS},
            3,
            "stop",
            [
                {"kpi": "csat_pct", "gap": "5.00", "remedy": "training_and_knowledge_base"},
                {"kpi": "fcr_pct", "gap": "10.00", "remedy": "training_and_knowledge_base"},
            ],
        ),
    ],
    ids=["5-of-5", "4-of-5", "3-of-5"],
)
@pytest.mark.django_db
def test_verdict_on_the_decision_checkpoint(pilot_with_days, values, met, verdict, missed):
    pilot = pilot_with_days(60, length_days=90, values=values)
    made = pilots_evaluate_due(as_of=day_after(pilot, 60))
    decision = {c.checkpoint_day: c for c in made}[60]
    assert decision.met_count == met
    assert decision.verdict == verdict
    assert decision.details["missed"] == missed


@pytest.mark.django_db
def test_below_80_percent_coverage_is_insufficient_data_and_80_is_judged(pilot_with_days):
    # 47 of 60 days = 78.33% (< 80%); 48 of 60 = 80.00%.
    thin = pilot_with_days(60, length_days=60, skip=range(48, 61))
    enough = pilot_with_days(60, length_days=60, skip=range(49, 61))
    pilots_evaluate_due(as_of=day_after(thin, 60))
    assert cards(thin)[60].data_coverage_pct == Decimal("78.33")
    assert cards(thin)[60].verdict == "insufficient_data"
    assert cards(thin)[60].met_count == 5  # the KPIs are fine; there are too few days
    assert cards(enough)[60].data_coverage_pct == Decimal("80.00")
    assert cards(enough)[60].verdict == "scale_up"


@pytest.mark.django_db
def test_79_percent_coverage_on_a_short_pilot_decides_insufficient(pilot_with_days):
    # A 43-day pilot decides on day 43: 34 days is 79.07%.
    pilot = pilot_with_days(34, length_days=43)
    pilots_evaluate_due(as_of=day_after(pilot, 43))
    decision = cards(pilot)[43]
    assert decision.data_coverage_pct == Decimal("79.07")
    assert decision.verdict == "insufficient_data"


@pytest.mark.django_db
def test_a_pilot_shorter_than_60_days_decides_on_its_last_day(pilot_with_days):
    pilot = pilot_with_days(45, length_days=45)
    assert pilots_evaluate_due(as_of=day_after(pilot, 44)) != []  # day 30 only
    assert set(cards(pilot)) == {30}
    made = pilots_evaluate_due(as_of=day_after(pilot, 45))
    assert [c.checkpoint_day for c in made] == [45]
    decision = cards(pilot)[45]
    assert decision.verdict == "scale_up"
    assert decision.window_to == date(2026, 2, 14)
    assert decision.details["decision"] is True
    assert cards(pilot)[30].verdict is None


@pytest.mark.django_db
def test_a_30_day_pilot_decides_on_day_30(pilot_with_days):
    pilot = pilot_with_days(30, length_days=30, values=CSAT_MISS | FCR_MISS)
    (card,) = pilots_evaluate_due(as_of=day_after(pilot, 30))
    assert (card.checkpoint_day, card.verdict) == (30, "stop")


@pytest.mark.django_db
def test_catch_up_makes_every_missed_checkpoint(pilot_with_days):
    pilot = pilot_with_days(90, length_days=90)
    # The sweep did not run for months: one run makes days 30, 60 and 90.
    made = pilots_evaluate_due(as_of=date(2026, 6, 1))
    assert sorted(c.checkpoint_day for c in made) == [30, 60, 90]
    assert cards(pilot)[60].verdict == "scale_up"
    assert cards(pilot)[90].verdict is None
    assert cards(pilot)[30].window_to == date(2026, 1, 30)
    assert cards(pilot)[90].window_to == date(2026, 3, 31)


@pytest.mark.django_db
def test_catch_up_after_missed_days_makes_only_what_is_missing(pilot_with_days):
    pilot = pilot_with_days(60, length_days=90)
    pilots_evaluate_due(as_of=day_after(pilot, 30))
    # No sweep ran between day 31 and day 65.
    made = pilots_evaluate_due(as_of=day_after(pilot, 65))
    assert [c.checkpoint_day for c in made] == [60]
    assert Scorecard.objects.filter(pilot=pilot).count() == 2


@pytest.mark.django_db
def test_a_second_run_makes_nothing_and_changes_nothing(pilot_with_days):
    pilot = pilot_with_days(60, length_days=90)
    as_of = day_after(pilot, 60)
    first = pilots_evaluate_due(as_of=as_of)
    assert len(first) == 2
    before = list(Scorecard.objects.values())
    # Later edits do not change a made scorecard: it is a snapshot.
    KpiEntry.objects.filter(pilot=pilot).update(csat_positive=0)
    assert pilots_evaluate_due(as_of=as_of) == []
    assert pilots_evaluate_due(as_of=as_of + timedelta(days=1)) == []
    assert list(Scorecard.objects.values()) == before
    assert (
        Alert.objects.filter(pilot=pilot, kind=AlertKind.CHECKPOINT_REACHED).count() == 2
    )  # one per checkpoint, not one per run


@pytest.mark.django_db
def test_planned_pilots_whose_start_has_come_are_running():
    due = PilotFactory(start_date=date(2026, 3, 1), status=PilotStatus.PLANNED)
    later = PilotFactory(start_date=date(2026, 3, 5), status=PilotStatus.PLANNED)
    pilots_evaluate_due(as_of=date(2026, 3, 1))
    assert Pilot.objects.get(pk=due.pk).status == PilotStatus.RUNNING
    assert Pilot.objects.get(pk=later.pk).status == PilotStatus.PLANNED


@pytest.mark.django_db
def test_stopped_and_closed_pilots_get_no_further_scorecards(pilot_with_days):
    stopped = pilot_with_days(90, length_days=90)
    closed = pilot_with_days(90, length_days=90)
    Pilot.objects.filter(pk=stopped.pk).update(status=PilotStatus.DECIDED, decision="stop")
    Pilot.objects.filter(pk=closed.pk).update(status=PilotStatus.CLOSED)
    assert pilots_evaluate_due(as_of=date(2026, 6, 1)) == []


@pytest.mark.django_db
def test_one_pilots_failure_does_not_stop_the_others_and_raises_an_alert(
    pilot_with_days, monkeypatch
):
    good = pilot_with_days(30, length_days=30)
    bad = pilot_with_days(30, length_days=30)
    also_good = pilot_with_days(30, length_days=30)
    real_build = sweep.scorecard_build

    def build(*, pilot, checkpoint_day, totals):
        if pilot.pk == bad.pk:
            raise ArithmeticError("corrupt KPI data")
        return real_build(pilot=pilot, checkpoint_day=checkpoint_day, totals=totals)

    monkeypatch.setattr(sweep, "scorecard_build", build)
    as_of = day_after(good, 30)
    result = sweep.sweep(as_of=as_of)
    assert {c.pilot_id for c in result.created} == {good.pk, also_good.pk}
    assert result.failed_pilot_ids == [bad.pk]
    alert = Alert.objects.get(pilot=bad, kind=AlertKind.EVALUATION_FAILED, closed_at=None)
    assert "corrupt KPI data" in alert.params["error"]

    # Retried on the next run: it succeeds and the alert closes.
    monkeypatch.setattr(sweep, "scorecard_build", real_build)
    made = pilots_evaluate_due(as_of=as_of + timedelta(days=1))
    assert [c.pilot_id for c in made] == [bad.pk]
    alert.refresh_from_db()
    assert alert.closed_at is not None


@pytest.mark.django_db
def test_a_database_error_in_a_batch_is_isolated_to_its_pilot(pilot_with_days, monkeypatch):
    pilots = [pilot_with_days(30, length_days=30) for _ in range(3)]
    bad = pilots[1]
    real = sweep._evaluate_pilots

    def evaluate(ids, *, as_of):
        if bad.pk in ids:
            from django.db import DatabaseError

            raise DatabaseError("simulated deadlock")
        return real(ids, as_of=as_of)

    monkeypatch.setattr(sweep, "_evaluate_pilots", evaluate)
    result = sweep.sweep(as_of=day_after(bad, 30))
    assert {c.pilot_id for c in result.created} == {pilots[0].pk, pilots[2].pk}
    assert result.failed_pilot_ids == [bad.pk]
    assert Alert.objects.filter(pilot=bad, kind=AlertKind.EVALUATION_FAILED).exists()


@pytest.mark.django_db
def test_the_per_pilot_retry_makes_the_missing_scorecard(pilot_with_days):
    pilot = pilot_with_days(30, length_days=30)
    made = sweep.pilot_evaluate(pilot_id=pilot.pk, as_of=day_after(pilot, 30))
    assert [c.checkpoint_day for c in made] == [30]
    assert sweep.pilot_evaluate(pilot_id=pilot.pk, as_of=day_after(pilot, 30)) == []


def _sweep_queries(as_of, batch_size) -> int:
    with CaptureQueriesContext(connection) as captured:
        pilots_evaluate_due(as_of=as_of, batch_size=batch_size)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_queries_per_batch_are_constant_whatever_the_batch_holds():
    """One query set per batch: 4 pilots or 24 pilots in a batch cost the same. The pilots
    mix 30-, 45-, 60- and 90-day lengths, start dates and catch-up of several checkpoints."""

    def make(count: int, offset: int) -> date:
        lengths = [30, 45, 60, 90]
        for i in range(count):
            pilot = PilotFactory(
                start_date=date(2026, 1, 1) + timedelta(days=offset + i),
                length_days=lengths[i % 4],
            )
            # Every day but one: a missing-day alert per pilot.
            add_days(pilot, [n for n in range(1, pilot.length_days + 1) if n != 7])
        return date(2026, 1, 1) + timedelta(days=offset + count + 95)

    small_as_of = make(4, 0)
    small = _sweep_queries(small_as_of, batch_size=500)
    Scorecard.objects.all().delete()
    Alert.objects.all().delete()
    Pilot.objects.all().update(status=PilotStatus.RUNNING)
    make(20, 0)
    large = _sweep_queries(small_as_of + timedelta(days=20), batch_size=500)
    assert large == small
    # Every extra batch costs the same again: 2 and 3 batches of the same 24 pilots.
    counts = {}
    for batch_size in (12, 8):
        Scorecard.objects.all().delete()
        Alert.objects.all().delete()
        counts[batch_size] = _sweep_queries(small_as_of + timedelta(days=20), batch_size)
    per_batch = counts[12] - large
    assert counts[8] - large == 2 * per_batch
    # scorecards ≤ 12 (4 KPI sums at most), alerts ≤ 8, and the webhook endpoints that want
    # the batch's events: one look-up per event kind (scorecards, checkpoint and other alerts).
    assert per_batch <= 23


@pytest.mark.django_db
def test_the_sweep_task_schedules_a_retry_for_a_failed_pilot_and_survives_a_broker_outage(
    pilot_with_days, monkeypatch, django_capture_on_commit_callbacks
):
    from pilots import tasks

    bad = pilot_with_days(30, length_days=30)
    real_build = sweep.scorecard_build
    monkeypatch.setattr(
        sweep,
        "scorecard_build",
        lambda **kw: (_ for _ in ()).throw(ValueError("bad data")),
    )
    scheduled = []

    def broker_down(args, countdown=None):
        scheduled.append((args, countdown))
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.evaluate_pilot, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.evaluate_due_pilots(as_of=day_after(bad, 30).isoformat()) == 0
    assert scheduled == [((bad.pk, "2026-01-31"), 300)]
    # The retry task itself: it makes the scorecard once the cause is fixed.
    monkeypatch.setattr(sweep, "scorecard_build", real_build)
    assert tasks.evaluate_pilot.apply(args=[bad.pk, "2026-01-31"]).get() == 1


# --- Set-based per batch (issue 22) -------------------------------------------------------------


@pytest.mark.django_db
def test_the_checkpoint_sums_are_one_query_and_equal_each_window_summed_alone():
    """The sweep's sums come from one query (days 1–30, 31–60, 61–90 per pilot, added up);
    each window equals its entries summed on their own, for every length of pilot."""
    from kpis.days import kpi_totals
    from pilots.evaluation.selectors import Window, kpi_totals_for_windows

    windows = []
    for i, length in enumerate([30, 45, 60, 75, 90]):
        pilot = PilotFactory(start_date=START + timedelta(days=i), length_days=length)
        # Varying days (one missing), and one entry past the pilot's last day: never summed.
        for n in [d for d in range(1, length + 1) if d != 7]:
            add_days(pilot, [n], csat_positive=n % 10, tickets=100 + n)
        add_days(pilot, [length + 1], tickets=999)
        windows += [Window(pilot.pk, day, length) for day in sweep.kpis.checkpoint_days(length)]
    with CaptureQueriesContext(connection) as captured:
        totals = kpi_totals_for_windows(windows)
    assert len(captured.captured_queries) == 1
    for window in windows:
        pilot = Pilot.objects.get(pk=window.pilot_id)
        alone = kpi_totals(
            KpiEntry.objects.filter(
                pilot=pilot,
                day__gte=pilot.start_date,
                day__lte=pilot.date_of_day(window.checkpoint_day),
            )
        )
        assert totals[(window.pilot_id, window.checkpoint_day)] == alone, window


def _due_pilots(count: int, start: date) -> date:
    """`count` 60-day pilots, each with a missing day and a KPI off target, due at day 60."""
    for i in range(count):
        pilot = PilotFactory(start_date=start, length_days=60)
        add_days(pilot, [n for n in range(1, 61) if n != 5 + i], **CSAT_MISS)
    return start + timedelta(days=60)


@pytest.mark.django_db
def test_one_pilot_due_or_five_the_sweep_takes_the_same_queries():
    """Scorecards, checkpoint alerts, the missing-day and KPI alerts: a constant number of
    queries per batch, whatever the batch holds (1 pilot or 5, two checkpoints each)."""
    one = _sweep_queries(_due_pilots(1, START), batch_size=500)
    assert Scorecard.objects.count() == 2
    Scorecard.objects.all().delete()
    Alert.objects.all().delete()
    KpiEntry.objects.all().delete()
    Pilot.objects.all().delete()
    five = _sweep_queries(_due_pilots(5, START), batch_size=500)
    assert Scorecard.objects.count() == 10
    assert Alert.objects.filter(kind=AlertKind.MISSING_DAY, closed_at=None).count() == 5
    assert Alert.objects.filter(kind=AlertKind.KPI_OFF_TARGET, closed_at=None).count() == 5
    assert five == one
