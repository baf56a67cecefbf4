"""Issue 6: with the broker down, a vendor's KPI entry is still saved and the next sweep
evaluates it. The app meets a dead broker when it publishes a task (kombu raises
OperationalError from apply_async); that is where the outage is simulated here. The drill
in benchmarks/drills/ stops a real Redis for the same story."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.app.task import Task
from django.core import mail
from kombu.exceptions import OperationalError

from pilots.models import KpiEntry, Scorecard
from pilots.tasks import evaluate_due_pilots
from tests.pilots.factories import KpiEntryFactory, PilotFactory

START = date(2026, 1, 1)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY_30 = {
    "tickets": 20,
    "csat_responses": 10,
    "csat_positive": 9,
    "frt_minutes": "30",
    "aht_minutes": "9",
    "fcr_resolved": 16,
    "cost": "60.00",
}


@pytest.fixture
def published(monkeypatch):
    """Records what would reach the broker; `.down = True` makes every publish fail."""

    class Broker:
        down = False
        calls: list[tuple[str, tuple]] = []

    def apply_async(task, args=None, kwargs=None, **options):
        if Broker.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        Broker.calls.append((task.name, tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return Broker


@pytest.mark.django_db
def test_with_the_broker_down_an_entry_is_saved_and_the_next_sweep_evaluates_it(
    api_as, vendor_a, vendor_a_user, manager, published, django_capture_on_commit_callbacks
):
    pilot = PilotFactory(vendor=vendor_a, start_date=START, length_days=30)
    for offset in range(29):
        KpiEntryFactory(pilot=pilot, day=START + timedelta(days=offset), entered_by=vendor_a_user)

    published.down = True
    with (
        time_machine.travel(datetime(2026, 1, 30, 22, 0, tzinfo=AMSTERDAM)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/2026-01-30", DAY_30)
    assert response.status_code == 201
    assert KpiEntry.objects.filter(pilot=pilot).count() == 30

    # The day after: the sweep runs while the broker is still down. The scorecard is made
    # from the database; its e-mail cannot be enqueued, and nothing is lost.
    with (
        time_machine.travel(datetime(2026, 1, 31, 6, 0, tzinfo=AMSTERDAM)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert evaluate_due_pilots(as_of="2026-01-31") == 1
    card = Scorecard.objects.get(pilot=pilot, checkpoint_day=30)
    assert card.data_coverage_pct == 100
    assert card.verdict == "scale_up"
    assert card.emailed_at is None
    assert published.calls == []

    # The broker is back: the next sweep makes nothing new and offers the e-mail again (it
    # was never queued in the outbox).
    published.down = False
    with (
        time_machine.travel(datetime(2026, 2, 1, 6, 0, tzinfo=AMSTERDAM)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert evaluate_due_pilots(as_of="2026-02-01") == 0
    assert Scorecard.objects.filter(pilot=pilot).count() == 1
    assert ("pilots.send_scorecard_emails", ([card.pk],)) in published.calls
    assert mail.outbox == []  # sending is the worker's job once the task is delivered
