"""seed_demo's pilots: a pilot past day 60 with its daily KPIs and a younger chat pilot; twice
is the same as once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from kpis.rules import SCALE_UP
from pilots.demo import seed_pilots
from pilots.models import KpiEntry, Pilot
from pilots.selectors import pilot_dashboard
from procurement.demo import seed_cast
from tests.pilots.kpi_entry_helpers import NOW, make_awarded_quote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_demo_pilots_and_running_it_twice_adds_nothing():
    cast = seed_cast()
    lines = seed_pilots(cast, {"lines": []})
    email = Pilot.objects.get(channel="email")
    chat = Pilot.objects.get(channel="chat")
    assert email.vendor.name == "Lisbon Contact Partners" and email.length_days == 90
    assert email.start_date == date(2026, 3, 10) - timedelta(days=70)
    days = set(KpiEntry.objects.filter(pilot=email).values_list("day", flat=True))
    assert len(days) == 66  # days 1..69 without 17, 38 and 52
    missing = {email.start_date + timedelta(days=n - 1) for n in (17, 38, 52)}
    assert not days & missing
    assert KpiEntry.objects.filter(pilot=email, late=True).count() == 5
    assert (chat.vendor.name, chat.length_days, chat.entries.count()) == (
        "Manila Care Services",
        30,
        10,
    )
    # Two pilot lines, then the sweep's: the day-60 scorecard and the count made.
    assert len(lines) == 4 and "day 71 of 90" in lines[0] and "66 daily entries" in lines[0]

    again = seed_pilots(seed_cast(), {"lines": []})
    assert Pilot.objects.count() == 2 and KpiEntry.objects.count() == 76
    assert "(0 added)" in again[0] and "already there" in again[0]


def test_the_demo_reads_like_a_real_pilot_past_day_60(manager_client):
    seed_pilots(seed_cast(), {"lines": []})
    pilot = Pilot.objects.get(channel="email")
    dash = pilot_dashboard(pilot=pilot, as_of=date(2026, 3, 10))
    values = {line.key: line.result.value for line in dash.kpis}
    assert Decimal(84) < values["csat_pct"] < Decimal(92)
    assert Decimal(29) < values["frt_minutes"] < Decimal(41)
    assert Decimal("9") < values["aht_minutes"] < Decimal("10")
    assert Decimal(70) < values["fcr_pct"] < Decimal(78)
    assert values["cost_per_ticket"] < pilot.target_cost_per_ticket
    assert dash.projection.complete and dash.projection.evaluation.verdict == SCALE_UP
    assert [n for n, _day in dash.missing_days] == [17, 38, 52, 70]  # 70: yesterday, not yet in
    assert manager_client.get(reverse("pilots:pilot_detail", args=[pilot.pk])).status_code == 200


def test_the_demo_pilot_comes_from_the_awarded_quote_when_there_is_one(procurement_user):
    cast = seed_cast()
    vendor = cast["vendor:Utrecht Klantcontact"].vendor
    quote = make_awarded_quote(vendor, cast["procurement"])
    seed_pilots(cast, {"lines": [], "awarded_quote": quote})
    pilot = Pilot.objects.get(channel="email")
    assert (pilot.vendor, pilot.quote) == (vendor, quote)
    assert (pilot.target_aht_minutes, pilot.target_cost_per_ticket) == (
        Decimal("10.00"),
        Decimal("3.00"),  # €1,500 a month over 500 handled tickets (docs/domain.md §5)
    )
    assert pilot.entries.first().entered_by == cast["vendor:Utrecht Klantcontact"]
