"""No job for a day that has not happened (docs/domain.md §5, docs/api.md "Commands", issue 20 item 6):
every command refuses a `--date`/`--at` after today (now) with an error naming the option,
every Celery job a future `as_of`/`at`, and nothing is made or sent."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from contracts.models import ContractAlert, ContractPeriod
from pilots.models import Alert, Scorecard
from tests.contracts.factories import ContractFactory
from tests.factories import ManagerFactory
from tests.pilots.conftest import add_days
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

# 06:00 in Amsterdam on Saturday 21 March 2026 (05:00 UTC): "today" is 21 March.
NOW = "2026-03-21 05:00Z"
TODAY = date(2026, 3, 21)


@pytest.fixture
def running_pilot():
    ManagerFactory()
    # Day 1 is 1 March 2026; days 1–19 entered, day 20 (yesterday) missing. Day 30 is 30 March, so on 21 March no
    # checkpoint is due; a month ahead (21 April) days 30 and 60 would look due.
    pilot = PilotFactory(start_date=date(2026, 3, 1), length_days=90, status="running")
    add_days(pilot, range(1, 20))
    return pilot


def test_evaluate_pilots_a_month_ahead_makes_nothing(running_pilot):
    ahead = TODAY + timedelta(days=31)
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError) as caught:
        call_command("evaluate_pilots", "--date", ahead.isoformat(), stdout=StringIO())
    assert str(caught.value).startswith("--date: 2026-04-21 is after today (2026-03-21)")
    assert Scorecard.objects.count() == 0
    assert Alert.objects.count() == 0
    assert mail.outbox == []


def test_evaluate_pilots_tomorrow_is_refused_and_today_runs(running_pilot):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(CommandError, match="--date"):
            call_command("evaluate_pilots", "--date", "2026-03-22", stdout=StringIO())
        out = StringIO()
        call_command("evaluate_pilots", "--date", "2026-03-21", stdout=out)
    assert "As of 2026-03-21: 0 scorecards made" in out.getvalue()


def test_evaluate_contracts_refuses_a_future_date():
    ContractFactory(start_date=date(2026, 1, 1), months=12)
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="^--date: "):
        call_command("evaluate_contracts", "--date", "2026-05-01", stdout=StringIO())
    assert ContractPeriod.objects.count() == 0
    assert ContractAlert.objects.count() == 0


def test_send_digest_refuses_a_future_date():
    ManagerFactory()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="^--date: "):
        call_command("send_digest", "--date", "2026-03-23", stdout=StringIO())
    assert mail.outbox == []


def test_send_reminders_refuses_a_future_moment(running_pilot):
    # 06:00 in Amsterdam is now; 06:01 has not happened yet.
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(CommandError, match="^--at: 2026-03-21T06:01"):
            call_command("send_reminders", "--at", "2026-03-21T06:01", stdout=StringIO())
        assert mail.outbox == []
        call_command("send_reminders", "--at", "2026-03-21T06:00", stdout=StringIO())
    # Now is fine: the vendor's user is reminded of yesterday (20 March).
    assert [m.to for m in mail.outbox] == [[running_pilot.vendor.users.get().email]]


@pytest.mark.parametrize(
    ("task_path", "kwargs", "name"),
    [
        ("pilots.tasks.evaluate_due_pilots", {"as_of": "2026-04-21"}, "as_of"),
        ("pilots.tasks.send_weekly_digest", {"as_of": "2026-03-23"}, "as_of"),
        ("contracts.tasks.close_due_months", {"as_of": "2026-04-01"}, "as_of"),
        ("pilots.tasks.send_missing_day_reminders", {"at": "2026-03-22T08:00"}, "at"),
        ("procurement.tasks.send_quote_reminders", {"at": "2026-03-22T08:00"}, "at"),
    ],
)
def test_the_celery_jobs_refuse_a_future_moment(running_pilot, task_path, kwargs, name):
    from importlib import import_module

    module, _, attr = task_path.rpartition(".")
    task = getattr(import_module(module), attr)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValueError, match=f"^{name}: "):
        task(**kwargs)
    assert Scorecard.objects.count() == 0
    assert Alert.objects.count() == 0
    assert mail.outbox == []
