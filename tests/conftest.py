"""The cast every test can use: a procurement user, a manager, an admin, vendor A's user
(the owner of the objects under test) and vendor B's user (the outsider).

Service fixtures (Redis, Celery worker, SMTP, Chromium) skip when the service is missing,
except with CI=true, where a missing service fails the test.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.services import api_token_issue

# The real-browser fixtures (`browser`, `page`) for every test folder: one Playwright
# session for the whole run.
from tests.browser import browser, page  # noqa: F401
from tests.factories import (
    AdminUserFactory,
    ManagerFactory,
    ProcurementUserFactory,
    VendorFactory,
    VendorUserFactory,
)
from tests.support import IN_CI, require_service  # noqa: F401 (re-exported)

# Ids past 999 once broke a hidden form field through the thousands separator ("1,234"), and
# only a long suite reached them: every table's ids start here, in every run.
FIRST_ID = 100_000


def start_ids_high(connection) -> None:
    """Every id sequence of the test database starts at FIRST_ID (PostgreSQL: each sequence
    restarts there; SQLite: each AUTOINCREMENT table's row in sqlite_sequence)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
            for (sequence,) in cursor.fetchall():
                cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {FIRST_ID}")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
            )
            tables = [name for (name,) in cursor.fetchall()]
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                [(table, FIRST_ID - 1) for table in tables],
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        start_ids_high(connection)


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its user's language in the test thread and nothing resets it;
    start and end every test in the default language so none leaks into the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached counts and fragments (the alert badge, the pilot dashboard) outlive a test's
    rolled-back rows: start every test with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def procurement_user(db):
    return ProcurementUserFactory(email="buyer@example.com", full_name="Bea Buyer")


@pytest.fixture
def manager(db):
    return ManagerFactory(email="manager@example.com", full_name="Max Manager")


@pytest.fixture
def admin_role_user(db):
    return AdminUserFactory(email="root@example.com", full_name="Ada Admin")


@pytest.fixture
def vendor_a(db):
    return VendorFactory(name="Alpha Contact", region="nearshore", country="Portugal")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(name="Beta Support", region="offshore", country="Philippines")


@pytest.fixture
def vendor_a_user(vendor_a):
    return VendorUserFactory(email="agent@alpha.example", vendor=vendor_a)


@pytest.fixture
def vendor_b_user(vendor_b):
    return VendorUserFactory(email="agent@beta.example", vendor=vendor_b)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def procurement_client(procurement_user) -> Client:
    return _client_for(procurement_user)


@pytest.fixture
def manager_client(manager) -> Client:
    return _client_for(manager)


@pytest.fixture
def admin_role_client(admin_role_user) -> Client:
    return _client_for(admin_role_user)


@pytest.fixture
def vendor_a_client(vendor_a_user) -> Client:
    return _client_for(vendor_a_user)


@pytest.fixture
def vendor_b_client(vendor_b_user) -> Client:
    return _client_for(vendor_b_user)


class ApiClient:
    """JSON calls with a real bearer token, as an integrator would make them."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.token = token
        if user is not None and token is None:
            _row, self.token = api_token_issue(user=user, name="tests")

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, **self._headers())

    def post(self, path: str, data=None):
        return self.client.post(
            path, data or {}, content_type="application/json", **self._headers()
        )

    def put(self, path: str, data=None):
        return self.client.put(path, data or {}, content_type="application/json", **self._headers())

    def delete(self, path: str):
        return self.client.delete(path, **self._headers())


@pytest.fixture
def api_as():
    """`api_as(user).get("/api/v1/…")`; `api_as(None)` has no credentials."""
    return lambda user: ApiClient(user)
