"""docs/domain.md §7: the Monday digest for a manager with two running pilots and a contract."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from contracts.alerts import contract_alerts_refresh
from contracts.models import ContractPeriod
from pilots.digest import weekly_digest_send
from pilots.models import Alert, AlertKind
from tests.contracts.factories import ContractFactory, ReviewActionFactory
from tests.factories import ManagerFactory, VendorFactory
from tests.pilots.conftest import CSAT_MISS, add_days
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 8)


@pytest.fixture
def cast():
    manager = ManagerFactory(email="max@example.com", full_name="Max Manager")
    dutch = ManagerFactory(email="mies@example.com", full_name="Mies Manager", language="nl")
    alpha = VendorFactory(name="Alpha Contact")
    beta = VendorFactory(name="Beta Support")
    # Day 36 of 90 on Monday 8 March: 35 days over, 30 entered (days 1–30), all good.
    first = PilotFactory(vendor=alpha, start_date=date(2027, 2, 1), status="running")
    add_days(first, range(1, 31))
    # Day 58 of 60: 57 days over, all entered, CSAT missed (80%) → 4 of 5; its day-60
    # decision checkpoint is due on Thursday 11 March (day 60 is over), within the 7 days.
    second = PilotFactory(
        vendor=beta, start_date=date(2027, 1, 10), length_days=60, status="running"
    )
    add_days(second, range(1, 58), **CSAT_MISS)
    Alert.objects.create(pilot=first, kind=AlertKind.MISSING_DAY, key="2027-03-07")
    contract = ContractFactory(vendor=alpha, start_date=date(2026, 12, 1), months=12)
    ContractPeriod.objects.create(
        contract=contract,
        month=date(2027, 2, 1),
        date_from=date(2027, 2, 1),
        date_to=date(2027, 2, 28),
        kpis={},
        met_count=3,
        data_coverage_pct=Decimal("96.43"),
        standing="watch",
        cost=Decimal("4200"),
        credit=Decimal("420"),
    )
    ReviewActionFactory(review__contract=contract, due_date=date(2027, 3, 1), text="Fix macros")
    contract_alerts_refresh(contract_ids=[contract.pk], as_of=MONDAY)
    return {"manager": manager, "dutch": dutch, "first": first, "second": second}


def test_the_digest_lists_pilots_checkpoints_alerts_and_contract_standings(cast):
    sent = weekly_digest_send(as_of=MONDAY)
    assert len(sent) == 2
    message = next(m for m in mail.outbox if m.to == ["max@example.com"])
    assert message.subject == "VendorPilot weekly digest, week of 8 Mar 2027"
    text = message.body
    assert text.startswith("Dear Max Manager,")
    assert (
        "Alpha Contact — E-mail: day 36 of 90, 5 of 5 core KPIs met so far, coverage 85.71%" in text
    )
    assert (
        "Beta Support — E-mail: day 58 of 60, 4 of 5 core KPIs met so far, coverage 100.00%" in text
    )
    assert "Beta Support — E-mail: day 60 checkpoint on 11 Mar 2027 (decision)" in text
    # The one alerts list: the pilot's missing day, and the contract's overdue action and
    # its missing days 1–7 March (February is closed; nothing entered since): 9.
    assert "9 open alerts" in text
    assert "Alpha Contact · E-mail: No KPI entry for 7 Mar 2027." in text
    assert "Contract: Alpha Contact · E-mail: No KPI entry for 1 Mar 2027." in text
    assert "Contracts: latest standing" in text
    assert "Alpha Contact — E-mail: Watch (February 2027)" in text
    assert (
        "Contract: Alpha Contact · E-mail: Review action overdue since 1 Mar 2027: Fix macros"
        in text
    )
    html = message.alternatives[0][0]
    assert "Watch" in html and "day 58 of 60" in html and "85.71%" in html
    dutch = next(m for m in mail.outbox if m.to == ["mies@example.com"])
    assert dutch.body.startswith("Beste Mies Manager,")


def test_the_digest_goes_once_per_week(cast):
    out = StringIO()
    with time_machine.travel("2027-03-08 09:00Z", tick=False):
        call_command("send_digest", "--date", "2027-03-08", stdout=out)
    assert "Weekly digest to max@example.com" in out.getvalue()
    # Later that week, or the same day again: nothing new.
    assert weekly_digest_send(as_of=date(2027, 3, 10)) == []
    assert len(mail.outbox) == 2
    assert len(weekly_digest_send(as_of=date(2027, 3, 15))) == 2
