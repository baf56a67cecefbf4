"""Who reaches which pilot page and endpoint: the owner 200, another vendor 404 (existence does
not leak), the wrong role 403, nobody 302/401 — one case per page and endpoint."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilots.models import KpiEntry, Pilot
from tests.pilots.factories import KpiEntryFactory
from tests.pilots.kpi_entry_helpers import NOW, START, TODAY, good_values, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# (url name, takes a day, method). Reads are open to every role that may see the pilot.
READ_PAGES = [
    ("pilots:pilot_detail", False),
    ("pilots:kpi_day", True),
    ("pilots:kpi_csv_export", False),
]
# Writes: the pilot's vendor and procurement; managers 403.
WRITE_PAGES = [
    ("pilots:kpi_entry", False),
    ("pilots:kpi_csv_upload", False),
    ("pilots:kpi_csv_template", False),
]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pilot(vendor_a, vendor_a_user):
    pilot = make_pilot(vendor_a, start=START)
    KpiEntryFactory(pilot=pilot, day=START, entered_by=vendor_a_user)
    return pilot


def url(name: str, pilot, with_day: bool) -> str:
    args = [pilot.pk, START.isoformat()] if with_day else [pilot.pk]
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "with_day"), READ_PAGES + WRITE_PAGES)
def test_another_vendor_gets_404_on_every_pilot_page(vendor_b_client, pilot, name, with_day):
    assert vendor_b_client.get(url(name, pilot, with_day)).status_code == 404


@pytest.mark.parametrize(("name", "with_day"), READ_PAGES + WRITE_PAGES)
def test_the_owner_and_procurement_reach_every_pilot_page(
    vendor_a_client, procurement_client, admin_role_client, pilot, name, with_day
):
    for client in (vendor_a_client, procurement_client, admin_role_client):
        assert client.get(url(name, pilot, with_day)).status_code == 200


@pytest.mark.parametrize(("name", "with_day"), READ_PAGES)
def test_managers_read_the_pilot(manager_client, pilot, name, with_day):
    assert manager_client.get(url(name, pilot, with_day)).status_code == 200


@pytest.mark.parametrize(("name", "with_day"), WRITE_PAGES)
def test_managers_get_403_on_kpi_entry(manager_client, pilot, name, with_day):
    assert manager_client.get(url(name, pilot, with_day)).status_code == 403


@pytest.mark.parametrize(("name", "with_day"), READ_PAGES + WRITE_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, pilot, name, with_day):
    response = client.get(url(name, pilot, with_day))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "with_day"), READ_PAGES + WRITE_PAGES)
def test_a_pilot_that_does_not_exist_is_404(vendor_a_client, name, with_day):
    assert vendor_a_client.get(url(name, Pilot(pk=999_999), with_day)).status_code == 404


def test_another_vendor_cannot_post_a_day_or_a_file(vendor_b_client, manager_client, pilot):
    data = {**good_values(), "day": TODAY.isoformat()}
    assert vendor_b_client.post(url("pilots:kpi_entry", pilot, False), data).status_code == 404
    assert manager_client.post(url("pilots:kpi_entry", pilot, False), data).status_code == 403
    upload = {"file": SimpleUploadedFile("k.csv", b"date,tickets\n", content_type="text/csv")}
    assert (
        vendor_b_client.post(url("pilots:kpi_csv_upload", pilot, False), upload).status_code == 404
    )
    assert KpiEntry.objects.filter(pilot=pilot).count() == 1


def test_only_procurement_creates_pilots(
    procurement_client, admin_role_client, manager_client, vendor_a_client
):
    create = reverse("pilots:pilot_create")
    assert procurement_client.get(create).status_code == 200
    assert admin_role_client.get(create).status_code == 200
    assert manager_client.get(create).status_code == 403
    assert vendor_a_client.get(create).status_code == 403
    assert vendor_a_client.post(create, {}).status_code == 403


def test_lists_by_role(manager_client, procurement_client, vendor_a_client):
    assert manager_client.get(reverse("pilots:pilot_list")).status_code == 200
    assert procurement_client.get(reverse("pilots:pilot_list")).status_code == 200
    assert vendor_a_client.get(reverse("pilots:pilot_list")).status_code == 403
    assert manager_client.get(reverse("pilots:vendor_pilot_list")).status_code == 403
    assert vendor_a_client.get(reverse("pilots:vendor_pilot_list")).status_code == 200


# --- The API ---------------------------------------------------------------------------------


def api_calls(pilot):
    body = {k: v for k, v in good_values().items() if k not in ("qa_sampled", "note")}
    return [
        ("get", f"/api/v1/pilots/{pilot.pk}", None),
        ("get", f"/api/v1/pilots/{pilot.pk}/kpis", None),
        ("put", f"/api/v1/pilots/{pilot.pk}/kpis/{TODAY.isoformat()}", body),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_another_vendor_gets_404_on_every_pilot_endpoint(api_as, vendor_b_user, pilot, index):
    method, path, body = api_calls(pilot)[index]
    client = api_as(vendor_b_user)
    response = client.put(path, body) if method == "put" else client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_owner_reaches_every_pilot_endpoint(api_as, vendor_a_user, pilot, index):
    method, path, body = api_calls(pilot)[index]
    client = api_as(vendor_a_user)
    response = client.put(path, body) if method == "put" else client.get(path)
    assert response.status_code in (200, 201)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_no_credentials_is_401_on_every_pilot_endpoint(api_as, pilot, index):
    method, path, body = api_calls(pilot)[index]
    client = api_as(None)
    response = client.put(path, body) if method == "put" else client.get(path)
    assert response.status_code == 401


def test_the_vendor_list_endpoint_never_shows_another_vendors_pilot(api_as, vendor_b_user, pilot):
    body = api_as(vendor_b_user).get("/api/v1/pilots").json()
    assert body == {"items": [], "count": 0}


def test_a_session_write_needs_the_csrf_token(vendor_a_user, pilot):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(vendor_a_user)
    body = {k: v for k, v in good_values().items() if k not in ("qa_sampled", "note")}
    response = client.put(
        f"/api/v1/pilots/{pilot.pk}/kpis/{TODAY.isoformat()}", body, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not KpiEntry.objects.filter(day=TODAY).exists()
