"""The monthly job (docs/domain.md §6): months closed once each, catching up, with the pooled
KPIs, coverage, standing and service credit computed by hand; the scorecard e-mail once to
the managers and to the vendor (each in their language; the vendor's without internal
notes); the `evaluate_contracts` command."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from contracts.closing import contracts_close_due_months
from contracts.models import (
    ContractAlert,
    ContractAlertKind,
    ContractKpiEntry,
    ContractPeriod,
    ContractStatus,
)
from contracts.tasks import send_period_email
from tests.contracts.factories import ContractFactory, ReviewActionFactory
from tests.factories import ManagerFactory, VendorUserFactory

pytestmark = pytest.mark.django_db

GOOD_DAY = {
    "tickets": 20,
    "csat_responses": 10,
    "csat_positive": 9,
    "frt_minutes": Decimal("30"),
    "aht_minutes": Decimal("9"),
    "fcr_resolved": 16,
    "cost": Decimal("60.00"),
}


def add_days(contract, days, **values) -> None:
    author = VendorUserFactory(vendor=contract.vendor)
    ContractKpiEntry.objects.bulk_create(
        [
            ContractKpiEntry(
                contract=contract, day=day, entered_by=author, **{**GOOD_DAY, **values}
            )
            for day in days
        ]
    )


def dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_month_is_closed_with_pooled_kpis_coverage_standing_and_credit_by_hand():
    # From 17 January: January has 15 contract days. 13 entered (17–29 Jan) → 86.67%.
    # Days 17–20 at CSAT 9/10, days 21–29 at 7/10: pooled CSAT = (4×9 + 9×7)/130 = 76.15%
    # (< 85, missed; a mean of daily values would also say 76.15 here, but FRT differs):
    # FRT: 4 days × 20 tickets at 30 min, 9 days × 20 tickets at 70 min → pooled
    # (4×20×30 + 9×20×70)/(13×20) = 57.69 min ≤ 60 → met (per-day values 30 and 70).
    # AHT 9 ≤ 10 met; FCR 16/20 = 80% ≥ 70 met; cost € 60 / 20 = € 3.00 ≤ 3.33 met.
    # 4 of 5 met, coverage ≥ 80% → good; 1 missed × 5% of the € 3,100.00 monthly charge
    # for 15 of January's 31 days = 5% × € 1,500.00 = € 75.00 (never of the € 780 reported).
    contract = ContractFactory(start_date=date(2027, 1, 17), months=12)
    add_days(contract, dates(date(2027, 1, 17), date(2027, 1, 20)))
    add_days(
        contract,
        dates(date(2027, 1, 21), date(2027, 1, 29)),
        csat_positive=7,
        frt_minutes=Decimal("70"),
    )

    assert contracts_close_due_months(as_of=date(2027, 1, 31)).created == []  # not over yet
    (january,) = contracts_close_due_months(as_of=date(2027, 2, 1)).created
    assert (january.month, january.date_from, january.date_to) == (
        date(2027, 1, 1),
        date(2027, 1, 17),
        date(2027, 1, 31),
    )
    assert january.kpis["csat_pct"] == {
        "value": "76.15",
        "target": "85.00",
        "met": False,
        "interval": january.kpis["csat_pct"]["interval"],
        "reliable": None,
    }
    assert january.kpis["frt_minutes"]["value"] == "57.69"
    assert january.kpis["frt_minutes"]["met"] is True
    assert january.kpis["cost_per_ticket"]["value"] == "3.00"
    assert january.met_count == 4
    assert january.data_coverage_pct == Decimal("86.67")
    assert january.standing == "good"
    assert january.cost == Decimal("780.00")
    assert january.credit == Decimal("75.00")


def test_a_month_without_data_is_poor_and_credited_at_the_cap():
    # Nothing reported: 5 missed × 5% = 25%, capped at 15% of the € 3,100.00 charge for all
    # of February = € 465.00 — a vendor that stops reporting does not escape credits.
    contract = ContractFactory(start_date=date(2027, 2, 1), months=3)
    (february,) = contracts_close_due_months(as_of=date(2027, 3, 1)).created
    assert february.met_count == 0
    assert february.data_coverage_pct == 0
    assert february.standing == "poor"
    assert february.cost == 0
    assert february.credit == Decimal("465.00")
    assert february.date_to == date(2027, 2, 28)
    assert contract.periods.count() == 1


def test_the_credit_stops_at_the_cap():
    # Every day misses CSAT (8/20 = 40%), FCR (4/20 = 20%) and AHT (12 > 10): 3 missed ×
    # 5% = 15%, capped at 8% of the € 3,100.00 charge (all of February) → € 248.00, whatever
    # the € 1,680.00 the vendor reported. 2 of 5 met: poor.
    contract = ContractFactory(
        start_date=date(2027, 2, 1),
        months=3,
        credit_pct_per_missed_kpi=Decimal("5"),
        credit_cap_pct=Decimal("8"),
    )
    add_days(
        contract,
        dates(date(2027, 2, 1), date(2027, 2, 28)),
        csat_positive=4,
        fcr_resolved=4,
        aht_minutes=Decimal("12"),
    )
    (february,) = contracts_close_due_months(as_of=date(2027, 3, 1)).created
    assert february.met_count == 2
    assert february.standing == "poor"
    assert february.cost == Decimal("1680.00")
    assert february.credit == Decimal("248.00")


def test_it_catches_up_every_missed_month_once_and_ends_the_contract():
    contract = ContractFactory(start_date=date(2027, 1, 17), months=2)  # to 16 March
    made = contracts_close_due_months(as_of=date(2027, 6, 1)).created
    assert [(p.month.month, p.date_from.day, p.date_to.day) for p in made] == [
        (1, 17, 31),
        (2, 1, 28),
        (3, 1, 16),  # the last month, cut by the end date
    ]
    assert contracts_close_due_months(as_of=date(2027, 6, 1)).created == []
    assert contracts_close_due_months(as_of=date(2027, 7, 1)).created == []
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    # Three months without data: poor, poor, poor → one exit-review alert.
    (alert,) = ContractAlert.objects.filter(contract=contract)
    assert alert.kind == ContractAlertKind.EXIT_REVIEW


def test_a_contract_from_28_january_closes_28_january_to_28_february_as_one_period():
    # 4 January days (28–31) join February: 32 days, due on 1 March, named "2027-02".
    # 24 days entered (28 January – 20 February) → 24 / 32 = 75% coverage: poor.
    # Every KPI met on the days entered, but poor by coverage: 0 missed → no credit.
    contract = ContractFactory(start_date=date(2027, 1, 28), months=12)
    add_days(contract, dates(date(2027, 1, 28), date(2027, 2, 20)))
    assert contracts_close_due_months(as_of=date(2027, 2, 1)).created == []  # no 4-day month
    assert contracts_close_due_months(as_of=date(2027, 2, 28)).created == []
    (first,) = contracts_close_due_months(as_of=date(2027, 3, 1)).created
    assert (first.month, first.date_from, first.date_to) == (
        date(2027, 2, 1),
        date(2027, 1, 28),
        date(2027, 2, 28),
    )
    assert first.details["days"] == 32
    assert first.details["totals"]["days_with_entry"] == 24  # January's 4 days pooled in
    assert first.data_coverage_pct == Decimal("75.00")
    assert first.met_count == 5
    assert first.standing == "poor"
    assert first.credit == 0


def test_a_one_day_first_month_does_not_count_toward_three_poor_months():
    # From 31 January 2027, nothing reported. Counting 31 January as a month would make
    # January, February and March three poor months on 1 April; it joins February instead.
    contract = ContractFactory(start_date=date(2027, 1, 31), months=12)
    made = contracts_close_due_months(as_of=date(2027, 4, 1)).created
    assert [(p.date_from, p.date_to) for p in made] == [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 3, 31)),
    ]
    assert not ContractAlert.objects.filter(contract=contract).exists()
    # The joined period is credited pro rata: the 15% cap × € 3,100 × (1/31 + 28/28)
    # = € 465.00 + € 15.00 = € 480.00.
    assert made[0].credit == Decimal("480.00")
    contracts_close_due_months(as_of=date(2027, 5, 1))
    (alert,) = ContractAlert.objects.filter(contract=contract)
    assert alert.kind == ContractAlertKind.EXIT_REVIEW
    assert alert.params["from"] == "2027-02"


def test_a_terminated_contract_gets_no_further_months():
    contract = ContractFactory(start_date=date(2027, 1, 1), status=ContractStatus.TERMINATED)
    assert contracts_close_due_months(as_of=date(2027, 6, 1)).created == []
    assert not contract.periods.exists()


def _contracts_with_a_month(n: int, start: date) -> None:
    for _ in range(n):
        contract = ContractFactory(start_date=start, months=12)
        add_days(contract, dates(start, start + timedelta(days=30)))
        ReviewActionFactory(review__contract=contract, due_date=start + timedelta(days=20))


def test_a_batch_takes_a_constant_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _contracts_with_a_month(2, date(2027, 1, 1))
    with CaptureQueriesContext(connection) as small:
        assert len(contracts_close_due_months(as_of=date(2027, 3, 1)).created) == 4
    _contracts_with_a_month(8, date(2027, 5, 1))
    with CaptureQueriesContext(connection) as large:
        # 2 × March–June and 8 × May–June.
        assert len(contracts_close_due_months(as_of=date(2027, 7, 1)).created) == 24
    # One batch each (2 and 10 contracts, 4 and 24 months): the same number of queries
    # whatever the batch's size.
    assert len(large.captured_queries) == len(small.captured_queries)


def test_one_contract_due_or_five_closing_takes_the_same_queries():
    """Issue 22: the months, the contracts that ended and every alert of the batch (poor
    months, overdue actions, missing days, KPIs off target) in a constant number of queries:
    one contract due or five, each with a gap and an overdue action."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(count: int) -> None:
        for i in range(count):
            contract = ContractFactory(start_date=date(2027, 1, 1), months=12)
            january = dates(date(2027, 1, 1), date(2027, 1, 31))
            add_days(contract, [d for d in january if d.day != 3 + i])
            ReviewActionFactory(review__contract=contract, due_date=date(2027, 1, 20))

    make(1)
    with CaptureQueriesContext(connection) as one:
        assert len(contracts_close_due_months(as_of=date(2027, 2, 10)).created) == 1
    ContractPeriod.objects.all().delete()
    ContractAlert.objects.all().delete()
    make(4)  # five contracts due now, the first one again
    with CaptureQueriesContext(connection) as five:
        assert len(contracts_close_due_months(as_of=date(2027, 2, 10)).created) == 5
    assert ContractAlert.objects.filter(kind=ContractAlertKind.ACTION_OVERDUE).count() == 5
    assert ContractAlert.objects.filter(kind=ContractAlertKind.MISSING_DAY).exists()
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_scorecard_email_goes_once_to_managers_and_vendor_in_their_language():
    ManagerFactory(email="max@example.com", language="en")
    ManagerFactory(email="mies@example.com", language="nl")
    contract = ContractFactory(start_date=date(2027, 2, 1), months=12)
    VendorUserFactory(email="ana@vendor.example", vendor=contract.vendor)
    action = ReviewActionFactory(
        review__contract=contract,
        review__date=date(2027, 2, 3),
        text="Refresh the FAQ macros",
        due_date=date(2027, 3, 15),
    )
    add_days(contract, dates(date(2027, 2, 1), date(2027, 2, 28)))
    (february,) = contracts_close_due_months(as_of=date(2027, 3, 1)).created

    recipients = 2 + contract.vendor.users.count()  # ana and the authors from add_days
    assert send_period_email(february.pk) == recipients  # one message per recipient
    assert send_period_email(february.pk) == 0  # queued and sent once
    by_to = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == len(by_to) == recipients
    assert {"max@example.com", "mies@example.com", "ana@vendor.example"} <= set(by_to)
    manager = by_to["max@example.com"]
    assert manager.subject == f"{contract.vendor.name} — E-mail contract, February 2027: Good"
    assert "5 of 5 KPIs met" in manager.body
    assert "Refresh the FAQ macros" in manager.body
    assert action.review.notes in manager.body  # internal notes for the managers
    html = manager.alternatives[0][0]
    assert "Refresh the FAQ macros" in html and "consider the exit clause" in html
    vendor = by_to["ana@vendor.example"]
    assert "Refresh the FAQ macros" in vendor.body
    assert action.review.notes not in vendor.body
    assert "consider the exit clause" not in vendor.alternatives[0][0]
    assert "Goed" in by_to["mies@example.com"].subject
    february.refresh_from_db()
    assert february.emailed_at is not None


