"""Single sign-on for the buying company's staff: OpenID Connect, authorization code flow
with PKCE, configured by environment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
OIDC_ROLE_CLAIM, OIDC_ALLOWED_ROLES).

Why mozilla-django-oidc: it is small (about 1,000 lines), kept by Mozilla for its own sites
since 2016, and does one thing — the relying party's side of the code flow (state, nonce,
PKCE, the token exchange, the JWKS signature check) as a Django authentication backend, so
`authenticate`/`login`, django-axes and the `user_logged_in`/`user_login_failed` signals work
as for a password. What it leaves to us, done here: discovery from the issuer (its settings
name each endpoint), the ID token's audience and issuer (it skips `aud`), and who may come in.

Who may come in (README "Single sign-on"): only the internal roles (procurement, manager,
admin) that OIDC_ALLOWED_ROLES lists, read from the role claim; a vendor is never let in by
SSO (vendors sign in with e-mail and password), and a user unknown to the app is created
only with an allowed role. Every refusal is a `PermissionDenied` raised in the backend:
Django then sends `user_login_failed` (recorded in the audit trail, counted by axes) and the
callback shows a translated 403 page that says why.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .backends import CachedUserMixin
from .models import Role
from .services import user_from_company_account

# Never a vendor, whatever OIDC_ALLOWED_ROLES says.
SSO_ROLES = frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN})
# When a claim lists several allowed roles, the widest one applies.
ROLE_PRECEDENCE = (Role.ADMIN, Role.MANAGER, Role.PROCUREMENT)

# Why a sign-in with the company account was refused: the code is kept in the audit trail,
# the text is shown on the 403 page.
REFUSALS = {
    "role": _(
        "Your company account has no VendorPilot role that allows signing in here. Ask your "
        "administrator to give you the procurement, manager or administrator role."
    ),
    "vendor_account": _(
        "This e-mail address belongs to a vendor's account. Vendors sign in with their "
        "e-mail address and password."
    ),
    "inactive": _("Your VendorPilot account is switched off. Ask your administrator."),
    "email": _("Your company account did not give a confirmed e-mail address."),
    "token": _(
        "The answer from your company's sign-in service could not be verified, so you were "
        "not signed in. Please try again."
    ),
    "cancelled": _("The sign-in with your company account was cancelled or refused."),
    "unavailable": _(
        "Your company's sign-in service cannot be reached right now. Please try again later, "
        "or sign in with your e-mail address and password if you have one."
    ),
}


class OidcUnavailable(Exception):
    """The provider's discovery document could not be read (down, or not an OIDC issuer)."""


