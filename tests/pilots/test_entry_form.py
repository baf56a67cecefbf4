"""The daily KPI form: every rule on its field, saving again edits, the day page shows history."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from pilots.models import KpiEntry
from tests.pilots.kpi_entry_helpers import NOW, START, TODAY, good_values, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30)


def entry_url(pilot) -> str:
    return reverse("pilots:kpi_entry", args=[pilot.pk])


def form_data(day: date = TODAY, **overrides) -> dict:
    data = {k: ("" if v is None else v) for k, v in good_values(**overrides).items()}
    data["day"] = day.isoformat()
    return data


def post(client, pilot, **kwargs):
    return client.post(entry_url(pilot), form_data(**kwargs))


def field_errors(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors.get(field, [])


def test_the_vendor_enters_a_day_and_lands_on_the_day_page(vendor_a_client, pilot, vendor_a_user):
    response = post(vendor_a_client, pilot, day=date(2026, 3, 9))
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:kpi_day", args=[pilot.pk, "2026-03-09"])
    entry = KpiEntry.objects.get(pilot=pilot)
    assert (entry.day, entry.tickets, entry.entered_by) == (date(2026, 3, 9), 100, vendor_a_user)
    assert entry.late is True  # entered on 10 March for 9 March


def test_procurement_may_enter_too(procurement_client, pilot):
    assert post(procurement_client, pilot).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day": TODAY + timedelta(days=1)}, "day", "lies in the future"),
        ({"day": START - timedelta(days=1)}, "day", "outside the pilot"),
        ({"tickets": -1}, "tickets", "Must not be negative."),
        ({"csat_responses": -1}, "csat_responses", "Must not be negative."),
        ({"csat_positive": -1}, "csat_positive", "Must not be negative."),
        ({"frt_minutes": "-0.5"}, "frt_minutes", "Must not be negative."),
        ({"aht_minutes": "-1"}, "aht_minutes", "Must not be negative."),
        ({"fcr_resolved": -1}, "fcr_resolved", "Must not be negative."),
        ({"cost": "-10"}, "cost", "Must not be negative."),
        ({"qa_sampled": -1}, "qa_sampled", "Must not be negative."),
        ({"csat_responses": 10, "csat_positive": 11}, "csat_positive", "Cannot exceed the number of CSAT responses."),
        ({"tickets": 50, "fcr_resolved": 51}, "fcr_resolved", "Cannot exceed the number of tickets."),
        ({"tickets": 50, "fcr_resolved": 40, "qa_sampled": 51}, "qa_sampled", "Cannot exceed the number of tickets."),
        ({"tickets": 100_001}, "tickets", "not plausible"),
        ({"csat_responses": 100_001}, "csat_responses", "not plausible"),
        ({"frt_minutes": "10081"}, "frt_minutes", "not plausible"),
        ({"aht_minutes": "1441"}, "aht_minutes", "not plausible"),
        ({"cost": "100001"}, "cost", "not plausible"),
        ({"tickets": ""}, "tickets", "required"),
        ({"cost": "12.345"}, "cost", "2 decimal places"),
    ],
)  # fmt: skip
def test_every_rule_is_shown_on_its_field_and_nothing_is_saved(
    vendor_a_client, pilot, overrides, field, message
):
    response = post(vendor_a_client, pilot, **overrides)
    errors = field_errors(response, field)
    assert any(message in error for error in errors), errors
    assert message.split(":")[0] in response.content.decode()  # rendered next to the field
    assert not KpiEntry.objects.exists()


def test_saving_a_day_again_edits_it_and_keeps_the_old_values_in_history(
    vendor_a_client, procurement_client, pilot, vendor_a_user, procurement_user
):
    post(vendor_a_client, pilot, tickets=100, fcr_resolved=74)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        response = post(procurement_client, pilot, tickets=120, fcr_resolved=80)
    assert response.status_code == 302
    entry = KpiEntry.objects.get(pilot=pilot)
    assert (entry.tickets, entry.fcr_resolved) == (120, 80)
    assert entry.history.count() == 2

    page = vendor_a_client.get(reverse("pilots:kpi_day", args=[pilot.pk, TODAY.isoformat()]))
    html = page.content.decode()
    history = page.context["history"]
    assert [row.kind for row in history] == ["~", "+"]
    assert history[0].who == procurement_user and history[1].who == vendor_a_user
    assert ("tickets", 100, 120) in history[0].changes
    assert ("fcr_resolved", 74, 80) in history[0].changes
    assert history[0].when - history[1].when == timedelta(hours=2)
    assert procurement_user.get_full_name() in html and vendor_a_user.get_full_name() in html
    assert "<del>100</del>" in html and "<strong>120</strong>" in html


def test_the_form_for_a_day_with_an_entry_is_prefilled_and_warns_it_replaces(
    vendor_a_client, pilot
):
    post(vendor_a_client, pilot, tickets=77, fcr_resolved=70)
    response = vendor_a_client.get(entry_url(pilot), {"day": TODAY.isoformat()})
    assert response.context["form"].initial["tickets"] == 77
    assert 'id="editing-notice"' in response.content.decode()
    assert 'id="entry-history"' in response.content.decode()


def test_the_form_opens_on_the_first_missing_day(vendor_a_client, pilot):
    for offset in range(3):
        post(vendor_a_client, pilot, day=START + timedelta(days=offset))
    response = vendor_a_client.get(entry_url(pilot))
    assert response.context["form"].initial["day"] == date(2026, 3, 4)


def test_a_dutch_user_types_decimal_commas(vendor_a_client, pilot, vendor_a_user):
    vendor_a_user.language = "nl"
    vendor_a_user.save()
    response = post(vendor_a_client, pilot, frt_minutes="35,75", aht_minutes="9,50", cost="310,5")
    assert response.status_code == 302, response.context["form"].errors
    entry = KpiEntry.objects.get(pilot=pilot)
    assert str(entry.frt_minutes) == "35.75" and str(entry.cost) == "310.50"


def test_the_day_page_without_an_entry_offers_to_enter_it(vendor_a_client, manager_client, pilot):
    url = reverse("pilots:kpi_day", args=[pilot.pk, "2026-03-05"])
    vendor_html = vendor_a_client.get(url).content.decode()
    assert 'id="no-entry"' in vendor_html and "?day=2026-03-05" in vendor_html
    manager_html = manager_client.get(url).content.decode()
    assert 'id="no-entry"' in manager_html and "?day=2026-03-05" not in manager_html


def test_a_nonsense_day_in_the_url_is_404(vendor_a_client, pilot):
    assert vendor_a_client.get(f"/pilots/{pilot.pk}/kpis/2026-02-31/").status_code == 404
