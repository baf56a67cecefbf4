"""Single sign-on end to end against a REAL OpenID Connect provider, never a mock.

The provider is django-oauth-toolkit's OIDC support in its own Django project
(tests/oidc_provider/), started here in a subprocess on loopback with its own SQLite database
and an RSA key generated at test start; it registers two confidential clients with PKCE
required ("vendorpilot" and "other-app") and users whose ID token carries the role claim.
VendorPilot runs under pytest-django's live_server; a `requests` session with a cookie jar
plays the browser and follows the redirects between the two.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse

from accounts import oidc
from accounts.models import Role, User
from accounts.oidc import CompanyAccountBackend, discovery
from audit.models import Action, AuditEvent
from tests.factories import VendorUserFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "vendorpilot"
CLIENT_SECRET = "vp-test-secret-" + secrets.token_urlsafe(8)
OTHER_CLIENT_ID = "other-app"
OTHER_SECRET = "other-secret-" + secrets.token_urlsafe(8)
OTHER_REDIRECT = "http://127.0.0.1:9/callback"  # never served: the test reads the code off it
PASSWORD = "provider-pass-2026"
PROVIDER_USERS = {
    "ana@corp.example": {"name": "Ana Buyer", "role": "procurement"},
    "max@corp.example": {"name": "Max Manager", "role": "manager"},
    "ada@corp.example": {"name": "Ada Admin", "role": "admin"},
    "vera@corp.example": {"name": "Vera Vendor", "role": "vendor"},
    "nora@corp.example": {"name": "Nora Noone", "role": None},
    "agent@alpha.example": {"name": "Alpha Agent", "role": "manager"},
}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen


def _rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def provider(live_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    clients = [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": live_server.url + reverse("accounts:oidc_callback"),
            "post_logout_redirect_uri": live_server.url + reverse("accounts:login"),
        },
        {
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_SECRET,
            # Also VendorPilot's callback: the mix-up test sends another client's code there.
            "redirect_uri": f"{OTHER_REDIRECT} {live_server.url}{reverse('accounts:oidc_callback')}",
        },
    ]
    users = {email: {**user, "password": PASSWORD} for email, user in PROVIDER_USERS.items()}
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "OP_DB": str(folder / "provider.sqlite3"),
        "OP_RSA_PRIVATE_KEY": _rsa_private_key_pem(),
        "OP_CLIENTS": json.dumps(clients),
        "OP_USERS": json.dumps(users),
    }
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    ready, _w, _x = select.select([process.stdout], [], [], 120)  # migrate + start: seconds
    line = process.stdout.readline() if ready else ""
    if not line.startswith("READY "):
        process.kill()
        pytest.fail(
            "the test OIDC provider did not start:\n" + (folder / "provider.log").read_text()
        )
    port = int(line.split()[1])
    yield Provider(issuer=f"http://127.0.0.1:{port}/o", process=process)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_CLAIM = "vendorpilot_role"
    settings.OIDC_ALLOWED_ROLES = ["procurement", "manager", "admin", "vendor"]  # vendor: ignored
    return provider


def _csrf_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def _provider_sign_in(browser: requests.Session, page: requests.Response, email: str):
    """Fill in the provider's own sign-in form and follow every redirect after it."""
    assert "Test provider sign-in" in page.text, page.text[:300]
    return browser.post(
        page.url,
        data={
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf_from(page.text),
        },
    )


def company_sign_in(app_url: str, email: str) -> tuple[requests.Session, requests.Response, str]:
    """A browser that opens VendorPilot's sign-in page and chooses the company account.
    Returns the browser, the last response and the authorization request's URL."""
    browser = requests.Session()
    login_page = browser.get(app_url + reverse("accounts:login"))
    assert "Sign in with your company account" in login_page.text
    start = browser.get(app_url + reverse("accounts:oidc_login"), allow_redirects=False)
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    page = browser.get(authorize_url)  # the provider asks who we are
    return browser, _provider_sign_in(browser, page, email), authorize_url


