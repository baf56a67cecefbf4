"""Production settings send the secure headers and cookies.

The values come from the real `config.settings.production` module (imported with a test
SECRET_KEY), applied with override_settings, and checked on real responses: a test that
merely restated the values it set could not fail.
"""

import importlib
import re
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD

SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "SECURE_REDIRECT_EXEMPT",
)
PRODUCTION_ENV = {
    "SECRET_KEY": "test-only-production-key-7d1c9e4a2b8f6e0d3c5a9b1e7f2d4c6a",
    "DEBUG": "",
    "SECURE_SSL_REDIRECT": "",
    "SECURE_HSTS_SECONDS": "",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "",
    "SECURE_HSTS_PRELOAD": "",
    "ALLOWED_HOSTS": "",
}


@pytest.fixture
def production(monkeypatch):
    """override_settings with production.py's security settings, under its defaults."""
    for name, value in PRODUCTION_ENV.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
    values = {name: getattr(module, name) for name in SECURITY_SETTINGS if hasattr(module, name)}
    # Read, not applied: the test client's host is `testserver`.
    values["_ALLOWED_HOSTS"] = module.ALLOWED_HOSTS
    with override_settings(**{k: v for k, v in values.items() if not k.startswith("_")}):
        yield values


def test_production_defaults_are_the_secure_ones(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/v1/vendors"])
def test_https_responses_carry_the_secure_headers(production, path):
    response = Client().get(path, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production):
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert "Strict-Transport-Security" not in response  # HSTS only over HTTPS (RFC 6797)


@pytest.mark.django_db
def test_the_proxy_header_marks_a_request_secure(production):
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_httponly(production, manager):
    client = Client()
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    response = client.post(
        "/accounts/login/",
        {"username": manager.email, "password": TEST_PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_pages_cannot_be_framed_even_when_signed_in(production, manager_client):
    response = manager_client.get(reverse("pilots:pilot_list"), secure=True)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"


def test_production_allowed_hosts_default_has_no_testserver(production):
    assert "testserver" not in production["_ALLOWED_HOSTS"]
    assert production["_ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


@pytest.mark.django_db(transaction=True)
def test_a_plain_http_health_probe_is_not_redirected(production, monkeypatch):
    from common import heartbeats
    from config import views as config_views

    heartbeats.record(heartbeats.WORKER)
    monkeypatch.setattr(config_views, "broker_ok", lambda: True)
    response = Client().get("/healthz")
    assert response.status_code == 200, response.status_code
    assert response.json()["database"] == "ok"
    # …and a probe while the broker is down sees the 503 itself, not a 301.
    monkeypatch.setattr(config_views, "broker_ok", lambda: False)
    assert Client().get("/healthz").status_code == 503
    # Only /healthz: a page beside it is still redirected.
    assert Client().get("/healthz/").status_code == 301


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split("; ")
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/healthz", "/api/v1/vendors"]
)
def test_every_response_carries_the_content_security_policy(path):
    policy = _policy(Client().get(path))
    for directive, sources in CSP.items():
        assert policy[directive] == sources, (path, directive, policy)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.django_db
def test_the_apps_own_pages_need_no_inline_script(cast, objects):
    """The policy allows no inline script: every page a role opens has none (no <script>
    without src, no on…= handler), so the browser runs all of it."""
    from .conftest import client_for
    from .test_access_table import ACCESS, PAGES, _page_url

    checked = 0
    for name, rule in sorted(ACCESS.items()):
        if name not in PAGES:
            continue
        url = _page_url(name, PAGES[name][1], objects, PAGES[name][0])
        for role, expected in rule.items():
            if expected != 200:
                continue
            response = client_for(cast[role]).get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (role, url, INLINE_SCRIPT.search(html)[0])
            assert not INLINE_HANDLER.search(html), (role, url, INLINE_HANDLER.search(html)[0])
            checked += 1
            break  # one role per page is enough: the layout is the same
    assert checked > 20


@pytest.mark.django_db
@override_settings(
    SITE_URL="https://vendorpilot.example.com", ALLOWED_HOSTS=["evil.example", "testserver"]
)
def test_a_password_reset_link_is_built_from_site_url_not_the_host_header(mailoutbox):
    from tests.factories import ManagerFactory

    ManagerFactory(email="victim@example.com")
    response = Client().post(
        reverse("accounts:password_reset"),
        {"email": "victim@example.com"},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 302
    (mail,) = mailoutbox
    links = re.findall(r"\w+://\S+", mail.body)
    assert links, mail.body
    assert all(link.startswith("https://vendorpilot.example.com/accounts/reset/") for link in links)
    assert "evil.example" not in mail.body + mail.subject
