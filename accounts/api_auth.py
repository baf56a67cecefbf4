"""API authentication: `Authorization: Bearer <token>` or the browser session (with CSRF)."""

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from .services import api_token_authenticate

__all__ = ["BearerTokenAuth", "SessionAuth"]


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
