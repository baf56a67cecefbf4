"""`seed_scorecards` (run by `seed_pilots`): right after `make run` the demo pilot past day 60 has its scorecards
and the e-mail has gone out; running it twice changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from pilots.demo import seed_scorecards
from pilots.models import Scorecard
from tests.factories import ManagerFactory
from tests.pilots.conftest import add_days
from tests.pilots.factories import PilotFactory


@pytest.mark.django_db
def test_the_demo_pilot_past_day_60_has_its_scorecard_and_email(
    django_capture_on_commit_callbacks,
):
    ManagerFactory(email="manager@demo.example")
    pilot = PilotFactory(start_date=timezone.localdate() - timedelta(days=64), length_days=90)
    add_days(pilot, range(1, 65))
    with django_capture_on_commit_callbacks(execute=True):
        lines = seed_scorecards()
    assert set(Scorecard.objects.filter(pilot=pilot).values_list("checkpoint_day", flat=True)) == {
        30,
        60,
    }
    assert len(mail.outbox) == 2
    assert all(card.emailed_at for card in Scorecard.objects.filter(pilot=pilot))
    assert any(f"/pilots/{pilot.pk}/scorecards/60/" in line for line in lines)
    assert any("Scale up in phases" in line for line in lines)

    with django_capture_on_commit_callbacks(execute=True):
        again = seed_scorecards()
    assert Scorecard.objects.filter(pilot=pilot).count() == 2
    assert len(mail.outbox) == 2
    assert any(f"/pilots/{pilot.pk}/scorecards/60/" in line for line in again)
