"""Production settings send the secure headers and cookies.

The values come from the real `config.settings.production` module (imported with a test
SECRET_KEY), applied with override_settings, and checked on real responses: a test that
merely restated the values it set could not fail.
"""

import importlib
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
)
PRODUCTION_ENV = {
    "SECRET_KEY": "test-only-production-key-7d1c9e4a2b8f6e0d3c5a9b1e7f2d4c6a",
    "DEBUG": "",
    "SECURE_SSL_REDIRECT": "",
    "SECURE_HSTS_SECONDS": "",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "",
    "SECURE_HSTS_PRELOAD": "",
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
    with override_settings(**values):
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
