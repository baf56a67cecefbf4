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

from datetime import timedelta

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
    "home": signed_in(200),  # what needs each role now (config/home.py)
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
    "accounts:email_preferences": signed_in(200),
    # The signed link is the credential: GET asks to confirm (changes nothing), for anyone.
    "accounts:unsubscribe": everyone(200),
    "accounts:token_revoke": signed_in(405),  # POST only
    # Single sign-on: 404 while OIDC is not configured (tests/accounts/test_sso.py: with it).
    "accounts:oidc_login": everyone(404),
    "accounts:oidc_callback": everyone(404),
    "procurement:rfq_list": roles(INTERNAL),
    "procurement:vendor_list": roles(PROCUREMENT),
    "procurement:portal": roles(VENDORS),
    "costing:calculator": roles(INTERNAL),
    "pilots:pilot_list": roles(INTERNAL),
    "pilots:vendor_pilot_list": roles(VENDORS),
    "pilots:alert_list": roles(INTERNAL),
}

# The feature pages (wrong role: 403; another vendor's object: 404; POST-only views answer a
# GET with 405 to the allowed roles).
OWNER = {"vendor"}  # vendor A's user: its own objects
DRAFTED: dict[str, dict] = {
    # procurement (issue 3)
    "procurement:rfq_create": roles(PROCUREMENT),
    "procurement:rfq_detail": roles(INTERNAL),
    "procurement:rfq_update": roles(PROCUREMENT),
    "procurement:rfq_transition": roles(PROCUREMENT, ok=405),
    "procurement:rfq_cancel": roles(PROCUREMENT, ok={200, 405}),
    # best value and award with approval (issue 12)
    "procurement:rfq_close": roles(PROCUREMENT),  # GET: the confirmation page
    "procurement:rfq_criteria": roles(PROCUREMENT),
    "procurement:test_case_create": roles(PROCUREMENT, ok=405),
    "procurement:test_case_update": roles(PROCUREMENT),
    "procurement:test_case_delete": roles(PROCUREMENT, ok=405),
    "procurement:blind_review": roles(PROCUREMENT),
    "procurement:quote_test_cases": roles(PROCUREMENT | OWNER, outsider=404),
    "procurement:award_proposal_list": roles(INTERNAL),
    "procurement:award_proposal": roles(INTERNAL),
    "procurement:award_approve": roles(MANAGERS),  # GET: the confirmation page
    "procurement:award_reject": roles(MANAGERS),
    "procurement:award_memo_pdf": roles(INTERNAL),
    "costing:award_propose": roles(PROCUREMENT, ok={200, 302}),  # 302: the RFQ is not closed
    "procurement:rfq_invite": roles(PROCUREMENT, ok=405),
    "procurement:invitation_resend": roles(PROCUREMENT, ok=405),
    "procurement:quote_enter": roles(PROCUREMENT),
    "procurement:quote_edit": roles(PROCUREMENT | OWNER, outsider=404),
    "procurement:quote_list": roles(INTERNAL),
    "procurement:quote_detail": roles(INTERNAL | OWNER, outsider=404),
    "procurement:quote_history": roles(INTERNAL | OWNER, outsider=404),
    "procurement:quote_revision": roles(INTERNAL | OWNER, outsider=404),
    "procurement:quote_document": roles(INTERNAL | OWNER, ok=404, outsider=404),  # no file
    "procurement:risk_create": roles(PROCUREMENT, ok=405),
    "procurement:risk_update": roles(PROCUREMENT),
    "procurement:risk_delete": roles(PROCUREMENT, ok=405),
    "procurement:vendor_create": roles(PROCUREMENT),
    "procurement:vendor_detail": roles(PROCUREMENT),
    "procurement:vendor_update": roles(PROCUREMENT),
    "procurement:vendor_options": roles(INTERNAL),  # the vendor pickers' search
    "procurement:vendor_user_create": roles(PROCUREMENT),
    "procurement:portal_rfq": roles(OWNER, outsider=404),
    "procurement:portal_quote": roles(OWNER, ok={200, 302}, outsider=404),  # 302: to the draft
    "procurement:portal_decline": roles(OWNER, ok={200, 405}, outsider=404),
    # costing (issue 4)
    "costing:comparison": roles(INTERNAL),
    "costing:comparison_xlsx": roles(INTERNAL),
    "costing:comparison_csv": roles(INTERNAL),
    # pilots (issue 5)
    "pilots:pilot_create": roles(PROCUREMENT),
    "pilots:pilot_detail": roles(INTERNAL | OWNER, outsider=404),
    "pilots:kpi_entry": roles(PROCUREMENT | OWNER, outsider=404),
    "pilots:kpi_day": roles(INTERNAL | OWNER, outsider=404),  # one day with its history
    "pilots:kpi_csv_upload": roles(PROCUREMENT | OWNER, outsider=404),
    "pilots:kpi_csv_template": roles(PROCUREMENT | OWNER, outsider=404),
    "pilots:kpi_csv_export": roles(INTERNAL | OWNER, outsider=404),
    # evaluation (issue 6)
    "pilots:scorecard_list": roles(INTERNAL | OWNER, outsider=404),
    "pilots:scorecard_detail": roles(INTERNAL | OWNER, outsider=404),
    "pilots:scorecard_pdf": roles(INTERNAL | OWNER, outsider=404),
    # GET: on to the scorecard, where the form is.
    "pilots:pilot_decide": roles(MANAGERS, ok={200, 302, 405}),
    "pilots:pilot_exit_evaluation": roles(MANAGERS, ok={200, 302, 405}),
    "pilots:alert_acknowledge": roles(INTERNAL, ok=405),
    # contracts (issue 13)
    "contracts:contract_list": roles(INTERNAL | VENDORS),  # a vendor: its own
    "contracts:contract_create": roles(PROCUREMENT),
    "contracts:contract_detail": roles(INTERNAL | OWNER, outsider=404),
    "contracts:contract_set_status": roles(PROCUREMENT, ok=405),
    "contracts:review_create": roles(INTERNAL),
    "contracts:action_toggle": roles(INTERNAL, ok=405),
    "contracts:kpi_entry": roles(PROCUREMENT | OWNER, outsider=404),
    "contracts:kpi_csv_upload": roles(PROCUREMENT | OWNER, outsider=404),
    "contracts:kpi_csv_template": roles(PROCUREMENT | OWNER, outsider=404),
    "contracts:kpi_csv_export": roles(INTERNAL | OWNER, outsider=404),
    # audit trail (issue 23): managers and admins everything, a vendor its own objects' lines
    "audit:event_list": roles(MANAGERS | VENDORS),
    "audit:event_csv": roles(MANAGERS | VENDORS),
    # logs and metrics, webhooks (issue 23): /metrics by address or token, not by role (the
    # test client comes from 127.0.0.1, on the default allow-list; refusals in
    # tests/config/test_observability.py); the webhook pages for admins only.
    "metrics": everyone(200),
    "webhooks:endpoint_list": roles({"admin"}),
    "webhooks:endpoint_create": roles({"admin"}),
    "webhooks:endpoint_detail": roles({"admin"}),
    "webhooks:endpoint_edit": roles({"admin"}),
    "webhooks:endpoint_rotate": roles({"admin"}),
    "webhooks:delivery_replay": roles({"admin"}),
}

