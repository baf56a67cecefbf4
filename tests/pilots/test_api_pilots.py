"""docs/api.md, Pilots: POST/GET pilots, PUT and GET a pilot's daily KPIs, with real bearer tokens."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from kpis.definitions import OPTIONAL_FIELDS
from pilots.models import KpiEntry, Pilot, PilotStatus
from tests.pilots.kpi_entry_helpers import (
    NOW,
    START,
    TODAY,
    good_values,
    make_awarded_quote,
    make_pilot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PILOT_FIELDS = {
    "id",
    "vendor_id",
    "quote_id",
    "channel",
    "start_date",
    "length_days",
    "status",
    "day_number",
    "targets",
    "extra_kpis",  # docs/domain.md §5 library: the tracked extras with their targets
    "must_meet",
}
KPI_FIELDS = {
    "id",
    "date",
    "tickets",
    "csat_responses",
    "csat_positive",
    "frt_minutes",
    "aht_minutes",
    "fcr_resolved",
    "cost",
    # The QA sample and the extra KPIs' daily fields (null when the day leaves them out).
    *OPTIONAL_FIELDS,
}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30)


def kpi_body(**overrides) -> dict:
    values = good_values(**overrides)
    values.pop("qa_sampled")
    values.pop("note")
    return values


def kpis_url(pilot, day) -> str:
    return f"/api/v1/pilots/{pilot.pk}/kpis/{day}"


# --- POST /pilots --------------------------------------------------------------------------


def test_procurement_creates_a_pilot_for_a_vendor_directly(api_as, procurement_user, vendor_a):
    response = api_as(procurement_user).post(
        "/api/v1/pilots",
        {
            "vendor_id": vendor_a.pk,
            "channel": "chat",
            "start_date": "2026-02-01",  # in the past: recorded after it began
            "length_days": 45,
            "targets": {
                "csat_pct": 90,
                "frt_minutes": "2",
                "aht_minutes": "12.5",
                "fcr_pct": "75",
                "cost_per_ticket": 2.4,
            },
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == PILOT_FIELDS
    pilot = Pilot.objects.get(pk=body["id"])
    assert (pilot.vendor, pilot.channel, pilot.length_days) == (vendor_a, "chat", 45)
    assert pilot.created_by == procurement_user
    assert pilot.status == PilotStatus.RUNNING  # day 1 is past
    assert body["targets"] == {
        "csat_pct": "90.00",
        "frt_minutes": "2.00",
        "aht_minutes": "12.50",
        "fcr_pct": "75.00",
        "cost_per_ticket": "2.40",
    }
    assert (body["status"], body["day_number"]) == ("running", 38)


def test_a_pilot_from_a_quote_takes_its_targets_from_the_rfq_and_the_tco(
    api_as, procurement_user, vendor_a
):
    quote = make_awarded_quote(vendor_a, procurement_user)
    response = api_as(procurement_user).post(
        "/api/v1/pilots",
        {
            "vendor_id": vendor_a.pk,
            "quote_id": quote.pk,
            "channel": "email",
            "start_date": "2026-04-01",
            "length_days": 90,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # docs/domain.md §5 defaults via the RFQ, AHT from the scope, cost = what the quote costs a
    # month per handled ticket: €18 × 83.33 h = €1,500 / 500 tickets (no one-time costs).
    assert body["targets"] == {
        "csat_pct": "85.00",
        "frt_minutes": "60.00",
        "aht_minutes": "10.00",
        "fcr_pct": "70.00",
        "cost_per_ticket": "3.00",
    }
    assert (body["quote_id"], body["status"], body["day_number"]) == (quote.pk, "planned", 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"length_days": 29}, "length_days"),
        ({"length_days": 91}, "length_days"),
        ({"channel": "fax"}, "channel"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"vendor_id": 999_999}, "vendor_id"),
        ({"quote_id": 999_999}, "quote_id"),
        ({"targets": {"csat_pct": 101, "aht_minutes": 10, "cost_per_ticket": 3}}, "targets.csat_pct"),
        ({"targets": {"aht_minutes": -1, "cost_per_ticket": 3}}, "targets.aht_minutes"),
        ({"targets": {"aht_minutes": 10}}, "targets.cost_per_ticket"),
        ({"targets": {"aht_minutes": "ten", "cost_per_ticket": 3}}, "targets.aht_minutes"),
    ],
)  # fmt: skip
def test_a_bad_pilot_is_422_naming_the_field(api_as, procurement_user, vendor_a, change, field):
    body = {
        "vendor_id": vendor_a.pk,
        "channel": "email",
        "start_date": "2026-04-01",
        "length_days": 60,
        "targets": {"aht_minutes": 10, "cost_per_ticket": 3},
    }
    body.update(change)
    response = api_as(procurement_user).post("/api/v1/pilots", body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"], response.json()
    assert not Pilot.objects.exists()


def test_a_quote_of_another_vendor_is_refused(api_as, procurement_user, vendor_a, vendor_b):
    quote = make_awarded_quote(vendor_b, procurement_user)
    response = api_as(procurement_user).post(
        "/api/v1/pilots",
        {
            "vendor_id": vendor_a.pk,
            "quote_id": quote.pk,
            "channel": "email",
            "start_date": "2026-04-01",
            "length_days": 60,
            "targets": {"aht_minutes": 10, "cost_per_ticket": 3},
        },
    )
    assert response.status_code == 422
    assert "quote_id" in response.json()["errors"]


def test_only_procurement_creates_pilots(api_as, manager, vendor_a_user, vendor_a):
    body = {"vendor_id": vendor_a.pk, "channel": "email", "start_date": "2026-04-01",
            "length_days": 60, "targets": {"aht_minutes": 10, "cost_per_ticket": 3}}  # fmt: skip
    assert api_as(manager).post("/api/v1/pilots", body).status_code == 403
    assert api_as(vendor_a_user).post("/api/v1/pilots", body).status_code == 403
    assert api_as(None).post("/api/v1/pilots", body).status_code == 401
    assert not Pilot.objects.exists()


# --- GET /pilots, /pilots/{id} --------------------------------------------------------------


def test_the_list_is_paginated_and_a_vendor_sees_only_its_own(
    api_as, manager, vendor_a_user, vendor_a, vendor_b
):
    own = make_pilot(vendor_a)
    make_pilot(vendor_b)
    everyone = api_as(manager).get("/api/v1/pilots").json()
    assert everyone["count"] == 2 and len(everyone["items"]) == 2
    mine = api_as(vendor_a_user).get("/api/v1/pilots").json()
    assert [p["id"] for p in mine["items"]] == [own.pk] and mine["count"] == 1


def test_one_pilot_with_targets_day_number_and_status(api_as, vendor_a_user, pilot):
    body = api_as(vendor_a_user).get(f"/api/v1/pilots/{pilot.pk}").json()
    assert set(body) == PILOT_FIELDS
    assert body["day_number"] == 10 and body["status"] == "running"
    assert body["start_date"] == "2026-03-01" and body["length_days"] == 30
    assert body["targets"]["cost_per_ticket"] == "3.33"
    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        later = api_as(vendor_a_user).get(f"/api/v1/pilots/{pilot.pk}").json()
    assert later["day_number"] == 30  # the pilot is over: day M of M


# --- PUT /pilots/{id}/kpis/{date} -------------------------------------------------------------


def test_put_is_201_for_a_new_day_and_200_when_it_replaces_one(
    api_as, vendor_a_user, procurement_user, pilot
):
    first = api_as(vendor_a_user).put(kpis_url(pilot, "2026-03-09"), kpi_body(tickets=100))
    assert first.status_code == 201, first.json()
    assert set(first.json()) == KPI_FIELDS
    assert first.json()["frt_minutes"] == "35.50" and first.json()["cost"] == "310.00"

    second = api_as(procurement_user).put(
        kpis_url(pilot, "2026-03-09"), kpi_body(tickets=120, cost=400)
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    entry = KpiEntry.objects.get(pilot=pilot)
    assert (entry.tickets, entry.cost, entry.late) == (120, Decimal("400.00"), True)
    old, new = entry.history.order_by("history_date")
    assert (old.tickets, old.history_user, old.history_change_reason) == (100, vendor_a_user, "API")
    assert (new.tickets, new.history_user) == (120, procurement_user)


@pytest.mark.parametrize(
    ("day", "overrides", "field"),
    [
        ("2026-03-11", {}, "date"),  # tomorrow
        ("2026-02-28", {}, "date"),  # before day 1
        ("2026-03-31", {}, "date"),  # after the last day (and in the future)
        ("2026-13-01", {}, "date"),  # not a date
        ("2026-03-09", {"tickets": -1}, "tickets"),
        ("2026-03-09", {"csat_responses": -1}, "csat_responses"),
        ("2026-03-09", {"csat_positive": -1}, "csat_positive"),
        ("2026-03-09", {"frt_minutes": "-1"}, "frt_minutes"),
        ("2026-03-09", {"aht_minutes": -0.5}, "aht_minutes"),
        ("2026-03-09", {"fcr_resolved": -1}, "fcr_resolved"),
        ("2026-03-09", {"cost": "-0.01"}, "cost"),
        ("2026-03-09", {"csat_responses": 10, "csat_positive": 11}, "csat_positive"),
        ("2026-03-09", {"tickets": 10, "fcr_resolved": 11}, "fcr_resolved"),
        ("2026-03-09", {"tickets": 100_001}, "tickets"),
        ("2026-03-09", {"aht_minutes": 1441}, "aht_minutes"),
        ("2026-03-09", {"frt_minutes": 10081}, "frt_minutes"),
        ("2026-03-09", {"cost": 100_001}, "cost"),
        ("2026-03-09", {"cost": "12.345"}, "cost"),
        ("2026-03-09", {"tickets": 1.5}, "tickets"),
        ("2026-03-09", {"tickets": "many"}, "tickets"),
        ("2026-03-09", {"cost": "NaN"}, "cost"),
        ("2026-03-09", {"tickets": None}, "tickets"),
    ],
)
def test_a_bad_day_is_422_naming_the_field_and_changes_nothing(
    api_as, vendor_a_user, pilot, day, overrides, field
):
    response = api_as(vendor_a_user).put(kpis_url(pilot, day), kpi_body(**overrides))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not KpiEntry.objects.exists()


def test_a_missing_field_is_422_naming_it(api_as, vendor_a_user, pilot):
    body = kpi_body()
    del body["fcr_resolved"]
    response = api_as(vendor_a_user).put(kpis_url(pilot, "2026-03-09"), body)
    assert response.status_code == 422
    assert "fcr_resolved" in response.json()["errors"]


def test_a_rejected_replace_keeps_the_saved_day(api_as, vendor_a_user, pilot):
    client = api_as(vendor_a_user)
    client.put(kpis_url(pilot, "2026-03-09"), kpi_body(tickets=100))
    response = client.put(kpis_url(pilot, "2026-03-09"), kpi_body(tickets=10, fcr_resolved=11))
    assert response.status_code == 422
    assert KpiEntry.objects.get(pilot=pilot).tickets == 100


def test_managers_may_not_put_kpis_and_other_vendors_do_not_find_the_pilot(
    api_as, manager, vendor_b_user, pilot
):
    assert api_as(manager).put(kpis_url(pilot, "2026-03-09"), kpi_body()).status_code == 403
    assert api_as(vendor_b_user).put(kpis_url(pilot, "2026-03-09"), kpi_body()).status_code == 404
    assert api_as(None).put(kpis_url(pilot, "2026-03-09"), kpi_body()).status_code == 401
    assert not KpiEntry.objects.exists()


# --- GET /pilots/{id}/kpis -----------------------------------------------------------------


def test_the_entries_come_oldest_first(api_as, vendor_a_user, manager, pilot):
    client = api_as(vendor_a_user)
    for day in ("2026-03-05", "2026-03-02", "2026-03-08"):
        client.put(kpis_url(pilot, day), kpi_body())
    body = api_as(manager).get(f"/api/v1/pilots/{pilot.pk}/kpis").json()
    assert [e["date"] for e in body] == ["2026-03-02", "2026-03-05", "2026-03-08"]
    assert all(set(e) == KPI_FIELDS for e in body)


def test_pooled_not_averaged_from_two_days_put_through_the_api(
    api_as, vendor_a_user, manager_client, pilot
):
    client = api_as(vendor_a_user)
    client.put(
        kpis_url(pilot, "2026-03-01"),
        kpi_body(tickets=10, csat_responses=10, csat_positive=9, fcr_resolved=5),
    )
    client.put(
        kpis_url(pilot, "2026-03-02"),
        kpi_body(tickets=100, csat_responses=100, csat_positive=80, fcr_resolved=50),
    )
    dash = manager_client.get(f"/pilots/{pilot.pk}/").context["dash"]
    csat = next(line for line in dash.kpis if line.key == "csat_pct")
    assert f"{csat.result.value:.2f}" == "80.91"  # 89/110, not (90% + 80%) / 2 = 85%
    assert csat.result.met is False


def test_the_openapi_document_describes_the_pilot_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/pilots"]) == {"get", "post"}
    assert set(paths["/api/v1/pilots/{id}"]) == {"get"}
    assert set(paths["/api/v1/pilots/{id}/kpis/{date}"]) == {"put"}
    assert set(paths["/api/v1/pilots/{id}/kpis"]) == {"get"}


def test_dates_are_iso_and_a_first_day_entry_is_accepted(api_as, vendor_a_user, pilot):
    response = api_as(vendor_a_user).put(kpis_url(pilot, START.isoformat()), kpi_body())
    assert response.status_code == 201
    assert response.json()["date"] == START.isoformat()
    assert KpiEntry.objects.get().day == date(2026, 3, 1) and date(2026, 3, 10) == TODAY
