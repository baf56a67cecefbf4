"""While the database is unreachable, pages and the API answer 503 with Retry-After (an
outage the client should retry), never a 500 page (a bug); other errors stay 500.

The real restart of PostgreSQL under load is benchmarks/drills/postgres_restart.py.
"""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from psycopg import errors as psycopg_errors

from common.db import is_conflict, is_unreachable, retry_on_conflict
from common.views import server_error
from tests.conftest import ApiClient
from tests.support import require_postgresql


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
def test_healthz_says_which_dependency_is_down(client, monkeypatch):
    from config import views

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 port 5432 failed")

    monkeypatch.setattr(views, "broker_ok", lambda: True)
    monkeypatch.setattr(views.heartbeats, "last_seen", refuse)  # checked off the request
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "down",
        "broker": "ok",
        "worker": "down",
        "beat": "down",
        "status": "down",
    }


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


# --- an OperationalError is not always an outage ----------------------------------------------


def _wrapped(driver_error: Exception) -> OperationalError:
    """A driver error as Django raises it: wrapped, with the original as __cause__."""
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


CONFLICTS = [
    pytest.param(psycopg_errors.DeadlockDetected("deadlock detected"), id="deadlock-40P01"),
    pytest.param(
        psycopg_errors.SerializationFailure("could not serialize access"), id="serialization-40001"
    ),
    pytest.param(psycopg_errors.LockNotAvailable("lock timeout"), id="lock-timeout-55P03"),
]
UNREACHABLE = [
    pytest.param(psycopg_errors.AdminShutdown("terminating connection"), id="admin-shutdown-57P01"),
    pytest.param(psycopg_errors.ConnectionFailure("connection failure"), id="connection-08006"),
    pytest.param(psycopg_errors.TooManyConnections("too many clients"), id="too-many-53300"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("driver_error", CONFLICTS)
def test_a_deadlock_is_a_conflict_not_an_outage(driver_error):
    exc = _wrapped(driver_error)
    assert is_conflict(exc)
    assert not is_unreachable(exc)


@pytest.mark.django_db
@pytest.mark.parametrize("driver_error", UNREACHABLE)
def test_a_lost_connection_is_an_outage(driver_error):
    exc = _wrapped(driver_error)
    assert is_unreachable(exc)
    assert not is_conflict(exc)


@pytest.mark.django_db
def test_an_error_the_server_answered_is_not_an_outage():
    # e.g. a statement timeout (57014): the database answered; a 500 (a bug to look at).
    assert not is_unreachable(_wrapped(psycopg_errors.QueryCanceled("statement timeout")))
    # No SQLSTATE and `SELECT 1` works (an SQLite "no such table"): not an outage either.
    assert not is_unreachable(OperationalError("no such table: pilots_nothing"))
    assert is_conflict(OperationalError("database is locked"))


@pytest.mark.django_db
def test_no_sqlstate_and_the_database_does_not_answer_is_an_outage(database_down):
    error = _wrapped(psycopg_errors.OperationalError("connection failed: Connection refused"))
    database_down()
    assert is_unreachable(error)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/pilots/", "/api/v1/pilots"])
def test_a_deadlock_that_outlived_its_retries_answers_409_not_503(rf, path):
    request = rf.put(path)
    try:
        raise _wrapped(psycopg_errors.DeadlockDetected("deadlock detected"))
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert b"cannot reach its database" not in response.content
    assert b"Nothing was saved" in response.content


# --- retry_on_conflict ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_retry_on_conflict_runs_the_transaction_again_and_rolls_back_each_failed_run(
    monkeypatch,
):
    from accounts.models import User

    monkeypatch.setattr("common.db.time.sleep", lambda seconds: None)
    runs = []

    @retry_on_conflict(attempts=3)
    def write():
        runs.append(1)
        User.objects.create_user(email=f"run{len(runs)}@example.com", password="x")
        if len(runs) < 3:
            raise _wrapped(psycopg_errors.DeadlockDetected("deadlock detected"))
        return "saved"

    assert write() == "saved"
    assert len(runs) == 3
    # The two failed runs were rolled back: only the third one's row exists.
    assert list(User.objects.values_list("email", flat=True)) == ["run3@example.com"]


@pytest.mark.django_db(transaction=True)
def test_retry_on_conflict_gives_up_after_its_attempts_and_raises_the_conflict(monkeypatch):
    sleeps = []
    monkeypatch.setattr("common.db.time.sleep", sleeps.append)
    runs = []

    @retry_on_conflict(attempts=4, base_delay=0.1)
    def write():
        runs.append(1)
        raise _wrapped(psycopg_errors.SerializationFailure("could not serialize"))

    with pytest.raises(OperationalError) as raised:
        write()
    assert is_conflict(raised.value)
    assert len(runs) == 4
    # Backoff doubles, jittered ±50%.
    assert len(sleeps) == 3
    for n, slept in enumerate(sleeps):
        assert 0.05 * 2**n <= slept <= 0.15 * 2**n


@pytest.mark.django_db(transaction=True)
def test_retry_on_conflict_does_not_retry_other_errors(monkeypatch):
    monkeypatch.setattr("common.db.time.sleep", lambda seconds: None)
    runs = []

    @retry_on_conflict
    def write():
        runs.append(1)
        raise _wrapped(psycopg_errors.ConnectionFailure("connection failure"))

    with pytest.raises(OperationalError):
        write()
    assert len(runs) == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_it_runs_once(monkeypatch):
    from django.db import transaction

    runs = []

    @retry_on_conflict
    def write():
        runs.append(1)
        raise _wrapped(psycopg_errors.DeadlockDetected("deadlock detected"))

    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert len(runs) == 1  # the outermost retry_on_conflict owns the retry


@pytest.mark.django_db(transaction=True)
def test_a_real_lock_timeout_on_postgresql_is_retried_until_the_lock_is_free():
    """PostgreSQL's own error (55P03), as Django wraps it, is recognised and retried."""
    import threading

    from django.db import connections, transaction

    from accounts.models import User

    require_postgresql("needs PostgreSQL (DATABASE_URL=postgres://…)")
    user = User.objects.create_user(email="locked@example.com", password="x")
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=user.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(10)
    runs = []

    @retry_on_conflict(attempts=5, base_delay=0.05)
    def write():
        runs.append(1)
        if len(runs) == 2:
            release.set()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
        User.objects.select_for_update().filter(pk=user.pk).update(full_name="Won")

    try:
        write()
    finally:
        release.set()
        holder.join(10)
    assert len(runs) >= 2
    user.refresh_from_db()
    assert user.full_name == "Won"