# Which object fills a path parameter: URL_PARAMS for one URL, else the route segment just
# before the parameter ("rfqs/<int:pk>/" → the RFQ), else the parameter's name.
SEGMENT_OBJECTS = {
    "rfqs": "rfq",
    "quotes": "quote",
    "pilots": "pilot",
    "vendors": "vendor",
    "risks": "risk",
    "alerts": "alert",
    "tokens": "token",
    "invitations": "invitation",
    "history": "history_id",
    "scorecards": "checkpoint_day",
    "kpis": "day",
    "status": "action",
    "test-cases": "test_case",
    "awards": "award",
    "contracts": "contract",
    "actions": "review_action",
}
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
    "webhooks:endpoint_detail": {"pk": "webhook_endpoint"},
    "webhooks:endpoint_edit": {"pk": "webhook_endpoint"},
    "webhooks:endpoint_rotate": {"pk": "webhook_endpoint"},
    "webhooks:delivery_replay": {"pk": "webhook_delivery"},
}

# --- API: "METHOD /path" (as in the OpenAPI document) -> expected per role --------------
API_ACCESS: dict[str, dict] = {
    "GET /api/v1/vendors": roles(INTERNAL, anonymous=401),
}


def api_roles(allowed: set[str], ok=200, outsider=None) -> dict:
    return roles(allowed, ok=ok, outsider=outsider, anonymous=401)


