"""docs/domain.md §6 / docs/api.md: contract alerts stand in the one alerts list beside the pilots'
(page, badge, `GET /api/v1/alerts` with `kind` and `object`), and `POST
/api/v1/alerts/{id}/acknowledge` takes a manager's note; an exit review closes only so, its
note kept in the review log. Ids: "pilot-N" and "contract-N", never ambiguous."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractAlert, ContractAlertKind, Review, ReviewKind
from pilots.models import Alert, AlertKind
from tests.contracts.factories import ContractFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2027-03-10 09:00Z", tick=False):
        cache.clear()
        yield


@pytest.fixture
def alerts():
    """A pilot alert and a contract exit review (each table numbers its own rows, so their
    numbers may well be equal), the exit review newer."""
    now = timezone.now()
    pilot = PilotFactory(start_date=date(2027, 2, 1), status="running")
    contract = ContractFactory(start_date=date(2026, 12, 1), months=12)
    pilot_alert = Alert.objects.create(pilot=pilot, kind=AlertKind.MISSING_DAY, key="2027-03-07")
    exit_review = ContractAlert.objects.create(
        contract=contract,
        kind=ContractAlertKind.EXIT_REVIEW,
        key="2026-12",
        params={"from": "2026-12", "to": "2027-02", "months": 3},
    )
    Alert.objects.filter(pk=pilot_alert.pk).update(opened_at=now - timedelta(hours=2))
    ContractAlert.objects.filter(pk=exit_review.pk).update(opened_at=now - timedelta(hours=1))
    return {"pilot": pilot, "contract": contract, "pilot_alert": pilot_alert, "exit": exit_review}


def test_the_api_lists_pilot_and_contract_alerts_newest_first_with_kind_and_object(
    api_as, manager, alerts
):
    response = api_as(manager).get("/api/v1/alerts")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["items"]
    assert first["id"] == f"contract-{alerts['exit'].pk}"
    assert first["kind"] == "exit_review"
    assert first["object"] == {"type": "contract", "id": alerts["contract"].pk}
    assert first["message"] == (
        "3 poor months in a row (since 2026-12): review the contract's exit clauses."
    )
    assert second["id"] == f"pilot-{alerts['pilot_alert'].pk}"
    assert second["object"] == {"type": "pilot", "id": alerts["pilot"].pk}
    assert set(first) >= {"id", "kind", "object", "message", "opened_at"}
    page = api_as(manager).get("/api/v1/alerts", limit=1, offset=1).json()
    assert page["count"] == 2
    assert [a["id"] for a in page["items"]] == [second["id"]]


def test_a_manager_acknowledges_an_exit_review_with_a_note_kept_in_the_review_log(
    api_as, manager, alerts
):
    exit_id = f"contract-{alerts['exit'].pk}"
    api = api_as(manager)
    blank = api.post(f"/api/v1/alerts/{exit_id}/acknowledge", {"note": "  "})
    assert blank.status_code == 422
    assert "note" in blank.json()["errors"]
    assert api.post(f"/api/v1/alerts/{exit_id}/acknowledge", {}).status_code == 422
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].closed_at is None  # a refused request changes nothing

    response = api.post(
        f"/api/v1/alerts/{exit_id}/acknowledge", {"note": "Recovery plan agreed; review in May."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == exit_id
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].closed_at is not None
    assert alerts["exit"].acknowledged_by == manager
    assert alerts["exit"].acknowledged_note == "Recovery plan agreed; review in May."
    (review,) = Review.objects.filter(contract=alerts["contract"], kind=ReviewKind.EXIT_REVIEW)
    assert "Recovery plan agreed; review in May." in review.notes
    assert review.date == date(2027, 3, 10)
    # The pilot alert with the same number is untouched; the list keeps only it.
    alerts["pilot_alert"].refresh_from_db()
    assert alerts["pilot_alert"].acknowledged_at is None
    assert [a["id"] for a in api.get("/api/v1/alerts").json()["items"]] == [
        f"pilot-{alerts['pilot_alert'].pk}"
    ]


def test_a_pilot_alert_is_acknowledged_by_its_prefixed_id_and_stays_open_until_its_cause_goes(
    api_as, manager, alerts
):
    pilot_id = f"pilot-{alerts['pilot_alert'].pk}"
    response = api_as(manager).post(f"/api/v1/alerts/{pilot_id}/acknowledge", {"note": "Seen."})
    assert response.status_code == 200
    alerts["pilot_alert"].refresh_from_db()
    assert alerts["pilot_alert"].acknowledged_note == "Seen."
    assert alerts["pilot_alert"].closed_at is None
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].acknowledged_at is None


@pytest.mark.parametrize("alert_id", ["contract-999999", "lease-1", "contract-x", "99999999"])
def test_an_unknown_alert_id_is_404(api_as, manager, alerts, alert_id):
    response = api_as(manager).post(f"/api/v1/alerts/{alert_id}/acknowledge", {"note": "?"})
    assert response.status_code == 404


def test_only_managers_acknowledge_through_the_api(api_as, procurement_user, vendor_a_user, alerts):
    exit_id = f"contract-{alerts['exit'].pk}"
    for user, status in ((procurement_user, 403), (vendor_a_user, 403), (None, 401)):
        response = api_as(user).post(f"/api/v1/alerts/{exit_id}/acknowledge", {"note": "x"})
        assert response.status_code == status
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].acknowledged_at is None


def test_the_api_acknowledge_checks_csrf_for_a_session(manager, alerts):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    exit_id = f"contract-{alerts['exit'].pk}"
    response = client.post(
        f"/api/v1/alerts/{exit_id}/acknowledge", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    client.get(reverse("pilots:alert_list"))
    response = client.post(
        f"/api/v1/alerts/{exit_id}/acknowledge",
        {"note": "Noted."},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 200


def test_the_page_and_badge_show_contract_alerts_and_ask_a_manager_for_a_note(
    manager_client, procurement_client, alerts
):
    html = manager_client.get(reverse("pilots:alert_list")).content.decode()
    exit_id = f"contract-{alerts['exit'].pk}"
    assert f'data-alert="{exit_id}"' in html
    assert f'data-alert="pilot-{alerts["pilot_alert"].pk}"' in html
    assert "review the contract&#x27;s exit clauses" in html
    assert 'name="note"' in html
    assert '<span class="badge text-bg-danger" id="alert-badge">2</span>' in html
    # Procurement sees it but may not close it.
    other = procurement_client.get(reverse("pilots:alert_list")).content.decode()
    assert "A manager acknowledges it with a note." in other
    url = reverse("pilots:alert_acknowledge", args=[exit_id])
    assert procurement_client.post(url, {"note": "x"}).status_code == 403
    # Without a note: refused in words, nothing changes.
    response = manager_client.post(url, {"note": ""}, follow=True)
    assert "Write what was decided about the exit review" in response.content.decode()
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].closed_at is None
    manager_client.post(url, {"note": "Exit clause invoked from 1 June."})
    alerts["exit"].refresh_from_db()
    assert alerts["exit"].closed_at is not None
    assert Review.objects.filter(kind=ReviewKind.EXIT_REVIEW).count() == 1


def test_a_contract_credit_base_is_returned_by_the_api(api_as, manager, alerts):
    body = api_as(manager).get(f"/api/v1/contracts/{alerts['contract'].pk}").json()
    assert body["monthly_charge"] == str(Decimal("3100.00"))