def _app_session(browser: requests.Session) -> SessionStore:
    return SessionStore(session_key=browser.cookies.get("sessionid"))


# --- the whole flow ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_discovery_then_code_flow_with_pkce_signs_in_a_new_procurement_user(sso, live_server):
    document = requests.get(sso.issuer + "/.well-known/openid-configuration", timeout=5).json()

    browser, final, authorize_url = company_sign_in(live_server.url, "ana@corp.example")

    # The authorization request went to the endpoint that discovery names, with PKCE (S256),
    # a nonce and a state, for this client.
    assert authorize_url.startswith(document["authorization_endpoint"] + "?")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256 digest
    assert len(query["nonce"][0]) == 32 and len(query["state"][0]) == 32
    assert query["redirect_uri"] == [live_server.url + reverse("accounts:oidc_callback")]

    # Signed in at VendorPilot: the home page of procurement, under a new user.
    assert final.status_code == 200
    assert urlsplit(final.url).netloc == urlsplit(live_server.url).netloc
    user = User.objects.get(email="ana@corp.example")
    assert user.role == Role.PROCUREMENT
    assert user.full_name == "Ana Buyer"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert browser.get(live_server.url + reverse("accounts:token_list")).url.endswith(
        reverse("accounts:token_list")
    )
    # The ID token it accepted is the provider's, for this client, with the nonce it sent.
    claims = jwt.decode(_app_session(browser)["oidc_id_token"], options={"verify_signature": False})
    assert claims["aud"] == CLIENT_ID
    assert claims["iss"] == sso.issuer
    assert claims["nonce"] == query["nonce"][0]
    assert claims["vendorpilot_role"] == "procurement"
    # Discovery was read once and is kept for the next sign-ins.
    assert cache.get(oidc._discovery_key())["token_endpoint"] == document["token_endpoint"]
    # The audit trail: the user created (by nobody signed in yet), then signed in by SSO.
    created = AuditEvent.objects.get(object_type="user", object_id=user.pk)
    assert created.action == Action.CREATED
    assert ["role", None, "procurement"] in created.changes
    signed_in = AuditEvent.objects.get(action=Action.SIGNED_IN)
    assert (signed_in.actor, signed_in.detail) == (user, "company_account")


@pytest.mark.django_db(transaction=True)
def test_the_admin_and_manager_claims_create_those_roles(sso, live_server):
    company_sign_in(live_server.url, "ada@corp.example")
    company_sign_in(live_server.url, "max@corp.example")

    ada = User.objects.get(email="ada@corp.example")
    assert (ada.role, ada.is_staff, ada.is_superuser) == (Role.ADMIN, True, True)
    assert User.objects.get(email="max@corp.example").role == Role.MANAGER


@pytest.mark.django_db(transaction=True)
def test_an_existing_user_keeps_the_account_and_takes_the_claims_role(sso, live_server):
    existing = User.objects.create_user("max@corp.example", password="local-pass-2026")
    existing.role = Role.PROCUREMENT
    existing.save()

    _browser, final, _url = company_sign_in(live_server.url, "max@corp.example")

    assert final.status_code == 200
    existing.refresh_from_db()
    assert existing.role == Role.MANAGER
    assert existing.check_password("local-pass-2026")  # untouched
    assert User.objects.filter(email="max@corp.example").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("email", ["vera@corp.example", "nora@corp.example"])
def test_a_vendor_claim_or_no_role_is_refused_with_a_clear_page(sso, live_server, email):
    browser, final, _url = company_sign_in(live_server.url, email)

    assert final.status_code == 403
    assert "You were not signed in" in final.text
    assert "no VendorPilot role that allows signing in here" in final.text
    assert not User.objects.filter(email=email).exists()
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (failed.actor_email, failed.detail) == (email, "company_account:role")
    # Not signed in: a page that needs a sign-in sends the browser to the sign-in page.
    after = browser.get(live_server.url + reverse("accounts:token_list"), allow_redirects=False)
    assert after.status_code == 302
    assert reverse("accounts:login") in after.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_the_refusal_page_is_in_the_users_language(sso, live_server):
    browser = requests.Session()
    browser.headers["Accept-Language"] = "nl"
    start = browser.get(live_server.url + reverse("accounts:oidc_login"))
    final = _provider_sign_in(browser, start, "vera@corp.example")

    assert final.status_code == 403
    assert "U bent niet aangemeld" in final.text