class SignInRefused(PermissionDenied):
    def __init__(self, reason: str, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


def is_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


def allowed_roles() -> frozenset[str]:
    return frozenset(settings.OIDC_ALLOWED_ROLES) & SSO_ROLES


def issuer() -> str:
    return settings.OIDC_ISSUER.rstrip("/")


def _discovery_key() -> str:
    return "oidc-discovery:" + hashlib.sha256(issuer().encode()).hexdigest()[:32]


def discovery() -> dict:
    """The provider's `/.well-known/openid-configuration`, read on first use and cached
    (OIDC_DISCOVERY_CACHE_SECONDS) so a sign-in costs no extra round trip."""
    document = cache.get(_discovery_key())
    if document is not None:
        return document
    url = issuer() + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcUnavailable(f"{url}: {exc}") from exc
    # OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer():
        raise OidcUnavailable(f"{url} names another issuer: {document.get('issuer')!r}")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(field):
            raise OidcUnavailable(f"{url} has no {field}")
    cache.set(_discovery_key(), document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


# mozilla-django-oidc reads its configuration through `get_settings(name)`; ours comes from
# the discovery document and the OIDC_* environment variables instead.
_FROM_DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_FIXED = {
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_IDP_SIGN_KEY": None,  # always the provider's JWKS
    "OIDC_VERIFY_KID": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint of the provider's sign-out
    "OIDC_CREATE_USER": True,  # only with an allowed role: CompanyAccountBackend
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
}


def oidc_setting(attr: str, *default):
    if attr in _FROM_DISCOVERY:
        return discovery().get(_FROM_DISCOVERY[attr])
    if attr in _FIXED:
        return _FIXED[attr]
    if attr == "OIDC_RP_CLIENT_ID":
        return settings.OIDC_CLIENT_ID
    if attr == "OIDC_RP_CLIENT_SECRET":
        return settings.OIDC_CLIENT_SECRET
    if attr == "OIDC_RP_SCOPES":
        return settings.OIDC_SCOPES
    return import_from_settings(attr, *default)


def role_from_claims(claims: dict) -> str | None:
    """The allowed role the claim gives, or None. A claim may be one value or a list."""
    value = claims.get(settings.OIDC_ROLE_CLAIM)
    values = value if isinstance(value, list) else [value]
    given = {str(v).strip().lower() for v in values if v}
    allowed = allowed_roles()
    return next((role for role in ROLE_PRECEDENCE if role in given and role in allowed), None)


class CompanyAccountBackend(CachedUserMixin, OIDCAuthenticationBackend):
    """Signs in with the company's identity provider; silent (None) for any other sign-in."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Endpoints are read per sign-in (from discovery), not when Django builds the backend
        # list for every password sign-in.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
            self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
            self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
        except OidcUnavailable as exc:
            raise self._refuse(request, "unavailable") from exc
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            raise self._refuse(request, refusal.reason, refusal.email) from refusal
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            raise self._refuse(request, "token") from exc
        except requests.HTTPError as exc:
            # The provider answered and refused (e.g. invalid_grant: a code not issued to us).
            answered = exc.response is not None and exc.response.status_code < 500
            raise self._refuse(request, "token" if answered else "unavailable") from exc
        except requests.RequestException as exc:
            raise self._refuse(request, "unavailable") from exc

    @staticmethod
    def _refuse(request: HttpRequest, reason: str, email: str = "") -> SignInRefused:
        # The callback view reads these to say why, the audit trail to record who.
        request.sso_refusal = reason
        request.sso_email = email
        return SignInRefused(reason, email)

    def verify_token(self, token, **kwargs):
        """The ID token: RS256 signature by a key of the provider's JWKS, issuer, audience
        (this client), expiry and the nonce this browser's sign-in started with."""
        nonce = kwargs.get("nonce")
        key = self.retrieve_matching_jwk(token)
        payload = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.OIDC_CLIENT_ID,
            issuer=discovery()["issuer"],
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )
        # OIDC Core §3.1.3.7: with several audiences, the authorized party must be us.
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_CLIENT_ID:
            raise SuspiciousOperation("ID token: azp is not this client")
        if not nonce or not constant_time_compare(str(payload.get("nonce", "")), nonce):
            raise SuspiciousOperation("ID token: nonce does not match")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims, completed by the userinfo endpoint when the
        provider has one (the signed ID token wins where both name a claim)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            response = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            userinfo = response.json()
            # OIDC Core §5.3.2: the userinfo's sub must be the ID token's.
            if str(userinfo.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo sub differs from the ID token's")
            claims = {**userinfo, **claims}
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        # mozilla-django-oidc turns a SuspiciousOperation here into a silent None: say why.
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as exc:
            raise SignInRefused("token") from exc
        email = str(claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is False:
            raise SignInRefused("email", email)
        existing = self.UserModel.objects.filter(email__iexact=email).first()
        if existing is not None and existing.is_vendor:
            raise SignInRefused("vendor_account", email)
        role = role_from_claims(claims)
        if role is None:
            raise SignInRefused("role", email)
        if existing is not None and not existing.is_active:
            raise SignInRefused("inactive", email)
        user, _created = user_from_company_account(
            email=email, role=role, full_name=str(claims.get("name") or "")
        )
        return user


def _refused_page(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "registration/sso_refused.html",
        {"reason": reason, "message": REFUSALS.get(reason, REFUSALS["token"])},
        status=status,
    )


class CompanyAccountSignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce, PKCE challenge kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not is_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except OidcUnavailable:
            return _refused_page(request, "unavailable", status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


class CompanyAccountCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: exchanges the code, signs in, or says why not (403)."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not is_configured():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this browser never started (replayed or forged callback).
            self._failed(request, "token")
            return _refused_page(request, "token")

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse(settings.LOGIN_REDIRECT_URL)

    def login_failure(self):
        request = self.request
        reason = getattr(request, "sso_refusal", None)
        if reason is None:
            # The provider answered with an error, or no code: Django's authenticate never ran.
            reason = "cancelled" if request.GET.get("error") else "token"
            self._failed(request, reason)
        if getattr(self, "user", None) is not None and not self.user.is_active:
            reason = "inactive"
        return _refused_page(request, reason, status=503 if reason == "unavailable" else 403)

    @staticmethod
    def _failed(request: HttpRequest, reason: str) -> None:
        request.sso_refusal = reason
        request.sso_email = ""
        user_login_failed.send(
            sender=__name__, credentials={"method": "company_account"}, request=request
        )


def provider_sign_out_url(request: HttpRequest, id_token: str) -> str | None:
    """Where to send the browser so the provider ends its session too (RP-initiated logout),
    or None when the provider offers no end_session_endpoint."""
    try:
        endpoint = discovery().get("end_session_endpoint")
    except OidcUnavailable:
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": back,
            "client_id": settings.OIDC_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
