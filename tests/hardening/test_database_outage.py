"""While the database is unreachable, pages and the API answer 503 with Retry-After (an
outage the client should retry), never a 500 page (a bug); other errors stay 500.

The real restart of PostgreSQL under load is benchmarks/drills/postgres_restart.py.
"""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.conftest import ApiClient


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 port 5432 failed")

    def down():
        monkeypatch.setattr(connection, "cursor", refuse)

    return down


def _no_raise(client: Client) -> Client:
    # Let the handler answer, as in production, instead of re-raising into the test.
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_page_answers_503_with_retry_after(manager_client, database_down):
    database_down()
    response = _no_raise(manager_client).get(reverse("pilots:pilot_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Service temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_the_page_is_in_the_browsers_language(database_down):
    client = _no_raise(Client(headers={"Accept-Language": "nl"}))
    client.cookies["sessionid"] = "k" * 32  # reading the session needs the database
    database_down()
    response = client.get(reverse("pilots:pilot_list"))
    assert response.status_code == 503
    assert "Dienst tijdelijk niet beschikbaar" in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_503_json(procurement_user, database_down):
    api = ApiClient(procurement_user)
    _no_raise(api.client)
    database_down()
    response = api.get("/api/v1/vendors")
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable. Try again shortly."}
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_healthz_says_which_dependency_is_down(client, database_down, monkeypatch):
    from config import views

    monkeypatch.setattr(views, "broker_ok", lambda: True)
    database_down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "ok", "status": "down"}


@pytest.mark.django_db
def test_any_other_error_is_still_a_500(rf):
    from common.views import server_error

    request = rf.get("/pilots/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
