"""docs/domain.md §6: three poor months in a row raise one exit-review alert, open until a manager
acknowledges it with a note (kept in the review log); an overdue review action raises an
alert until it is done; missing days and KPIs off target over the last 7 days as for
pilots."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.alerts import contract_alert_acknowledge, contract_alerts_refresh
from contracts.models import (
    ContractAlert,
    ContractAlertKind,
    ContractKpiEntry,
    ContractPeriod,
    Review,
    ReviewKind,
)
from tests.contracts.factories import ContractFactory, ReviewActionFactory
from tests.factories import VendorUserFactory

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
            ContractKpiEntry(contract=contract, day=d, entered_by=author, **{**GOOD_DAY, **values})
            for d in days
        ]
    )


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
    contract_alert_acknowledge(alert=alert, by=manager, note="Exit clause discussed.")
    close_month(contract, 6, "poor")
    refresh(contract)
    assert exit_reviews(contract).count() == 1

    # The run ends with a good month; a new run of three raises a new alert.
    close_month(contract, 7, "good")
    for month in (8, 9, 10):
        close_month(contract, month, "poor")
    refresh(contract)
    assert list(exit_reviews(contract).values_list("key", flat=True)) == ["2027-08", "2027-03"]


def test_the_exit_review_stays_open_after_a_good_month_until_a_manager_notes_it(
    manager, procurement_user
):
    contract = ContractFactory()
    for month in (1, 2, 3):
        close_month(contract, month, "poor")
    refresh(contract)
    close_month(contract, 4, "good")
    refresh(contract)
    alert = exit_reviews(contract).get()
    assert alert.closed_at is None  # a good month does not close it unacknowledged
    with pytest.raises(PermissionDenied):
        contract_alert_acknowledge(alert=alert, by=procurement_user, note="Seen.")
    with pytest.raises(ValidationError) as caught:
        contract_alert_acknowledge(alert=alert, by=manager, note="   ")
    assert "note" in caught.value.message_dict
    alert.refresh_from_db()
    assert alert.closed_at is None and alert.acknowledged_at is None

    contract_alert_acknowledge(alert=alert, by=manager, note="Vendor gets 60 days to recover.")
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert alert.acknowledged_by == manager
    assert alert.acknowledged_note == "Vendor gets 60 days to recover."
    (review,) = Review.objects.filter(contract=contract, kind=ReviewKind.EXIT_REVIEW)
    assert "Vendor gets 60 days to recover." in review.notes
    assert review.created_by == manager
    refresh(contract)
    assert exit_reviews(contract).filter(closed_at=None).count() == 0


def test_missing_days_and_a_kpi_off_target_raise_contract_alerts():
    # From 1 March 2027; as of 11 March, days 1–10 are over. Entered: 1–8 March, with
    # FCR 10/20 = 50% < 70% on 4–8 March and 16/20 on 1–3 March. Missing: 9 and 10 March.
    # FCR over the last 7 days (4–10 March, 5 entered days): 50/100 = 50.00% → off target.
    contract = ContractFactory(start_date=date(2027, 3, 1), months=12)
    add_days(contract, [date(2027, 3, d) for d in (1, 2, 3)])
    add_days(contract, [date(2027, 3, d) for d in range(4, 9)], fcr_resolved=10)
    refresh(contract, as_of=date(2027, 3, 11))
    missing = ContractAlert.objects.filter(contract=contract, kind=ContractAlertKind.MISSING_DAY)
    assert sorted(missing.values_list("key", flat=True)) == ["2027-03-09", "2027-03-10"]
    (fcr,) = ContractAlert.objects.filter(kind=ContractAlertKind.KPI_OFF_TARGET)
    assert (fcr.key, fcr.params) == ("fcr_pct", {"value": "50.00", "target": "70.00"})
    # The days come in, FCR back at 80% on 9–10 March: 4–10 March = (50 + 32) / 140 =
    # 58.57% still off; a week later (12–18 March at 16/20) it is back on target.
    add_days(contract, [date(2027, 3, 9), date(2027, 3, 10)])
    refresh(contract, as_of=date(2027, 3, 11))
    assert not missing.filter(closed_at=None).exists()
    fcr.refresh_from_db()
    assert fcr.closed_at is None and fcr.params["value"] == "58.57"
    add_days(contract, [date(2027, 3, d) for d in range(11, 19)])
    refresh(contract, as_of=date(2027, 3, 19))
    fcr.refresh_from_db()
    assert fcr.closed_at is not None


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
    # 11: the refresh itself, plus the look-up of webhook endpoints for the opened alerts.
    with django_assert_max_num_queries(11):
        contract_alerts_refresh(contract_ids=[c.pk for c in contracts], as_of=date(2027, 6, 1))
    assert (
        ContractAlert.objects.filter(
            closed_at=None,
            kind__in=[ContractAlertKind.EXIT_REVIEW, ContractAlertKind.ACTION_OVERDUE],
        ).count()
        == 10
    )
