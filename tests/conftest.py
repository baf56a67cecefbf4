"""The cast every test can use: a procurement user, a manager, an admin, vendor A's user
(the owner of the objects under test) and vendor B's user (the outsider).

Service fixtures (Redis, Celery worker, SMTP, Chromium) skip when the service is missing,
except with CI=true, where a missing service fails the test.
"""

import os

import pytest
from django.test import Client

from accounts.services import api_token_issue
from tests.factories import (
    AdminUserFactory,
    ManagerFactory,
    ProcurementUserFactory,
    VendorFactory,
    VendorUserFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip locally, fail in CI, when a real service a test needs is not there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


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
