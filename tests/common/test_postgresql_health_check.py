"""The health check that asks the socket (common/postgresql/base.py): a quiet idle connection
is kept without a `SELECT 1`; one the server has ended is closed and the next query reconnects."""

import time

import pytest
from django.conf import settings
from django.db import connection

from tests.support import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def probe():
    """A second connection to the test database, persistent and health-checked as in production."""
    require_postgresql("the health check is PostgreSQL's")
    from common.postgresql.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {**connection.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True},
        alias="health_probe",
    )
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def next_request(wrapper) -> None:
    # What request_started does for a persistent connection: check again before first use.
    wrapper.health_check_done = False


def test_the_settings_use_this_backend_on_postgresql():
    require_postgresql("the backend is PostgreSQL's")
    assert settings.DATABASES["default"]["ENGINE"] == "common.postgresql"
    assert connection.vendor == "postgresql"


def test_a_quiet_idle_connection_is_kept_without_a_round_trip(probe, monkeypatch):
    pid = backend_pid(probe)
    raw = probe.connection

    def no_select_1():
        raise AssertionError("SELECT 1 sent for a quiet idle connection")

    monkeypatch.setattr(probe, "is_usable", no_select_1)
    next_request(probe)
    assert backend_pid(probe) == pid
    assert probe.connection is raw and probe.health_check_done


def test_a_connection_the_server_ended_is_closed_and_the_next_query_reconnects(probe):
    pid = backend_pid(probe)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    deadline = time.monotonic() + 5
    while probe.quietly_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's FATAL and end of stream reach the socket
    assert not probe.quietly_usable()

    next_request(probe)
    assert backend_pid(probe) != pid  # no error: a new connection answered


def test_a_connection_inside_a_transaction_falls_back_to_select_1(probe, monkeypatch):
    calls = []
    real = probe.is_usable
    monkeypatch.setattr(probe, "is_usable", lambda: calls.append(1) or real())
    with probe.cursor() as cursor:
        cursor.execute("BEGIN")
    assert not probe.quietly_usable()
    next_request(probe)
    probe.close_if_health_check_failed()
    assert calls == [1] and probe.connection is not None
    with probe.cursor() as cursor:
        cursor.execute("ROLLBACK")
