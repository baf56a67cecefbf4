"""The weekly digest lists a running pilot's tracked extra KPIs beside the core count
(docs/domain.md §5, §7), in the text and HTML parts, in English and Dutch."""

from datetime import date

import pytest
from django.core import mail

from pilots.digest import weekly_digest_send
from tests.factories import ManagerFactory, VendorFactory
from tests.pilots.conftest import add_days
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 8)


@pytest.fixture
def pilot_with_extras():
    ManagerFactory(email="max@example.com", full_name="Max Manager")
    ManagerFactory(email="mies@example.com", full_name="Mies Manager", language="nl")
    # Day 36 of 90 on Monday 8 March: 35 days over, 30 entered (days 1–30), the five met.
    # Abandonment: 30 days × 20 abandoned of 330 offered = 600 / 9,900 = 6.0606…% → 6.06%,
    # missed against 5% (must meet). QA: tracked, no day gives it → no data yet.
    pilot = PilotFactory(
        vendor=VendorFactory(name="Alpha Contact"),
        channel="chat",
        start_date=date(2027, 2, 1),
        status="running",
        extra_targets={"abandon_pct": "5.00", "qa_score_pct": "85.00"},
        must_meet=["abandon_pct"],
    )
    add_days(pilot, range(1, 31), offered=330, abandoned=20)
    return pilot


def test_the_digest_shows_the_tracked_extras_in_english_and_dutch(pilot_with_extras):
    assert len(weekly_digest_send(as_of=MONDAY)) == 2
    english = next(m for m in mail.outbox if m.to == ["max@example.com"])
    assert (
        "Alpha Contact — Live chat: day 36 of 90, 5 of 5 core KPIs met so far; "
        "Abandonment 6.06% missed (must meet); QA score no data yet, coverage 85.71%"
    ) in english.body
    html = english.alternatives[0][0]
    assert (
        "5 of 5 core KPIs; Abandonment 6.06% missed (must meet); QA score no data yet</td>"
    ) in html

    dutch = next(m for m in mail.outbox if m.to == ["mies@example.com"])
    assert (
        "tot nu toe 5 van 5 kern-KPI's gehaald; Afbreekpercentage 6,06% gemist (verplicht); "
    ) in dutch.body
    dutch_html = dutch.alternatives[0][0]
    assert "5 van 5 kern-KPI's; Afbreekpercentage 6,06% gemist (verplicht); " in dutch_html


def test_a_pilot_without_extras_shows_the_core_count_only(pilot_with_extras):
    pilot_with_extras.extra_targets, pilot_with_extras.must_meet = {}, []
    pilot_with_extras.save()
    weekly_digest_send(as_of=MONDAY)
    english = next(m for m in mail.outbox if m.to == ["max@example.com"])
    assert "day 36 of 90, 5 of 5 core KPIs met so far, coverage 85.71%" in english.body
    assert "Abandonment" not in english.body
