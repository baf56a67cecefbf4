"""The public JSON API (docs/api.md): one NinjaAPI under /api/v1, one router per app."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError, OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.throttling import AuthRateThrottle

from accounts.api_auth import BearerTokenAuth, SessionAuth
from common.api import ApiValidationError, validation_error_body
from common.db import timeout_kind
from common.views import database_timeout_response
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


# The error answers every operation may give (docs/api.md: one error shape, naming the field), added
# to each operation of the OpenAPI document: 401/403/422/429/503 everywhere (a body that is
# not JSON, or of the wrong shape, is a 422 naming it), 404 where the path names an object.
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrorItem": {
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "field": {"type": "string"},
        },
        "required": ["loc", "msg", "field"],
    },
    "ValidationError": {
        "type": "object",
        "properties": {
            "detail": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ValidationErrorItem"},
            },
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail", "errors"],
    },
}
ERROR_ANSWERS = {
    "401": ("No valid session or API token.", "Error"),
    "403": ("The role may not do this (the reason is said when there is one).", "Error"),
    "404": ("No such object, or not one this user may see.", "Error"),
    "422": ("Bad input: each offending field named with what is wrong.", "ValidationError"),
    "429": ("Too many requests: wait for Retry-After.", "Error"),
    "503": ("The database is unreachable or met a time limit; nothing was saved.", "Error"),
}


def with_error_answers(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            codes = ["401", "403", "422", "429", "503"]
            if "{" in path:
                codes.append("404")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if code in responses or int(code) in responses:
                    continue  # the operation declares its own
                description, name = ERROR_ANSWERS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    },
                )
    return schema


class VendorPilotApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return with_error_answers(super().get_openapi_schema(*args, **kwargs))


api = VendorPilotApi(
    title="VendorPilot API",
    version="1",
    description="RFQs, quotes, costing, pilots and contracts. See docs/api.md.",
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
    # A reason given by the service (e.g. segregation of duties) is said; else the generic one.
    detail = str(exc) or "You may not do this."
    return api.create_response(request, {"detail": detail}, status=403)


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


@api.exception_handler(OperationalError)
def on_operational_error(request, exc: OperationalError):
    # A statement or lock timeout: 503 JSON naming it (nothing was saved). Anything else
    # goes on to handler500 (common.views.server_error: outage 503, conflict 409).
    kind = timeout_kind(exc)
    if kind is None:
        raise exc
    return database_timeout_response(request, kind)


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
