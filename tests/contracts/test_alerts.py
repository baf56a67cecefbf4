"""DOMAIN.md §6: three poor months in a row raise one exit-review alert; an overdue review
action raises an alert until it is done."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.alerts import contract_alert_acknowledge, contract_alerts_refresh
from contracts.models import ContractAlert, ContractAlertKind, ContractPeriod
from tests.contracts.factories import ContractFactory, ReviewActionFactory

pytestmark = pytest.mark.django_db

KPIS = {
    key: {"value": None, "target": "1.00", "met": False}
    for key in ("csat_pct", "frt_minutes", "aht_minutes", "fcr_pct", "cost_per_ticket")
}


def close_month(contract, month: int, standing: str) -> ContractPeriod:
    return ContractPeriod.objects.create(
        contract=contract,
        month=date(2027, month, 1),
        date_from=date(2027, month, 1),
        date_to=date(2027, month, 28),
        kpis=KPIS,
        met_count={"good": 5, "watch": 3, "poor": 0}[standing],
        data_coverage_pct=Decimal("100"),
        standing=standing,
        cost=Decimal("0"),
        credit=Decimal("0"),
    )


def refresh(contract, as_of=date(2027, 12, 1)) -> None:
    contract_alerts_refresh(contract_ids=[contract.pk], as_of=as_of)


def exit_reviews(contract):
    return ContractAlert.objects.filter(contract=contract, kind=ContractAlertKind.EXIT_REVIEW)


def test_three_poor_months_in_a_row_raise_one_exit_review_alert(manager):
    contract = ContractFactory()
    close_month(contract, 1, "poor")
    close_month(contract, 2, "watch")
    close_month(contract, 3, "poor")
    close_month(contract, 4, "poor")
    refresh(contract)
    assert not exit_reviews(contract).exists()  # a watch month broke the run

    close_month(contract, 5, "poor")
    refresh(contract)
    refresh(contract)  # the sweep again: still one
    (alert,) = exit_reviews(contract)
    assert alert.key == "2027-03"
    assert alert.closed_at is None
    assert alert.params == {"from": "2027-03", "to": "2027-05", "months": 3}

    # A fourth poor month is the same run: no second alert, even once acknowledged.
    contract_alert_acknowledge(alert=alert, by=manager)
    close_month(contract, 6, "poor")
    refresh(contract)
    assert exit_reviews(contract).count() == 1

    # The run ends with a good month; a new run of three raises a new alert.
    close_month(contract, 7, "good")
    for month in (8, 9, 10):
        close_month(contract, month, "poor")
    refresh(contract)
    assert list(exit_reviews(contract).values_list("key", flat=True)) == ["2027-08", "2027-03"]


def test_the_exit_review_closes_when_a_month_is_no_longer_poor():
    contract = ContractFactory()
    for month in (1, 2, 3):
        close_month(contract, month, "poor")
    refresh(contract)
    assert exit_reviews(contract).get().closed_at is None
    close_month(contract, 4, "watch")
    refresh(contract)
    assert exit_reviews(contract).get().closed_at is not None


def test_an_overdue_action_raises_an_alert_until_it_is_done():
    action = ReviewActionFactory(due_date=date(2027, 2, 17))
    contract = action.review.contract
    overdue = ContractAlert.objects.filter(kind=ContractAlertKind.ACTION_OVERDUE)

    refresh(contract, as_of=date(2027, 2, 17))  # due today: not yet overdue
    assert not overdue.exists()
    refresh(contract, as_of=date(2027, 2, 18))
    refresh(contract, as_of=date(2027, 2, 19))
    (alert,) = overdue
    assert alert.key == str(action.pk)
    assert alert.closed_at is None

    action.done = True
    action.done_at = alert.opened_at
    action.save()
    refresh(contract, as_of=date(2027, 2, 20))
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert overdue.count() == 1


def test_the_refresh_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    contracts = [ContractFactory() for _ in range(5)]
    for contract in contracts:
        for month in (1, 2, 3):
            close_month(contract, month, "poor")
        ReviewActionFactory(review__contract=contract, due_date=date(2027, 1, 1))
    with django_assert_max_num_queries(7):
        contract_alerts_refresh(contract_ids=[c.pk for c in contracts], as_of=date(2027, 6, 1))
    assert ContractAlert.objects.filter(closed_at=None).count() == 10
