"""Contract pages: create (prefilled from a scale-up pilot), detail, review log, status."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from contracts.models import Contract, ContractStatus, Review, ReviewAction
from pilots.models import Decision, PilotStatus
from tests.contracts.factories import ContractFactory, ReviewActionFactory
from tests.pilots.conftest import make_rfq_and_quote
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2027-03-10 09:00Z", tick=False):
        yield


def test_the_form_is_prefilled_from_a_scale_up_pilot(
    procurement_client, procurement_user, vendor_a
):
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    pilot = PilotFactory(
        vendor=vendor_a,
        quote=quote,
        channel="email",
        status=PilotStatus.DECIDED,
        decision=Decision.SCALE_UP,
        target_aht_minutes=Decimal("9.50"),
    )
    page = procurement_client.get(f"/contracts/new/?pilot={pilot.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["vendor"] == vendor_a.pk
    assert form.initial["target_aht_minutes"] == Decimal("9.50")
    assert form.initial["monthly_charge"] == Decimal("1500.00")
    assert form.initial["pilot"] == pilot.pk

    response = procurement_client.post(
        "/contracts/new/",
        {
            "pilot": pilot.pk,
            "quote": quote.pk,
            "vendor": vendor_a.pk,
            "channel": "email",
            "start_date": "2027-01-17",
            "months": "12",
            "target_csat_pct": "85",
            "target_frt_minutes": "60",
            "target_aht_minutes": "9.5",
            "target_fcr_pct": "70",
            "target_cost_per_ticket": "3.33",
            "monthly_charge": "1500",
            "credit_pct_per_missed_kpi": "5",
            "credit_cap_pct": "15",
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/"
    assert contract.pilot == pilot
    assert contract.end_date == date(2028, 1, 16)
    assert contract.credit_cap_pct == Decimal("15")
    assert contract.monthly_charge == Decimal("1500.00")


def test_every_form_error_is_shown_at_once_and_nothing_is_saved(procurement_client, vendor_a):
    response = procurement_client.post(
        "/contracts/new/",
        {
            "vendor": vendor_a.pk,
            "channel": "email",
            "start_date": "2027-01-17",
            "months": "61",
            "target_csat_pct": "85",
            "target_frt_minutes": "60",
            "target_aht_minutes": "",
            "target_fcr_pct": "70",
            "target_cost_per_ticket": "3.33",
            "credit_pct_per_missed_kpi": "120",
            "credit_cap_pct": "15",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "target_aht_minutes",
        "months",
        "credit_pct_per_missed_kpi",
        "monthly_charge",  # no quote to take it from (docs/domain.md §6)
    }
    assert not Contract.objects.exists()
    response = procurement_client.post(
        "/contracts/new/",
        {
            "vendor": vendor_a.pk,
            "channel": "email",
            "start_date": "2027-01-17",
            "months": "61",
            "target_csat_pct": "85",
            "target_frt_minutes": "60",
            "target_aht_minutes": "10",
            "target_fcr_pct": "70",
            "target_cost_per_ticket": "3.33",
            "credit_pct_per_missed_kpi": "120",
            "credit_cap_pct": "15",
        },
    )
    assert set(response.context["form"].errors) == {
        "months",
        "credit_pct_per_missed_kpi",
        "monthly_charge",
    }
    assert not Contract.objects.exists()


def test_a_manager_records_a_review_with_actions(manager_client, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    response = manager_client.post(
        f"/contracts/{contract.pk}/reviews/new/",
        {
            "date": "2027-03-01",
            "kind": "coaching",
            "attendees": "Max, Ana",
            "notes": "Returns are handled too slowly.",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-text": "Script for returns",
            "actions-0-owner": "Ana",
            "actions-0-due_date": "2027-03-08",
            "actions-1-text": "",
            "actions-1-owner": "",
            "actions-1-due_date": "",
            "actions-2-text": "",
            "actions-2-owner": "",
            "actions-2-due_date": "",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.kind == "coaching"
    assert list(review.actions.values_list("text", flat=True)) == ["Script for returns"]


def test_a_half_filled_action_row_is_an_error_on_that_row(manager_client, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    response = manager_client.post(
        f"/contracts/{contract.pk}/reviews/new/",
        {
            "date": "2027-03-01",
            "kind": "coaching",
            "attendees": "Max",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-text": "Script for returns",
            "actions-0-owner": "",
            "actions-0-due_date": "",
        },
    )
    assert response.status_code == 200
    row = response.context["actions"].forms[0]
    assert set(row.errors) == {"owner", "due_date"}
    assert not Review.objects.exists()


def test_the_vendor_sees_its_open_actions_but_not_the_internal_notes(
    vendor_a_client, manager_client, vendor_a
):
    action = ReviewActionFactory(review__contract__vendor=vendor_a, due_date=date(2027, 3, 1))
    contract = action.review.contract
    vendor_page = vendor_a_client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "Refresh the FAQ macros" in vendor_page
    assert "overdue" in vendor_page
    assert "consider the exit clause" not in vendor_page
    internal_page = manager_client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "consider the exit clause" in internal_page


def test_an_action_is_ticked_off(manager_client, vendor_a):
    action = ReviewActionFactory(review__contract__vendor=vendor_a)
    contract = action.review.contract
    manager_client.post(f"/contracts/{contract.pk}/actions/{action.pk}/toggle/")
    action.refresh_from_db()
    assert action.done and action.done_at is not None
    other = ContractFactory()
    response = manager_client.post(f"/contracts/{other.pk}/actions/{action.pk}/toggle/")
    assert response.status_code == 404
    assert ReviewAction.objects.get(pk=action.pk).done


def test_procurement_terminates_a_contract(procurement_client, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    procurement_client.post(f"/contracts/{contract.pk}/status/", {"status": "terminated"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.TERMINATED
    assert contract.history.first().history_user.email == "buyer@example.com"


def test_the_list_shows_a_vendor_only_its_own(vendor_a_client, vendor_a, vendor_b):
    ContractFactory(vendor=vendor_a, channel="chat")
    ContractFactory(vendor=vendor_b, channel="phone")
    page = vendor_a_client.get("/contracts/")
    assert [row["contract"].vendor for row in page.context["rows"]] == [vendor_a]


def test_the_vendor_page_shows_the_standing_history(procurement_client, vendor_a):
    from contracts.models import ContractPeriod

    contract = ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 1))
    ContractPeriod.objects.create(
        contract=contract,
        month=date(2027, 1, 1),
        date_from=date(2027, 1, 1),
        date_to=date(2027, 1, 31),
        kpis={},
        met_count=3,
        data_coverage_pct=Decimal("90"),
        standing="watch",
        cost=Decimal("1000"),
        credit=Decimal("100"),
    )
    page = procurement_client.get(f"/procurement/vendors/{vendor_a.pk}/").content.decode()
    assert "Contract standing" in page
    assert "January 2027" in page and "Watch" in page and "€100.00" in page


def test_the_contract_page_shows_the_months_and_their_trend_charts(manager_client, vendor_a):
    from contracts.closing import contracts_close_due_months

    contract = ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 1))
    contracts_close_due_months(as_of=date(2027, 3, 1))
    page = manager_client.get(f"/contracts/{contract.pk}/")
    html = page.content.decode()
    assert [p.month for p in page.context["periods"]] == [date(2027, 1, 1), date(2027, 2, 1)]
    assert 'data-month="2027-02"' in html and "February 2027" in html
    assert html.count("<svg") >= 5


def test_the_contract_charts_name_the_months(manager_client, vendor_a, manager):
    from contracts.closing import contracts_close_due_months
    from contracts.models import ContractKpiEntry

    contract = ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 1))
    for day in (date(2027, 1, 5), date(2027, 2, 5)):
        ContractKpiEntry.objects.create(
            contract=contract, day=day, entered_by=manager, tickets=100, csat_responses=40,
            csat_positive=36, frt_minutes=30, aht_minutes=9, fcr_resolved=70, cost=300,
        )  # fmt: skip
    contracts_close_due_months(as_of=date(2027, 3, 1))
    page = manager_client.get(f"/contracts/{contract.pk}/")
    charts = "".join(chart["svg"] for chart in page.context["charts"])
    assert ">Jan 2027<" in charts and ">Feb 2027<" in charts  # issue 24: not 1, 2


def test_the_review_breadcrumb_writes_the_date_in_the_users_language(manager_client, manager):
    contract = ContractFactory(start_date=date(2027, 1, 17))
    manager.language = "nl"
    manager.save()
    html = manager_client.get(f"/contracts/{contract.pk}/reviews/new/").content.decode()
    assert "(17 jan 2027)" in html and "2027-01-17)" not in html  # issue 24: not ISO


# --- The KPI library on the create page (docs/domain.md §5, §6) ---------------------------------

EXTRA_KEYS_BY_HAND = ("service_level_pct", "abandon_pct", "nps", "qa_score_pct")


def _direct_contract(vendor, **extra):
    return {
        "vendor": vendor.pk,
        "channel": "chat",
        "start_date": "2027-01-17",
        "months": "12",
        "target_csat_pct": "85",
        "target_frt_minutes": "60",
        "target_aht_minutes": "9.5",
        "target_fcr_pct": "70",
        "target_cost_per_ticket": "3.33",
        "monthly_charge": "1500",
        "credit_pct_per_missed_kpi": "5",
        "credit_cap_pct": "15",
        **extra,
    }


def test_the_form_offers_every_extra_kpi_prefilled_from_the_pilot(
    procurement_client, procurement_user, vendor_a
):
    from kpis.definitions import KPIS

    assert {k.key for k in KPIS if not k.core} == set(EXTRA_KEYS_BY_HAND)
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    pilot = PilotFactory(
        vendor=vendor_a,
        quote=quote,
        channel="email",
        status=PilotStatus.DECIDED,
        decision=Decision.SCALE_UP,
        extra_targets={"abandon_pct": "5.00"},
        must_meet=["abandon_pct", "csat_pct"],
    )
    page = procurement_client.get(f"/contracts/new/?pilot={pilot.pk}")
    html = page.content.decode()
    for key in EXTRA_KEYS_BY_HAND:
        assert f'name="extra_{key}"' in html
        assert f'name="must_meet" value="{key}"' in html
    form = page.context["form"]
    assert form.initial["extra_abandon_pct"] == Decimal("5.00")
    assert "extra_nps" not in form.initial
    assert form.initial["must_meet"] == ["abandon_pct", "csat_pct"]
    checked = [i for i in html.split("<input") if "must_meet" in i and "checked" in i.split(">")[0]]
    assert sorted(i.split('value="')[1].split('"')[0] for i in checked) == [
        "abandon_pct",
        "csat_pct",
    ]
    # From no pilot: nothing tracked beyond the five, nothing must-meet.
    blank = procurement_client.get("/contracts/new/").context["form"]
    assert not any(name.startswith("extra_") for name in blank.initial)
    assert not blank.initial.get("must_meet")


def test_posting_creates_the_contract_with_its_extras_and_must_meet(procurement_client, vendor_a):
    response = procurement_client.post(
        "/contracts/new/",
        _direct_contract(
            vendor_a,
            extra_abandon_pct="5",
            extra_qa_score_pct="85.5",
            must_meet=["abandon_pct", "fcr_pct"],
        ),
    )
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert contract.extra_targets == {"abandon_pct": "5.00", "qa_score_pct": "85.50"}
    assert contract.must_meet == ["fcr_pct", "abandon_pct"]  # the KPI table's order
    assert contract.targets["abandon_pct"] == Decimal("5.00")


def test_a_pilots_extras_cleared_on_the_form_are_not_tracked(
    procurement_client, procurement_user, vendor_a
):
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    pilot = PilotFactory(
        vendor=vendor_a,
        quote=quote,
        channel="email",
        status=PilotStatus.DECIDED,
        decision=Decision.SCALE_UP,
        extra_targets={"abandon_pct": "5.00"},
        must_meet=["abandon_pct"],
    )
    data = _direct_contract(vendor_a, pilot=pilot.pk, quote=quote.pk, channel="email")
    response = procurement_client.post("/contracts/new/", data)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.extra_targets == {}
    assert contract.must_meet == []


def test_bad_extra_targets_are_refused_on_their_fields_with_the_other_errors(
    procurement_client, vendor_a
):
    response = procurement_client.post(
        "/contracts/new/",
        _direct_contract(
            vendor_a,
            months="61",
            extra_abandon_pct="150",
            extra_nps="-101",
            extra_qa_score_pct="abc",
            must_meet=["service_level_pct"],  # not tracked: no target given
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "months",
        "extra_abandon_pct",
        "extra_nps",
        "extra_qa_score_pct",
        "must_meet",
    }
    assert "100" in errors["extra_abandon_pct"][0]
    assert "-100" in errors["extra_nps"][0]
    assert "service_level_pct" in errors["must_meet"][0]
    assert Contract.objects.count() == 0
