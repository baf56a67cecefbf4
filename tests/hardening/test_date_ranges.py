"""Issue 15: every date that comes in lies between 1 January 2000 and ten years after today
(common.dates), on the pages, in the API (body and path) and in commands; and a bad date
already stored never turns a page into a 500."""

from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from common.dates import date_max, date_range_error
from pilots.models import Pilot
from tests.pilots.factories import PilotFactory
from tests.procurement.test_api import RFQ_BODY
from tests.procurement.test_rfq_pages import _rfq_post

TODAY = date(2026, 3, 1)
MESSAGE = "Enter a date between Jan. 1, 2000 and March 1, 2036."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-01 10:00 +01:00", tick=False):
        yield


def test_the_range_runs_from_2000_to_ten_years_ahead():
    assert date_range_error(date(2000, 1, 1)) is None
    assert date_range_error(date(2036, 3, 1)) is None
    assert date_range_error(date(1999, 12, 31)) == MESSAGE
    assert date_range_error(date(2036, 3, 2)) == MESSAGE
    assert date_range_error(date(1, 1, 1)) == MESSAGE
    assert date_max(date(2024, 2, 29)) == date(2034, 2, 28)
    with translation.override("nl"):
        assert date_range_error(date(9999, 12, 31)) == (
            "Vul een datum in tussen 1 januari 2000 en 1 maart 2036."
        )


def _pilot_body(vendor, **overrides) -> dict:
    body = {"vendor_id": vendor.pk, "channel": "email", "start_date": "2026-03-02"}
    body |= {"length_days": 60, "targets": {"aht_minutes": "10", "cost_per_ticket": "3"}}
    return body | overrides


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_the_api_refuses_an_implausible_pilot_start(api_as, procurement_user, vendor_a, start):
    response = api_as(procurement_user).post(
        "/api/v1/pilots", _pilot_body(vendor_a, start_date=start)
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"start_date": [MESSAGE]}
    assert not Pilot.objects.exists()


@pytest.mark.django_db
def test_the_pilot_form_refuses_an_implausible_start(procurement_client, vendor_a):
    from tests.pilots.test_pilot_list_and_create import pilot_post

    response = procurement_client.post(
        reverse("pilots:pilot_create"), pilot_post(vendor=vendor_a.pk, start_date="9999-12-31")
    )
    assert response.status_code in (200, 422)
    assert response.context["form"].errors["start_date"] == [MESSAGE]
    assert not Pilot.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_quote_deadline_in_year_9999(api_as, procurement_user):
    body = RFQ_BODY | {"quote_deadline": "9999-12-31T17:00:00+01:00"}
    response = api_as(procurement_user).post("/api/v1/rfqs", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {"quote_deadline": [MESSAGE]}


@pytest.mark.django_db
def test_the_rfq_form_refuses_a_quote_deadline_in_year_9999(procurement_client):
    response = procurement_client.post(
        reverse("procurement:rfq_create"), _rfq_post(quote_deadline="9999-12-31T17:00")
    )
    assert response.context["form"].errors["quote_deadline"] == [MESSAGE]


@pytest.mark.django_db
def test_a_kpi_day_in_the_path_is_bounded_too(api_as, vendor_a_user):
    pilot = PilotFactory(vendor=vendor_a_user.vendor, start_date=date(2026, 2, 1))
    response = api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/9999-12-31", {})
    assert response.status_code == 422
    assert response.json()["errors"]["date"] == [MESSAGE]


def test_the_command_refuses_an_implausible_date():
    with pytest.raises(CommandError, match="Enter a date between"):
        call_command("evaluate_pilots", "--date", "0001-01-01")


@pytest.mark.django_db
def test_a_bad_start_date_already_stored_breaks_no_page(
    manager_client, vendor_a_client, vendor_a, api_as, manager
):
    """Stored before the bound existed: the lists, the pilot's pages and the API still work."""
    pilot = PilotFactory(vendor=vendor_a, start_date=date(2026, 2, 1))
    Pilot.objects.filter(pk=pilot.pk).update(start_date=date(9999, 12, 31))
    assert manager_client.get(reverse("pilots:pilot_list")).status_code == 200
    assert vendor_a_client.get(reverse("pilots:vendor_pilot_list")).status_code == 200
    assert manager_client.get(reverse("pilots:pilot_detail", args=[pilot.pk])).status_code == 200
    assert api_as(manager).get("/api/v1/pilots").status_code == 200
    assert api_as(manager).get(f"/api/v1/pilots/{pilot.pk}").status_code == 200
    pilot.refresh_from_db()
    assert pilot.end_date == date.max


@pytest.mark.django_db
def test_the_sweep_leaves_a_pilot_stored_in_year_1_alone(vendor_a):
    from django.core import mail

    from pilots.evaluation.sweep import pilots_evaluate_due
    from pilots.models import Scorecard

    pilot = PilotFactory(vendor=vendor_a, start_date=date(2026, 1, 1), length_days=30)
    Pilot.objects.filter(pk=pilot.pk).update(start_date=date(1, 1, 1))
    assert pilots_evaluate_due(as_of=TODAY) == []
    assert not Scorecard.objects.exists()
    assert not mail.outbox
