"""POST/GET /api/v1/contracts, the periods and the review log, as an integrator calls them."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from contracts.models import Contract, ContractPeriod, Review
from pilots.models import Decision, PilotStatus
from tests.contracts.factories import ContractFactory
from tests.pilots.conftest import make_rfq_and_quote
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2027-03-10 09:00Z", tick=False):
        yield


TARGETS = {
    "csat_pct": "88",
    "frt_minutes": "45",
    "aht_minutes": "9.5",
    "fcr_pct": "72",
    "cost_per_ticket": "3.10",
}


@pytest.fixture
def scale_up_pilot(vendor_a, procurement_user):
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    return PilotFactory(
        vendor=vendor_a,
        quote=quote,
        channel="email",
        status=PilotStatus.DECIDED,
        decision=Decision.SCALE_UP,
        target_csat_pct=Decimal("87"),
        target_aht_minutes=Decimal("9"),
    )


def test_a_contract_from_a_scale_up_pilot_takes_its_vendor_channel_targets_and_monthly_charge(
    api_as, procurement_user, scale_up_pilot
):
    response = api_as(procurement_user).post(
        "/api/v1/contracts",
        {
            "pilot_id": scale_up_pilot.pk,
            "start_date": "2027-01-17",
            "months": 24,
            "credit_pct_per_missed_kpi": 5,
            "credit_cap_pct": "15",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    contract = Contract.objects.get(pk=body["id"])
    assert contract.pilot == scale_up_pilot
    assert body["vendor_id"] == scale_up_pilot.vendor_id
    assert body["channel"] == "email"
    assert body["targets"] == {
        "csat_pct": "87.00",
        "frt_minutes": "60.00",
        "aht_minutes": "9.00",
        "fcr_pct": "70.00",
        "cost_per_ticket": "3.33",
    }
    # The cost article's quote: € 18/h × 83.33 h = € 1,500.00 a month.
    assert body["monthly_charge"] == "1500.00"
    assert body["end_date"] == "2029-01-16"
    assert body["status"] == "running"
    assert body["credit_pct_per_missed_kpi"] == "5.00"
    assert body["credit_cap_pct"] == "15.00"
    assert body["latest_standing"] is None


def test_given_targets_override_the_pilots(api_as, procurement_user, scale_up_pilot):
    response = api_as(procurement_user).post(
        "/api/v1/contracts",
        {
            "pilot_id": scale_up_pilot.pk,
            "start_date": "2027-02-01",
            "months": 12,
            "targets": TARGETS,
        },
    )
    assert response.status_code == 201
    assert response.json()["targets"]["frt_minutes"] == "45.00"


@pytest.mark.parametrize("decision", [Decision.STOP, ""])
def test_a_pilot_not_decided_scale_up_is_refused(api_as, procurement_user, vendor_a, decision):
    pilot = PilotFactory(vendor=vendor_a, decision=decision)
    response = api_as(procurement_user).post(
        "/api/v1/contracts", {"pilot_id": pilot.pk, "start_date": "2027-02-01", "months": 12}
    )
    assert response.status_code == 422
    assert "pilot_id" in response.json()["errors"]
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"months": True}, "months"),  # JSON true is not 1
        ({"months": "1_2"}, "months"),
        ({"months": "١٢"}, "months"),  # Arabic-Indic digits
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"credit_pct_per_missed_kpi": "1e1"}, "credit_pct_per_missed_kpi"),
        ({"credit_cap_pct": "10.005"}, "credit_cap_pct"),
        ({"targets": {"csat_pct": True}}, "targets.csat_pct"),
        ({"pilot_id": "٣"}, "pilot_id"),
    ],
)
def test_contract_numbers_and_dates_are_read_strictly(
    api_as, procurement_user, scale_up_pilot, change, field
):
    body = {"pilot_id": scale_up_pilot.pk, "start_date": "2027-02-01", "months": 12, **change}
    response = api_as(procurement_user).post("/api/v1/contracts", body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Contract.objects.exists()


def test_a_review_refuses_a_date_in_year_9999_and_a_novel(api_as, manager, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    response = api_as(manager).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {
            "date": "9999-12-31",
            "kind": "monthly_review",
            "attendees": "x" * 100_001,
            "actions": [{"text": "Refresh the FAQ", "owner": "Ana", "due_date": "0001-01-01"}],
        },
    )
    assert response.status_code == 422
    assert {"date", "attendees", "actions.0.due_date"} <= set(response.json()["errors"])
    assert not Review.objects.exists()


def test_a_pilot_gets_one_contract(api_as, procurement_user, scale_up_pilot):
    api = api_as(procurement_user)
    body = {"pilot_id": scale_up_pilot.pk, "start_date": "2027-02-01", "months": 12}
    assert api.post("/api/v1/contracts", body).status_code == 201
    again = api.post("/api/v1/contracts", body)
    assert again.status_code == 422
    assert "pilot_id" in again.json()["errors"]
    assert Contract.objects.count() == 1


def test_a_contract_for_a_vendor_and_channel_needs_its_targets(api_as, procurement_user, vendor_a):
    api = api_as(procurement_user)
    response = api.post(
        "/api/v1/contracts",
        {"vendor_id": vendor_a.pk, "channel": "chat", "start_date": "2027-02-01", "months": 61},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "months" in errors
    assert "targets.aht_minutes" in errors
    assert "targets.cost_per_ticket" in errors
    assert "monthly_charge" in errors  # no quote to take it from
    assert not Contract.objects.exists()
    ok = api.post(
        "/api/v1/contracts",
        {
            "vendor_id": vendor_a.pk,
            "channel": "chat",
            "start_date": "2027-02-01",
            "months": 60,
            "targets": TARGETS,
            "monthly_charge": "2750.50",
        },
    )
    assert ok.status_code == 201
    assert ok.json()["credit_cap_pct"] == "0.00"  # docs/domain.md §6: credits default to 0
    assert ok.json()["monthly_charge"] == "2750.50"
    assert Contract.objects.get().monthly_charge == Decimal("2750.50")


def test_a_contract_from_an_awarded_quote_is_prefilled_from_it(api_as, procurement_user, vendor_a):
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    response = api_as(procurement_user).post(
        "/api/v1/contracts",
        {
            "vendor_id": vendor_a.pk,
            "channel": "email",
            "quote_id": quote.pk,
            "start_date": "2027-02-01",
            "months": 12,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["quote_id"] == quote.pk
    assert body["monthly_charge"] == "1500.00"
    assert body["targets"]["aht_minutes"] == "10.00"  # the RFQ's e-mail AHT


def test_vendors_and_managers_cannot_create(api_as, vendor_a_user, manager, vendor_a):
    body = {
        "vendor_id": vendor_a.pk,
        "channel": "email",
        "start_date": "2027-02-01",
        "months": 12,
        "targets": TARGETS,
    }
    assert api_as(vendor_a_user).post("/api/v1/contracts", body).status_code == 403
    assert api_as(manager).post("/api/v1/contracts", body).status_code == 403
    assert not Contract.objects.exists()


def test_a_vendor_sees_only_its_own_contracts(api_as, vendor_a, vendor_b, vendor_a_user, manager):
    own = ContractFactory(vendor=vendor_a)
    other = ContractFactory(vendor=vendor_b)
    listed = api_as(vendor_a_user).get("/api/v1/contracts").json()
    assert [c["id"] for c in listed["items"]] == [own.pk]
    assert api_as(vendor_a_user).get(f"/api/v1/contracts/{other.pk}").status_code == 404
    assert api_as(vendor_a_user).get(f"/api/v1/contracts/{other.pk}/periods").status_code == 404
    assert api_as(manager).get("/api/v1/contracts").json()["count"] == 2


def test_periods_list_the_closed_months_oldest_first_with_the_latest_standing(
    api_as, vendor_a, vendor_a_user
):
    contract = ContractFactory(vendor=vendor_a)
    kpis = {
        key: {"value": "1.00", "target": "2.00", "met": False}
        for key in ("csat_pct", "frt_minutes", "aht_minutes", "fcr_pct", "cost_per_ticket")
    }
    for month, standing, credit in ((2, "poor", "75.50"), (1, "good", "0.00")):
        ContractPeriod.objects.create(
            contract=contract,
            month=date(2027, month, 1),
            date_from=date(2027, month, 1 if month > 1 else 17),
            date_to=date(2027, month, 28),
            kpis=kpis,
            met_count=0 if standing == "poor" else 5,
            data_coverage_pct=Decimal("100"),
            standing=standing,
            cost=Decimal("1510.00"),
            credit=Decimal(credit),
        )
    api = api_as(vendor_a_user)
    periods = api.get(f"/api/v1/contracts/{contract.pk}/periods").json()
    assert [p["month"] for p in periods] == ["2027-01", "2027-02"]
    assert periods[1]["standing"] == "poor"
    assert periods[1]["credit"] == "75.50"  # the vendor sees its own credits
    assert periods[1]["data_coverage_pct"] == "100.00"
    assert periods[1]["kpis"]["csat_pct"] == {
        "value": "1.00",
        "target": "2.00",
        "met": False,
        "interval": None,  # none stored in this hand-made month
        "reliable": None,
        "must_meet": False,
    }
    detail = api.get(f"/api/v1/contracts/{contract.pk}").json()
    assert detail["latest_standing"] == "poor"
    assert detail["latest_month"] == "2027-02"


def test_a_review_with_actions_is_recorded(api_as, manager, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    response = api_as(manager).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {
            "date": "2027-03-01",
            "kind": "monthly_review",
            "attendees": "Max, Ana",
            "notes": "FCR slipping",
            "actions": [
                {"text": "Refresh the FAQ", "owner": "Ana", "due_date": "2027-03-15"},
                {"text": "Weekly coaching on returns", "owner": "Max", "due_date": "2027-03-08"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    review = Review.objects.get(pk=response.json()["id"])
    assert review.created_by == manager
    assert list(review.actions.order_by("due_date").values_list("owner", flat=True)) == [
        "Max",
        "Ana",
    ]
    assert response.json()["actions"][0]["done"] is False


def test_a_bad_review_names_the_field_and_saves_nothing(api_as, manager, vendor_a, vendor_a_user):
    contract = ContractFactory(vendor=vendor_a)
    api = api_as(manager)
    response = api.post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {
            "date": "2027-03-01",
            "kind": "monthly_review",
            "attendees": " ",
            "actions": [{"text": "Refresh the FAQ", "owner": "", "due_date": "2027-03-15"}],
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"attendees", "actions.0.owner"}
    missing = api.post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {"date": "2027-03-01", "kind": "lunch", "attendees": "Max"},
    )
    assert missing.status_code == 422
    assert "kind" in missing.json()["errors"]
    assert not Review.objects.exists()
    vendor = api_as(vendor_a_user).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {"date": "2027-03-01", "kind": "coaching", "attendees": "Ana"},
    )
    assert vendor.status_code == 403
