"""Every URL and every API operation, tried by anonymous users and by every role, against an
access table kept here. A URL or an operation without a rule FAILS: a new page or endpoint
must say who may use it.

Pages: the URL conf is walked recursively (admin/ and the API are skipped; the API is checked
operation by operation from its OpenAPI document). Path parameters are filled with the ids of
real objects (tests/hardening/conftest.py `objects`), all owned by vendor A: "vendor" is
vendor A's user, "other_vendor" vendor B's, who must get 404 for vendor A's objects.

Expected values: a status, a set of statuses, or LOGIN (302 to the sign-in page).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import ApiClient

from .conftest import ROLES, client_for

LOGIN = "login"
SKIP_PREFIXES = ("admin/", "api/v1/", "static/", "media/")
PROCUREMENT = {"procurement", "admin"}
MANAGERS = {"manager", "admin"}
INTERNAL = {"procurement", "manager", "admin"}
VENDORS = {"vendor", "other_vendor"}


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN) -> dict:
    return {**everyone(status), "anonymous": anonymous}


def roles(allowed: set[str], ok=200, denied=403, outsider=None, anonymous=LOGIN) -> dict:
    """`allowed` get `ok`, other roles `denied`; `outsider` (vendor B asking for vendor A's
    object) defaults to whatever a vendor gets."""
    rule = {role: (ok if role in allowed else denied) for role in ROLES}
    rule["anonymous"] = anonymous
    if outsider is not None:
        rule["other_vendor"] = outsider
    return rule


# --- pages: URL name -> expected per role ----------------------------------------------
ACCESS: dict[str, dict] = {
    "home": signed_in(302),  # each role to its start page
    "healthz": everyone({200, 503}),  # public; 503 only when a dependency is down
    "set_language": everyone(302),  # GET changes nothing and redirects back
    "accounts:login": {**everyone(302), "anonymous": 200},  # signed in: on to the start page
    "accounts:logout": everyone(405),  # POST only
    "accounts:password_change": signed_in(200),
    "accounts:password_change_done": signed_in(200),
    "accounts:password_reset": everyone(200),
    "accounts:password_reset_done": everyone(200),
    "accounts:password_reset_confirm": everyone(302),  # a valid link: on to the new-password form
    "accounts:password_reset_complete": everyone(200),
    "accounts:token_list": signed_in(200),
    "accounts:token_revoke": signed_in(405),  # POST only
    "procurement:rfq_list": roles(INTERNAL),
    "procurement:vendor_list": roles(PROCUREMENT),
    "procurement:portal": roles(VENDORS),
    "costing:calculator": roles(INTERNAL),
    "pilots:pilot_list": roles(INTERNAL),
    "pilots:vendor_pilot_list": roles(VENDORS),
    "pilots:alert_list": roles(INTERNAL),
    # After the merge, one line per new page, e.g.:
    # "pilots:pilot_detail": roles(INTERNAL | {"vendor"}, outsider=404),
}

# Which object fills a path parameter, by parameter name (per URL: URL_PARAMS below).
PARAM_OBJECTS = {
    "rfq_id": "rfq",
    "quote_id": "quote",
    "pilot_id": "pilot",
    "scorecard_id": "scorecard",
    "alert_id": "alert",
    "vendor_id": "vendor",
    "entry_id": "entry",
    "day": "day",
    "date": "day",
}
URL_PARAMS: dict[str, dict[str, str]] = {
    "accounts:token_revoke": {"pk": "token"},
    # "procurement:rfq_detail": {"pk": "rfq"},
}

# --- API: "METHOD /path" (as in the OpenAPI document) -> expected per role --------------
API_ACCESS: dict[str, dict] = {
    "GET /api/v1/vendors": roles(INTERNAL, anonymous=401),
    # After the merge, e.g. (API.md):
    # "PUT /api/v1/pilots/{id}/kpis/{date}": roles(PROCUREMENT | {"vendor"}, ok={200, 201}, outsider=404, anonymous=401),
}
# A valid body for every write, so a role's answer is about access, not about validation.
API_BODIES: dict[str, dict] = {}
# The object behind a path parameter, by the path segment before it (`/pilots/{id}`).
API_SEGMENT_OBJECTS = {"rfqs": "rfq", "quotes": "quote", "pilots": "pilot", "kpis": "day"}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield route, name or route, entry


def page_urls() -> dict[str, tuple[str, URLPattern]]:
    found = {}
    for route, name, entry in _walk(get_resolver().url_patterns):
        if (
            route.startswith(SKIP_PREFIXES)
            or route.startswith("^static")
            or route.startswith("^media")
        ):
            continue
        found[name] = (route, entry)
    return found


def api_operations() -> dict[str, dict]:
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": op
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


PAGES = page_urls()
OPERATIONS = api_operations()


def _value(key: str, objects: dict):
    obj = objects[key]
    return obj.isoformat() if hasattr(obj, "isoformat") else getattr(obj, "pk", obj)


def _page_url(name: str, entry: URLPattern, objects: dict) -> str:
    params = getattr(entry.pattern, "converters", {})
    kwargs = {}
    for param in params:
        if param == "uidb64":
            kwargs[param] = urlsafe_base64_encode(force_bytes(objects["reset_user"].pk))
        elif param == "token" and name == "accounts:password_reset_confirm":
            kwargs[param] = default_token_generator.make_token(objects["reset_user"])
        else:
            key = URL_PARAMS.get(name, {}).get(param) or PARAM_OBJECTS.get(param)
            assert key, f"{name}: no object for path parameter {param!r}: add it to URL_PARAMS"
            kwargs[param] = _value(key, objects)
    return reverse(name, kwargs=kwargs)


def _check(response, expected, who: str, what: str) -> None:
    from django.conf import settings

    if expected == LOGIN:
        assert response.status_code == 302, (who, what, response.status_code)
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), (who, what)
        return
    allowed = expected if isinstance(expected, set) else {expected}
    assert response.status_code in allowed, (
        f"{who} on {what}: {response.status_code}, expected {expected}"
    )


def test_every_page_has_an_access_rule():
    missing = sorted(set(PAGES) - set(ACCESS))
    assert not missing, f"new page(s) without a rule in ACCESS: {missing}"
    stale = sorted(set(ACCESS) - set(PAGES))
    assert not stale, f"rules for pages that no longer exist: {stale}"


def test_every_api_operation_has_an_access_rule():
    missing = sorted(set(OPERATIONS) - set(API_ACCESS))
    assert not missing, f"new API operation(s) without a rule in API_ACCESS: {missing}"
    stale = sorted(set(API_ACCESS) - set(OPERATIONS))
    assert not stale, f"rules for API operations that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(name, cast, objects):
    assert name in ACCESS, f"{name} has no rule in ACCESS"
    route, entry = PAGES[name]
    url = _page_url(name, entry, objects)
    for role, expected in ACCESS[name].items():
        response = client_for(cast[role]).get(url)
        _check(response, expected, role, f"GET {url}")


def _api_path(path: str, objects: dict) -> str:
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part.startswith("{") and part.endswith("}"):
            param = part[1:-1]
            key = API_SEGMENT_OBJECTS.get(parts[i - 1]) or PARAM_OBJECTS.get(param)
            assert key, f"{path}: no object for path parameter {param!r}"
            parts[i] = str(_value(key, objects))
    return "/".join(parts)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_api_access(operation, cast, objects):
    assert operation in API_ACCESS, f"{operation} has no rule in API_ACCESS"
    method, path = operation.split(" ", 1)
    url = _api_path(path, objects)
    body = API_BODIES.get(operation)
    if method != "GET":
        assert body is not None, f"{operation}: add a valid example body to API_BODIES"
    for role, expected in API_ACCESS[operation].items():
        client = ApiClient(cast[role]) if cast[role] is not None else ApiClient(None)
        call = getattr(client, method.lower())
        response = call(url) if method in ("GET", "DELETE") else call(url, body)
        _check(response, expected, role, operation)
