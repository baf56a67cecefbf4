"""Two sweeps at the same time (two threads, each with its own PostgreSQL connection) make
each scorecard once and send each e-mail once."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from pilots.evaluation.emails import scorecard_emails_send_now
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, Scorecard
from tests.factories import ManagerFactory
from tests.pilots.conftest import add_days, day_after
from tests.pilots.factories import PilotFactory
from tests.support import require_postgresql


def _run_concurrently(work, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_make_each_scorecard_and_send_each_email_once(caplog):
    require_postgresql("row locks need PostgreSQL (SQLite runs one writer at a time)")
    ManagerFactory(email="manager@example.com")
    pilots = []
    for i in range(24):
        pilot = PilotFactory(length_days=[30, 45, 60, 90][i % 4])
        add_days(pilot, range(1, pilot.length_days + 1))
        pilots.append(pilot)
    as_of = day_after(pilots[0], 90)

    made = _run_concurrently(lambda: pilots_evaluate_due(as_of=as_of, batch_size=5))
    ids = [card.pk for result in made for card in result]
    expected = 6 * (1 + 2 + 2 + 3)  # 30 → {30}; 45 → {30, 45}; 60 → {30, 60}; 90 → {30, 60, 90}
    assert len(ids) == expected
    assert len(set(ids)) == expected  # no scorecard reported by both sweeps
    assert Scorecard.objects.count() == expected
    assert (
        Alert.objects.filter(kind=AlertKind.CHECKPOINT_REACHED).count() == expected
    )  # one checkpoint alert each
    # Neither sweep stumbled over the other: the second waited on the row locks instead of
    # hitting the unique constraint and redoing its batch pilot by pilot.
    assert not Alert.objects.filter(kind=AlertKind.EVALUATION_FAILED).exists()
    assert "retrying per pilot" not in caplog.text

    # Both queue and send every scorecard's e-mail at once: the outbox's unique cause and
    # leases let one message through per scorecard and recipient.
    all_ids = list(Scorecard.objects.values_list("pk", flat=True))
    sent = _run_concurrently(lambda: scorecard_emails_send_now(scorecard_ids=all_ids))
    assert sum(len(result) for result in sent) == expected
    assert len(mail.outbox) == expected
    assert Scorecard.objects.filter(emailed_at__isnull=True).count() == 0
    # Each message links its scorecard (a decision's also links the decision form on it).
    links = [re.search(r"\S+/scorecards/\d+/", m.body).group(0) for m in mail.outbox]
    assert len(links) == len(set(links)) == expected  # one message per scorecard


@pytest.mark.django_db(transaction=True)
def test_a_second_sweep_after_the_first_makes_nothing(pilot_with_days):
    pilot = pilot_with_days(60, length_days=60)
    first = pilots_evaluate_due(as_of=day_after(pilot, 60))
    second = pilots_evaluate_due(as_of=day_after(pilot, 60))
    assert len(first) == 2 and second == []
    assert Scorecard.objects.filter(pilot=pilot).count() == 2