def test_the_command_prints_a_line_per_month_with_labels_and_sends_before_returning():
    ManagerFactory(email="max@example.com")
    contract = ContractFactory(start_date=date(2027, 1, 17), months=12)
    contract.vendor.name = "Alpha Contact"
    contract.vendor.save()
    out = StringIO()
    with time_machine.travel("2027-03-01 09:00Z", tick=False):
        call_command("evaluate_contracts", "--date", "2027-03-01", stdout=out)
    lines = out.getvalue().splitlines()
    # No entries: credited at the 15% cap of € 3,100 × 15/31 (17–31 January) = € 225.00.
    assert lines[0] == (
        "Alpha Contact — E-mail, January 2027: Poor, 0 of 5 KPIs met, coverage 0.00%, "
        "service credit €225.00"
    )
    assert lines[1].startswith("Alpha Contact — E-mail, February 2027: Poor")
    assert "2 months closed, 2 e-mails sent" in lines[-1]
    assert len(mail.outbox) == 2
    again = StringIO()
    with time_machine.travel("2027-03-01 09:00Z", tick=False):
        call_command("evaluate_contracts", "--date", "2027-03-01", stdout=again)
    assert "0 months closed, 0 e-mails sent" in again.getvalue()
    assert ContractPeriod.objects.count() == 2


def test_the_beat_task_closes_the_months_and_enqueues_each_email_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    from celery.app.task import Task

    from contracts.tasks import close_due_months

    enqueued = []
    monkeypatch.setattr(
        Task, "apply_async", lambda task, args=None, **kw: enqueued.append((task.name, args))
    )
    contract = ContractFactory(start_date=date(2027, 1, 1), months=12)
    with (
        time_machine.travel("2027-03-01 09:00Z", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert close_due_months(as_of="2027-03-01") == 2
    ids = sorted(contract.periods.values_list("pk", flat=True))
    assert (
        sorted(args[0] for name, args in enqueued if name == "contracts.send_period_email") == ids
    )
    with (
        time_machine.travel("2027-03-01 09:00Z", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert close_due_months(as_of="2027-03-01") == 0  # idempotent
