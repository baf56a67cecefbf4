"""401 before CSRF: a write to the JSON API without credentials, or with a wrong or revoked
token, answers 401 (docs/api.md), never Django's "CSRF check failed" 403. A signed-in browser
session still needs the CSRF token (403 without it, see test_csrf.py).

Checked with a client that enforces CSRF as a browser-facing server does, for every write in
the OpenAPI document, and once more over real HTTP against a live server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from django.test import Client

from accounts.services import api_token_issue, api_token_revoke

from .conftest import client_for
from .test_access_table import API_ACCESS, API_BODIES, OPERATIONS, _api_path

WRITES = sorted(op for op in OPERATIONS if not op.startswith("GET "))
WRONG = "vp_" + "x" * 43


def _allowed_role(operation: str) -> tuple[str, set[int]]:
    """A role that may make this write, and the statuses it gets (from the access table)."""
    for role, expected in API_ACCESS[operation].items():
        statuses = expected if isinstance(expected, set) else {expected}
        if role != "anonymous" and not statuses & {401, 403, 404}:
            return role, statuses
    raise AssertionError(f"{operation}: no role may do this")


def _call(client: Client, operation: str, objects: dict, data, **headers):
    method, path = operation.split(" ", 1)
    url = _api_path(path, objects)
    return getattr(client, method.lower())(
        url, json.dumps(data), content_type="application/json", **headers
    )


def _body(operation: str, role: str, objects: dict):
    body = API_BODIES[operation]
    return body(role, objects) if callable(body) else body


@pytest.mark.django_db
@pytest.mark.parametrize("operation", WRITES)
def test_writes_without_valid_credentials_answer_401_not_403(operation, cast, objects):
    role, ok = _allowed_role(operation)
    data = _body(operation, role, objects)
    strict = Client(enforce_csrf_checks=True)
    # A CSRF cookie but no token in the request: the anonymous browser case.
    strict.get("/accounts/login/")

    anonymous = _call(strict, operation, objects, data)
    assert anonymous.status_code == 401, (operation, anonymous.content)
    assert anonymous.json() == {"detail": "Authentication required."}

    wrong = _call(strict, operation, objects, data, HTTP_AUTHORIZATION=f"Bearer {WRONG}")
    assert wrong.status_code == 401, (operation, wrong.content)

    row, raw = api_token_issue(user=cast[role], name="revoked")
    api_token_revoke(token=row)
    revoked = _call(strict, operation, objects, data, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert revoked.status_code == 401, (operation, revoked.content)

    _row, raw = api_token_issue(user=cast[role], name="valid")
    valid = _call(strict, operation, objects, data, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert valid.status_code in ok, (operation, role, valid.status_code, valid.content)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", WRITES)
def test_a_session_write_without_the_csrf_token_is_still_403(operation, cast, objects):
    role, _ok = _allowed_role(operation)
    session = client_for(cast[role], enforce_csrf_checks=True)
    response = _call(session, operation, objects, _body(operation, role, objects))
    assert response.status_code == 403, (operation, response.status_code)
    # …and a wrong token beside a signed-in session does not bypass it either.
    response = _call(
        session,
        operation,
        objects,
        _body(operation, role, objects),
        HTTP_AUTHORIZATION=f"Bearer {WRONG}",
    )
    assert response.status_code == 403, (operation, response.status_code)


# --- over real HTTP --------------------------------------------------------------------------

LIVE_WRITES = ["POST /api/v1/costing/estimate", "PUT /api/v1/pilots/{id}/kpis/{date}"]


def _http(base: str, operation: str, objects: dict, data, headers=None) -> int:
    method, path = operation.split(" ", 1)
    request = urllib.request.Request(
        base + _api_path(path, objects),
        data=json.dumps(data).encode(),
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", LIVE_WRITES)
def test_over_http_401_for_strangers_403_for_a_session_without_csrf(
    operation, live_server, cast, objects
):
    role, ok = _allowed_role(operation)
    data = _body(operation, role, objects)
    base = live_server.url

    assert _http(base, operation, objects, data) == 401
    assert _http(base, operation, objects, data, {"Authorization": f"Bearer {WRONG}"}) == 401
    row, raw = api_token_issue(user=cast[role], name="revoked")
    api_token_revoke(token=row)
    assert _http(base, operation, objects, data, {"Authorization": f"Bearer {raw}"}) == 401

    _row, raw = api_token_issue(user=cast[role], name="valid")
    assert _http(base, operation, objects, data, {"Authorization": f"Bearer {raw}"}) in ok

    # A signed-in browser: the session cookie alone (a forged cross-site write) is refused.
    session = client_for(cast[role])
    cookie = f"sessionid={session.cookies['sessionid'].value}"
    assert _http(base, operation, objects, data, {"Cookie": cookie}) == 403
