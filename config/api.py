"""The public JSON API (API.md): one NinjaAPI under /api/v1, one router per app."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.throttling import AuthRateThrottle

from accounts.api_auth import BearerTokenAuth, SessionAuth
from common.api import ApiValidationError, validation_error_body
from contracts.api import router as contracts_router
from costing.api import router as costing_router
from pilots.api import router as pilots_router
from pilots.evaluation.api import router as evaluation_router
from procurement.api import router as procurement_router


class UserRateThrottle(AuthRateThrottle):
    """settings.API_THROTTLE_RATE per user, keyed on the user's id (ninja's own key is
    str(user), which is the display name and may be shared). 429 with Retry-After."""

    def get_cache_key(self, request) -> str:
        user = getattr(request, "auth", None)
        if user is None or getattr(user, "pk", None) is None:
            return super().get_cache_key(request)
        return self.cache_format % {"scope": self.scope, "ident": f"user-{user.pk}"}


class NotJson(ValueError):
    """A request body that is not JSON at all."""


class JsonParser(Parser):
    def parse_body(self, request):
        try:
            return super().parse_body(request)
        except ValueError as exc:  # json.JSONDecodeError, a body that is not UTF-8
            raise NotJson(str(exc)) from exc


api = NinjaAPI(
    title="VendorPilot API",
    version="1",
    description="RFQs, quotes, costing and pilots. See API.md.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerTokenAuth(), SessionAuth()],
    throttle=[UserRateThrottle(settings.API_THROTTLE_RATE)],
    parser=JsonParser(),
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, validation_error_body(exc.errors), status=422)


@api.exception_handler(ApiValidationError)
def on_api_validation_error(request, exc: ApiValidationError):
    return api.create_response(request, exc.body(), status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc: AuthenticationError):
    return api.create_response(request, {"detail": "Authentication required."}, status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": "You may not do this."}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(DataError)
def on_data_error(request, exc: DataError):
    # A number past what the database holds (e.g. an id beyond bigint) is bad input, not a
    # server error: nothing was written (the statement failed), so answer 422.
    return api.create_response(
        request,
        {
            "detail": [{"loc": [], "msg": "A value is out of range.", "field": "__all__"}],
            "errors": {"__all__": ["A value is out of range."]},
        },
        status=422,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, NotJson):
        # Bad input like any other (issue 24): 422 naming the body, as a wrong shape does.
        return api.create_response(
            request, ApiValidationError({"body": "Send the body as JSON."}).body(), status=422
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# Each app owns its endpoints in `<app>/api.py` and exposes `router`.
api.add_router("/", procurement_router)
api.add_router("/", costing_router)
api.add_router("/", pilots_router)
api.add_router("/", evaluation_router)
api.add_router("/", contracts_router)