EVERY_ROLE = INTERNAL | VENDORS
# From docs/api.md's "who" column.
API_DRAFTED: dict[str, dict] = {
    "POST /api/v1/vendors": api_roles(PROCUREMENT, ok=201),
    "GET /api/v1/rfqs": api_roles(EVERY_ROLE),  # a vendor: only the RFQs it is invited to
    "GET /api/v1/rfqs/{id}": api_roles(INTERNAL | OWNER, outsider=404),
    "POST /api/v1/rfqs/{id}/invitations": api_roles(PROCUREMENT, ok=201),
    "POST /api/v1/rfqs": api_roles(PROCUREMENT, ok=201),
    # Managers read RFQs and comparisons (README's roles), so their quotes too.
    "GET /api/v1/rfqs/{id}/quotes": api_roles(INTERNAL | OWNER, outsider=404),
    "POST /api/v1/rfqs/{id}/quotes": api_roles(PROCUREMENT | OWNER, ok={200, 201}, outsider=404),
    "GET /api/v1/quotes/{id}": api_roles(INTERNAL | OWNER, outsider=404),
    "GET /api/v1/quotes/{id}/tco": api_roles(INTERNAL),
    "GET /api/v1/rfqs/{id}/comparison": api_roles(INTERNAL),
    "POST /api/v1/costing/estimate": api_roles(EVERY_ROLE),
    "POST /api/v1/costing/staffing": api_roles(EVERY_ROLE),
    "POST /api/v1/pilots": api_roles(PROCUREMENT, ok=201),
    "GET /api/v1/pilots": api_roles(EVERY_ROLE),  # a vendor: its own
    "GET /api/v1/pilots/{id}": api_roles(INTERNAL | OWNER, outsider=404),
    "PUT /api/v1/pilots/{id}/kpis/{date}": api_roles(
        PROCUREMENT | OWNER, ok={200, 201}, outsider=404
    ),
    "GET /api/v1/pilots/{id}/kpis": api_roles(INTERNAL | OWNER, outsider=404),
    "GET /api/v1/pilots/{id}/scorecards": api_roles(INTERNAL | OWNER, outsider=404),
    "GET /api/v1/alerts": api_roles(INTERNAL),
    "POST /api/v1/alerts/{id}/acknowledge": api_roles(MANAGERS),  # issue 20
    # issue 12
    "PUT /api/v1/quotes/{id}/test-case-ratings": api_roles(PROCUREMENT),
    "POST /api/v1/contracts": api_roles(PROCUREMENT, ok=201),
    "GET /api/v1/contracts": api_roles(EVERY_ROLE),  # a vendor: its own
    "GET /api/v1/contracts/{id}": api_roles(INTERNAL | OWNER, outsider=404),
    "GET /api/v1/contracts/{id}/periods": api_roles(INTERNAL | OWNER, outsider=404),
    "POST /api/v1/contracts/{id}/reviews": api_roles(INTERNAL, ok=201),
    "PUT /api/v1/contracts/{id}/kpis/{date}": api_roles(
        PROCUREMENT | OWNER, ok={200, 201}, outsider=404
    ),
    "GET /api/v1/contracts/{id}/kpis": api_roles(INTERNAL | OWNER, outsider=404),
}


def _new_vendor_body(role: str, objects: dict) -> dict:
    return {
        "name": f"Access {role}",
        "region": "onshore",
        "country": "Netherlands",
        "contact_email": f"{role}@access.example",
    }


def _invitation_body(role: str, objects: dict) -> dict:
    from tests.factories import VendorFactory

    return {"vendor_id": VendorFactory(name=f"Invitee {role}").pk}


def _rfq_body(role: str, objects: dict) -> dict:
    from django.utils import timezone

    return {
        "title": f"Access {role}",
        "reference": f"ACCESS-{role}",
        "status": "draft",
        "channels": [{"channel": "email", "volume_per_month": 500, "aht_minutes": "10"}],
        "quote_deadline": (timezone.now() + timedelta(days=14)).isoformat(),
    }


def _quote_body(role: str, objects: dict) -> dict:
    return {"vendor_id": objects["vendor"].pk, "pricing_model": "hourly", "hourly_rate": "18"}


def _pilot_body(role: str, objects: dict) -> dict:
    return {
        "vendor_id": objects["vendor"].pk,
        "channel": "email",
        "start_date": objects["day"].isoformat(),
        "length_days": 60,
        "targets": {
            "csat_pct": "85",
            "frt_minutes": "60",
            "aht_minutes": "10",
            "fcr_pct": "70",
            "cost_per_ticket": "3.33",
        },
    }


def _contract_body(role: str, objects: dict) -> dict:
    return {
        "vendor_id": objects["vendor"].pk,
        "channel": "email",
        "quote_id": objects["quote"].pk,
        "start_date": objects["day"].isoformat(),
        "months": 12,
        "credit_pct_per_missed_kpi": "5",
        "credit_cap_pct": "15",
    }


