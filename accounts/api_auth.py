"""API authentication: `Authorization: Bearer <token>` or the browser session (with CSRF).

Who is asking comes before whether the write was forged: a request with neither a valid token
nor a signed-in session is anonymous and answers 401 (docs/api.md), not "CSRF check failed". Only a
signed-in browser session is checked for the CSRF token (403 without it), since only a session
cookie is sent by the browser on its own.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from .services import api_token_authenticate

__all__ = ["BearerTokenAuth", "SessionAuth"]


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token, request)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session, with CSRF checked only once there is a signed-in user."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # anonymous: nothing to forge, the API answers 401
        return super()._get_key(request)  # raises HttpError(403) without a valid CSRF token

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if key is not None and request.user.is_authenticated else None
