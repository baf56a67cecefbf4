"""One KPI validator (issue 10): `KpiDayForm` reports every error of a day at once, in words
that name the field, on the page, in each CSV row and in the API."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from kpis.days import KpiDayForm
from pilots.models import KpiEntry, PilotStatus
from tests.pilots.kpi_entry_helpers import NOW, START, TODAY, good_values, make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30, status=PilotStatus.RUNNING)


def test_unconvertible_values_and_broken_rules_are_reported_together(pilot):
    data = {
        **good_values(),
        "day": date(2026, 3, 25),  # in the pilot, but after TODAY
        "tickets": "ten",
        "csat_responses": "10",
        "csat_positive": "11",  # more positives than responses
        "frt_minutes": "abc",
        "aht_minutes": "9.5",
        "fcr_resolved": "5",
        "cost": "-3",  # negative
    }
    form = KpiDayForm(data, period=pilot, today=TODAY, localized=False)
    assert not form.is_valid()
    errors = form.first_errors()
    assert errors == {
        "day": errors["day"],
        "tickets": "Enter a whole number.",
        "frt_minutes": "Enter a number.",
        "csat_positive": "Cannot exceed the number of CSAT responses.",
        "cost": "Must not be negative.",
    }
    assert "lies in the future" in errors["day"]


def test_resolved_above_tickets_is_reported_beside_other_field_errors(pilot):
    data = {**good_values(tickets=10, fcr_resolved=11), "day": TODAY, "aht_minutes": "x"}
    form = KpiDayForm(data, period=pilot, today=TODAY, localized=False)
    assert not form.is_valid()
    assert form.first_errors() == {
        "aht_minutes": "Enter a number.",
        "fcr_resolved": "Cannot exceed the number of tickets.",
    }


def test_the_page_shows_all_errors_on_the_first_submit_in_dutch(vendor_a_client, pilot):
    data = {**good_values(), "day": "2026-03-10", "csat_positive": "99", "frt_minutes": "abc"}
    data["cost"] = "-1"
    with time_machine.travel(NOW, tick=False), translation.override("nl"):
        response = vendor_a_client.post(
            reverse("pilots:kpi_entry", args=[pilot.pk]), data, HTTP_ACCEPT_LANGUAGE="nl"
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"csat_positive", "frt_minutes", "cost"}
    assert not KpiEntry.objects.exists()


def test_the_api_names_every_failing_field(api_as, vendor_a_user, pilot):
    client = api_as(vendor_a_user)
    body = {**good_values(), "csat_positive": 99, "fcr_resolved": 999, "cost": "-1"}
    body = {k: v for k, v in body.items() if k not in ("qa_sampled", "note")}
    with time_machine.travel(NOW, tick=False):
        response = client.put(f"/api/v1/pilots/{pilot.pk}/kpis/2026-03-05", body)
    assert response.status_code == 422
    assert not KpiEntry.objects.exists()
    text = str(response.json())
    for field in ("csat_positive", "fcr_resolved", "cost"):
        assert field in text
