"""A contract's daily KPIs go through the pilots' one validator and write path (form, CSV,
API), and every save — pilot or contract — enqueues the refresh of its alerts after the
commit; a broker outage still saves the entry."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.app.task import Task
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError

from contracts.models import ContractKpiEntry
from pilots.models import Alert, AlertKind, KpiEntry
from pilots.tasks import refresh_pilot_alerts
from tests.contracts.factories import ContractFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = {
    "tickets": 20,
    "csat_responses": 10,
    "csat_positive": 9,
    "frt_minutes": "30",
    "aht_minutes": "9",
    "fcr_resolved": 16,
    "cost": "60.00",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 3, 10, 9, 0, tzinfo=AMSTERDAM), tick=False):
        yield


@pytest.fixture
def published(monkeypatch):
    """Records what would reach the broker; `.down = True` makes every publish fail."""

    class Broker:
        down = False
        calls: list[tuple[str, tuple]] = []

    def apply_async(task, args=None, kwargs=None, **options):
        if Broker.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        Broker.calls.append((task.name, tuple(args or ())))

    Broker.calls = []
    monkeypatch.setattr(Task, "apply_async", apply_async)
    return Broker


@pytest.fixture
def contract(vendor_a):
    return ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 17), months=12)


def test_the_api_puts_and_reads_a_contract_day_as_for_pilots(
    api_as, contract, vendor_a_user, vendor_b_user, manager, published
):
    api = api_as(vendor_a_user)
    url = f"/api/v1/contracts/{contract.pk}/kpis"
    first = api.put(f"{url}/2027-03-09", DAY)
    assert first.status_code == 201, first.json()
    assert first.json()["cost"] == "60.00"
    again = api.put(f"{url}/2027-03-09", {**DAY, "csat_positive": 8})
    assert again.status_code == 200
    entry = ContractKpiEntry.objects.get(contract=contract)
    assert entry.csat_positive == 8
    assert entry.history.count() == 2  # the old values stay in the history
    assert [e["date"] for e in api.get(url).json()] == ["2027-03-09"]

    before = api.put(f"{url}/2027-01-16", DAY)
    assert before.status_code == 422
    assert before.json()["errors"]["date"] == [
        "16 Jan 2027 is outside the contract, which runs from 17 Jan 2027 to 16 Jan 2028."
    ]
    bad = api.put(f"{url}/2027-03-08", {**DAY, "csat_positive": 11, "fcr_resolved": 21})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"csat_positive", "fcr_resolved"}
    assert api.put(f"{url}/2027-03-11", DAY).status_code == 422  # the future
    assert ContractKpiEntry.objects.count() == 1

    assert api_as(vendor_b_user).put(f"{url}/2027-03-08", DAY).status_code == 404
    assert api_as(vendor_b_user).get(url).status_code == 404
    assert api_as(manager).put(f"{url}/2027-03-08", DAY).status_code == 403
    assert api_as(manager).get(url).status_code == 200


def test_the_form_page_saves_a_day_and_shows_every_error(vendor_a_client, contract, published):
    url = f"/contracts/{contract.pk}/kpis/enter/"
    page = vendor_a_client.get(url)
    assert page.status_code == 200
    assert "A day of the contract" in page.content.decode()
    bad = vendor_a_client.post(url, {**DAY, "day": "2027-03-09", "tickets": "", "cost": "-1"})
    assert set(bad.context["form"].errors) == {"tickets", "cost"}
    ok = vendor_a_client.post(url, {**DAY, "day": "2027-03-09"})
    assert ok.status_code == 302
    assert ContractKpiEntry.objects.get(contract=contract).day == date(2027, 3, 9)


def test_the_form_page_reopens_a_day_with_its_history(vendor_a_client, contract, published):
    """As for a pilot (kpis.views.kpi_entry_page): a saved day opens prefilled, and
    every change of it is listed under the form."""
    url = f"/contracts/{contract.pk}/kpis/enter/"
    vendor_a_client.post(url, {**DAY, "day": "2027-03-09"})
    updated = vendor_a_client.post(url, {**DAY, "day": "2027-03-09", "csat_positive": 8})
    assert updated.status_code == 302
    page = vendor_a_client.get(url, {"day": "2027-03-09"})
    assert page.context["form"].initial["csat_positive"] == 8
    history = page.content.decode()
    assert 'id="entry-history"' in history and len(page.context["history"]) == 2
    # A day outside the sane range opens the default day, not an error.
    odd = vendor_a_client.get(url, {"day": "9999-12-31"})
    assert odd.status_code == 200 and odd.context["day"] == date(2027, 3, 10)


def test_a_csv_upload_saves_all_rows_or_none(vendor_a_client, contract, published):
    url = f"/contracts/{contract.pk}/kpis/upload/"
    header = "date,tickets,csat_responses,csat_positive,frt_minutes,aht_minutes,fcr_resolved,cost\n"
    good = "2027-03-01,20,10,9,30,9,16,60.00\n2027-03-02,20,10,9,30,9,16,60.00\n"
    wrong = "2027-03-03,20,10,11,30,9,16,60.00\n"
    response = vendor_a_client.post(
        url, {"file": SimpleUploadedFile("kpis.csv", (header + good + wrong).encode())}
    )
    assert response.status_code == 200
    assert [e.line for e in response.context["errors"]] == [4]
    assert not ContractKpiEntry.objects.exists()
    response = vendor_a_client.post(
        url, {"file": SimpleUploadedFile("kpis.csv", (header + good).encode())}
    )
    assert response.status_code == 302
    assert ContractKpiEntry.objects.filter(contract=contract).count() == 2
    template = vendor_a_client.get(f"/contracts/{contract.pk}/kpis/template.csv")
    assert template.content.decode("utf-8-sig").startswith("date,tickets")


def test_each_save_enqueues_its_alert_refresh_after_the_commit(
    api_as, contract, vendor_a, vendor_a_user, published, django_capture_on_commit_callbacks
):
    pilot = PilotFactory(vendor=vendor_a, start_date=date(2027, 3, 1), status="running")
    api = api_as(vendor_a_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.put(f"/api/v1/contracts/{contract.pk}/kpis/2027-03-09", DAY)
        api.put(f"/api/v1/pilots/{pilot.pk}/kpis/2027-03-09", DAY)
    assert published.calls == []  # nothing reaches the broker before the commit
    for callback in callbacks:
        callback()
    assert published.calls == [
        ("contracts.refresh_alerts", (contract.pk,)),
        ("pilots.refresh_pilot_alerts", (pilot.pk,)),
    ]


def test_with_the_broker_down_the_entry_is_saved(
    api_as, contract, vendor_a_user, published, django_capture_on_commit_callbacks, caplog
):
    published.down = True
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(vendor_a_user).put(
            f"/api/v1/contracts/{contract.pk}/kpis/2027-03-09", DAY
        )
    assert response.status_code == 201
    assert ContractKpiEntry.objects.filter(contract=contract).exists()
    assert "could not enqueue contracts.refresh_alerts" in caplog.text


def test_the_refresh_closes_a_pilots_missing_day_alert_once_the_day_is_entered(
    api_as, vendor_a, vendor_a_user, published
):
    pilot = PilotFactory(vendor=vendor_a, start_date=date(2027, 3, 8), status="running")
    refresh_pilot_alerts(pilot.pk)
    open_days = Alert.objects.filter(pilot=pilot, kind=AlertKind.MISSING_DAY, closed_at=None)
    assert sorted(open_days.values_list("key", flat=True)) == ["2027-03-08", "2027-03-09"]
    api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/2027-03-09", DAY)
    assert KpiEntry.objects.filter(pilot=pilot).count() == 1
    refresh_pilot_alerts(pilot.pk)  # what the worker runs after the commit
    assert list(open_days.values_list("key", flat=True)) == ["2027-03-08"]


def test_a_csv_upload_that_changes_a_contract_day_asks_first(vendor_a_client, contract, published):
    """Issue 24 item 5, on a contract: the changed day is shown, nothing is saved until the
    confirming POST."""
    url = f"/contracts/{contract.pk}/kpis/upload/"
    header = "date,tickets,csat_responses,csat_positive,frt_minutes,aht_minutes,fcr_resolved,cost\n"
    first = "2027-03-01,20,10,9,30,9,16,60.00\n"
    vendor_a_client.post(url, {"file": SimpleUploadedFile("kpis.csv", (header + first).encode())})
    changed = "2027-03-01,20,10,9,30,9,16,75.50\n"

    asked = vendor_a_client.post(
        url, {"file": SimpleUploadedFile("kpis.csv", (header + changed).encode())}
    )

    assert asked.status_code == 200
    (change,) = asked.context["changes"]
    assert change.day == date(2027, 3, 1)
    assert [(str(b), str(a)) for _label, b, a in change.fields] == [("60.00", "75.50")]
    assert ContractKpiEntry.objects.get(contract=contract).cost == Decimal("60.00")
    done = vendor_a_client.post(url, {"confirm": asked.context["confirm_token"]})
    assert done.status_code == 302
    assert ContractKpiEntry.objects.get(contract=contract).cost == Decimal("75.50")
