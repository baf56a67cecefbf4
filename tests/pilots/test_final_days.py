"""docs/domain.md §5: once the managers recorded the decision, the days its scorecard covered are
final. A vendor's change to them is refused on every door (form, CSV, API 422 naming the
date); procurement may correct a day with a written reason, and the scorecard then says its
data changed after it was made."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from kpis.csv_import import parse_kpi_csv
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Decision, KpiEntry, Pilot, PilotStatus, Scorecard
from tests.pilots.conftest import add_days
from tests.pilots.kpi_entry_helpers import START, good_values, make_pilot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 5)
FINAL_DAY = "2026-03-05"  # day 5 of a 30-day pilot: its decision checkpoint is day 30


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-04-05 10:00 +02:00", tick=False):
        yield


@pytest.fixture
def decided(vendor_a):
    pilot = make_pilot(vendor_a, start=START, length=30)
    add_days(pilot, range(1, 31))
    pilots_evaluate_due(as_of=TODAY)
    Pilot.objects.filter(pk=pilot.pk).update(decision=Decision.SCALE_UP, status=PilotStatus.DECIDED)
    pilot.refresh_from_db()
    return pilot


def _body(**overrides) -> dict:
    body = good_values(**overrides)
    body.pop("qa_sampled")
    body.pop("note")
    return body


def test_the_days_the_decision_covered_are_final(decided, vendor_a):
    assert decided.final_until == date(2026, 3, 30)
    assert make_pilot(vendor_a, start=START, length=30).final_until is None  # no decision yet


def test_a_vendor_cannot_change_a_final_day_through_the_api(api_as, vendor_a_user, decided):
    response = api_as(vendor_a_user).put(
        f"/api/v1/pilots/{decided.pk}/kpis/{FINAL_DAY}", _body(tickets=99)
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "date": [
            "5 Mar 2026 is final: the decision was based on it. Procurement may correct it,"
            " with a reason."
        ]
    }
    assert KpiEntry.objects.get(pilot=decided, day=FINAL_DAY).tickets == 20


def test_a_vendor_cannot_change_a_final_day_on_the_form(vendor_a_client, decided):
    response = vendor_a_client.post(
        reverse("pilots:kpi_entry", args=[decided.pk]), {"day": FINAL_DAY, **good_values()}
    )
    assert "is final" in response.context["form"].errors["day"][0]
    assert "reason" not in response.context["form"].fields
    assert "Days up to 30 Mar 2026 are final" in response.content.decode()
    assert KpiEntry.objects.get(pilot=decided, day=FINAL_DAY).tickets == 20


def test_a_final_day_in_a_csv_is_a_row_error(decided):
    raw = (
        "date,tickets,csat_responses,csat_positive,frt_minutes,aht_minutes,fcr_resolved,cost\n"
        f"{FINAL_DAY},100,40,36,35.5,9.5,74,310\n"
    ).encode()
    result = parse_kpi_csv(raw=raw, period=decided, today=TODAY)
    assert not result.rows
    assert [(e.line, "is final" in e.message) for e in result.errors] == [(2, True)]


def test_procurement_must_give_a_reason_to_correct_a_final_day(api_as, procurement_user, decided):
    response = api_as(procurement_user).put(
        f"/api/v1/pilots/{decided.pk}/kpis/{FINAL_DAY}", _body(tickets=100)
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    assert not Scorecard.objects.filter(data_changed_at__isnull=False).exists()


def test_procurement_corrects_a_final_day_with_a_reason_and_the_scorecard_says_so(
    api_as, procurement_user, decided, manager_client
):
    response = api_as(procurement_user).put(
        f"/api/v1/pilots/{decided.pk}/kpis/{FINAL_DAY}",
        _body(reason="The vendor's export double-counted merged tickets."),
    )
    assert response.status_code == 200
    entry = KpiEntry.objects.get(pilot=decided, day=FINAL_DAY)
    assert entry.tickets == 100
    assert entry.correction_reason == "The vendor's export double-counted merged tickets."
    assert entry.history.first().correction_reason == entry.correction_reason
    card = Scorecard.objects.get(pilot=decided, checkpoint_day=30)
    assert card.data_changed_at is not None
    page = manager_client.get(reverse("pilots:scorecard_detail", args=[decided.pk, 30]))
    assert "Its data changed after this scorecard was made" in page.content.decode()
    # Integrators see it too: the scorecard API names when its data changed.
    cards = api_as(procurement_user).get(f"/api/v1/pilots/{decided.pk}/scorecards").json()
    by_day = {c["checkpoint_day"]: c for c in cards}
    assert by_day[30]["data_changed_at"] is not None


def test_procurement_corrects_a_final_day_on_the_form(procurement_client, decided):
    url = reverse("pilots:kpi_entry", args=[decided.pk])
    assert "reason" in procurement_client.get(url).context["form"].fields
    response = procurement_client.post(
        url, {"day": FINAL_DAY, **good_values(), "reason": "Typo in the tickets."}
    )
    assert response.status_code == 302
    assert KpiEntry.objects.get(pilot=decided, day=FINAL_DAY).correction_reason == (
        "Typo in the tickets."
    )


def test_before_the_decision_a_vendor_still_changes_the_day(api_as, vendor_a_user, vendor_a):
    pilot = make_pilot(vendor_a, start=START, length=30)
    add_days(pilot, range(1, 31))
    response = api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/{FINAL_DAY}", _body())
    assert response.status_code == 200