# A valid body for every write (a dict, or a function of the role and the objects), so a
# role's answer is about access, not about validation.
API_BODIES: dict = {
    "POST /api/v1/vendors": _new_vendor_body,
    "POST /api/v1/rfqs": _rfq_body,
    "POST /api/v1/rfqs/{id}/quotes": _quote_body,
    "POST /api/v1/rfqs/{id}/invitations": _invitation_body,
    "POST /api/v1/pilots": _pilot_body,
    "PUT /api/v1/quotes/{id}/test-case-ratings": lambda role, objects: [
        {"test_case_id": objects["test_case"].pk, "rating": 4}
    ],
    "POST /api/v1/contracts": _contract_body,
    "PUT /api/v1/contracts/{id}/kpis/{date}": {
        "tickets": 20,
        "csat_responses": 10,
        "csat_positive": 9,
        "frt_minutes": "30.00",
        "aht_minutes": "9.00",
        "fcr_resolved": 16,
        "cost": "60.00",
    },  # fmt: skip
    "POST /api/v1/alerts/{id}/acknowledge": {"note": "Seen; the vendor is on it."},
    "POST /api/v1/contracts/{id}/reviews": {
        "date": "2026-11-02",
        "kind": "monthly_review",
        "attendees": "Bea, Max, Ana",
        "notes": "Internal: FCR slipping.",
        "actions": [{"text": "Refresh the FAQ", "owner": "Ana", "due_date": "2026-11-16"}],
    },  # fmt: skip
    "PUT /api/v1/pilots/{id}/kpis/{date}": {
        "tickets": 20,
        "csat_responses": 10,
        "csat_positive": 9,
        "frt_minutes": "30.00",
        "aht_minutes": "9.00",
        "fcr_resolved": 16,
        "cost": "60.00",
    },  # fmt: skip
    "POST /api/v1/costing/estimate": {
        "months": 12,
        "volume_per_month": 500,
        "aht_minutes": 10,
        "in_house": {"gross_salary_month": 2500, "employer_costs_pct": 35},
        "vendor": {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_fee": 2000},
    },  # fmt: skip
    "POST /api/v1/costing/staffing": {
        "contacts_per_interval": 100,
        "interval_minutes": 30,
        "aht_seconds": 180,
        "target_service_level_pct": 80,
        "target_answer_seconds": 20,
    },  # fmt: skip
}


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


def _segment_before(route: str, param: str) -> str | None:
    parts = [p for p in route.split("/") if p]
    for i, part in enumerate(parts):
        if part.strip("<>{}").split(":")[-1] == param and part[0] in "<{":
            return parts[i - 1] if i else None
    return None


def _page_url(name: str, entry: URLPattern, objects: dict, route: str = "") -> str:
    params = getattr(entry.pattern, "converters", {})
    kwargs = {}
    for param in params:
        if param == "uidb64":
            kwargs[param] = urlsafe_base64_encode(force_bytes(objects["reset_user"].pk))
        elif param == "token" and name == "accounts:password_reset_confirm":
            kwargs[param] = default_token_generator.make_token(objects["reset_user"])
        elif param == "token" and name == "accounts:unsubscribe":
            from accounts.preferences import BY_KEY, unsubscribe_token

            kwargs[param] = unsubscribe_token(objects["reset_user"], BY_KEY["digest"])
        else:
            key = (
                URL_PARAMS.get(name, {}).get(param)
                or SEGMENT_OBJECTS.get(_segment_before(route, param) or "")
                or PARAM_OBJECTS.get(param)
            )
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


ACCESS.update(DRAFTED)


def test_every_page_has_an_access_rule():
    missing = sorted(set(PAGES) - set(ACCESS))
    assert not missing, f"new page(s) without a rule in ACCESS: {missing}"
    stale = sorted(set(ACCESS) - set(PAGES))
    assert not stale, f"rules for pages that no longer exist: {stale}"


API_ACCESS.update(API_DRAFTED)


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
    url = _page_url(name, entry, objects, route)
    for role, expected in ACCESS[name].items():
        response = client_for(cast[role]).get(url)
        _check(response, expected, role, f"GET {url}")


def _api_path(path: str, objects: dict) -> str:
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part.startswith("{") and part.endswith("}"):
            param = part[1:-1]
            key = SEGMENT_OBJECTS.get(parts[i - 1]) or PARAM_OBJECTS.get(param)
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
        data = body(role, objects) if callable(body) else body
        response = call(url) if method in ("GET", "DELETE") else call(url, data)
        _check(response, expected, role, operation)