@pytest.mark.django_db(transaction=True)
def test_a_vendor_users_address_is_never_signed_in_by_sso(sso, live_server, vendor_a):
    # The provider says "manager" for agent@alpha.example, but the app knows it as a vendor.
    vendor_user = VendorUserFactory(email="agent@alpha.example", vendor=vendor_a)

    _browser, final, _url = company_sign_in(live_server.url, "agent@alpha.example")

    assert final.status_code == 403
    assert "belongs to a vendor" in final.text
    vendor_user.refresh_from_db()
    assert vendor_user.role == Role.VENDOR


@pytest.mark.django_db(transaction=True)
def test_sign_out_ends_the_local_and_the_providers_session(sso, live_server):
    browser, _final, authorize_url = company_sign_in(live_server.url, "ana@corp.example")
    csrf = browser.cookies.get("csrftoken")

    out = browser.post(
        live_server.url + reverse("accounts:logout"),
        data={"csrfmiddlewaretoken": csrf},
        allow_redirects=False,
    )
    # To the provider's end_session_endpoint (from discovery) with the ID token as hint …
    document = requests.get(sso.issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert out.status_code == 302
    assert out.headers["Location"].startswith(document["end_session_endpoint"] + "?")
    # … which ends its session and sends the browser back to VendorPilot's sign-in page.
    back = browser.get(out.headers["Location"])
    assert back.status_code == 200
    assert back.url == live_server.url + reverse("accounts:login")

    assert AuditEvent.objects.filter(
        action=Action.SIGNED_OUT, actor_email="ana@corp.example"
    ).exists()
    local = browser.get(live_server.url + reverse("accounts:token_list"), allow_redirects=False)
    assert local.status_code == 302  # signed out here
    again = browser.get(authorize_url)  # and there: the provider asks for the password again
    assert "Test provider sign-in" in again.text


@pytest.mark.django_db(transaction=True)
def test_a_forged_callback_without_a_started_sign_in_is_refused(sso, live_server):
    browser = requests.Session()
    response = browser.get(
        live_server.url + reverse("accounts:oidc_callback"), params={"code": "x", "state": "y"}
    )
    assert response.status_code == 403
    assert not User.objects.exists()


# --- the ID token's checks, on real tokens from the provider --------------------------------


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def _id_token_for_other_app(issuer: str, email: str, nonce: str) -> str:
    """A second relying party ("other-app") runs its own code flow with PKCE at the provider
    and gets an ID token whose audience is itself."""
    document = requests.get(issuer + "/.well-known/openid-configuration", timeout=5).json()
    verifier, challenge = _pkce_pair()
    browser = requests.Session()
    page = browser.get(
        document["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": OTHER_CLIENT_ID,
            "redirect_uri": OTHER_REDIRECT,
            "scope": "openid email",
            "state": "s" * 16,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    answer = browser.post(
        page.url,
        data={
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf_from(page.text),
        },
        allow_redirects=False,
    )
    while not answer.headers["Location"].startswith(OTHER_REDIRECT):
        answer = browser.get(
            requests.compat.urljoin(answer.url, answer.headers["Location"]), allow_redirects=False
        )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        document["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_REDIRECT,
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_SECRET,
            "code_verifier": verifier,
        },
        timeout=5,
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["id_token"]


@pytest.mark.django_db(transaction=True)
def test_a_code_issued_to_another_client_is_refused_end_to_end(sso, live_server):
    """The browser's sign-in is steered to another client of the same provider (same state,
    nonce and PKCE challenge, VendorPilot's callback): the code that comes back belongs to
    "other-app", so VendorPilot gets no ID token for itself and signs nobody in."""
    browser = requests.Session()
    start = browser.get(live_server.url + reverse("accounts:oidc_login"), allow_redirects=False)
    steered = start.headers["Location"].replace(
        f"client_id={CLIENT_ID}", f"client_id={OTHER_CLIENT_ID}"
    )
    assert f"client_id={OTHER_CLIENT_ID}" in steered
    page = browser.get(steered)
    final = _provider_sign_in(browser, page, "ana@corp.example")

    assert final.status_code == 403
    assert "could not be verified" in final.text
    assert not User.objects.filter(email="ana@corp.example").exists()
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.detail == "company_account:token"  # the provider refused the code exchange


def _backend() -> CompanyAccountBackend:
    backend = CompanyAccountBackend()
    backend.OIDC_OP_JWKS_ENDPOINT = discovery()["jwks_uri"]
    return backend


@pytest.mark.django_db(transaction=True)
def test_an_id_token_for_another_client_is_refused(sso, live_server):
    token = _id_token_for_other_app(sso.issuer, "ana@corp.example", nonce="n" * 32)
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == OTHER_CLIENT_ID

    # Signature, issuer and nonce are all right; only the audience is another client's.
    with pytest.raises(jwt.InvalidAudienceError):
        _backend().verify_token(token, nonce="n" * 32)


@pytest.mark.django_db(transaction=True)
def test_the_id_tokens_signature_and_nonce_are_checked(sso, live_server):
    browser, _final, authorize_url = company_sign_in(live_server.url, "ana@corp.example")
    token = _app_session(browser)["oidc_id_token"]
    nonce = parse_qs(urlsplit(authorize_url).query)["nonce"][0]
    backend = _backend()

    assert backend.verify_token(token, nonce=nonce)["email"] == "ana@corp.example"

    with pytest.raises(SuspiciousOperation, match="nonce"):
        backend.verify_token(token, nonce="another-sign-in-" + "x" * 16)

    header, payload, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(jwt.InvalidSignatureError):
        backend.verify_token(f"{header}.{payload}.{flipped}", nonce=nonce)

    # The same claims signed by a key that is not the provider's, under the provider's kid.
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    forged = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "RS256",
        {"kid": kid},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        backend.verify_token(forged, nonce=nonce)

    # And an unsigned token ("alg": "none") is never taken.
    unsigned = jwt.encode(claims, None, "none", {"kid": kid})
    with pytest.raises((jwt.InvalidAlgorithmError, jwt.DecodeError, SuspiciousOperation)):
        backend.verify_token(unsigned, nonce=nonce)


# --- without single sign-on ------------------------------------------------------------------


@pytest.mark.django_db
def test_without_configuration_the_sign_in_page_offers_password_only(settings):
    settings.OIDC_ISSUER = ""
    page = Client().get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "Sign in with your company account" not in page.content.decode()
    assert Client().get(reverse("accounts:oidc_login")).status_code == 404
    assert Client().get(reverse("accounts:oidc_callback")).status_code == 404


@pytest.mark.django_db
def test_with_sso_configured_vendors_still_sign_in_with_a_password(settings, vendor_a_user):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/never-reached"
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    vendor_a_user.set_password("vendor-pass-2026")
    vendor_a_user.save()
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert "Sign in with your company account" in page.content.decode()

    response = client.post(
        reverse("accounts:login"),
        {"username": "agent@alpha.example", "password": "vendor-pass-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("procurement:portal")).status_code == 200


@pytest.mark.django_db
def test_an_unreachable_provider_answers_a_clear_page_not_an_error(settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/nobody-listens"
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_TIMEOUT = 2
    response = Client().get(reverse("accounts:oidc_login"))
    assert response.status_code == 503
    assert "cannot be reached right now" in response.content.decode()
