"""One error shape for every 400/422 the API returns (docs/api.md: name each offending field).

{"detail": [{"loc": ["body", "months"], "msg": "…", "field": "months"}],
 "errors": {"months": ["…"]}}
"""

from collections.abc import Iterable, Mapping
from typing import Any

from ninja import Schema
from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

_LOC_PREFIXES = {"body", "query", "path", "payload", "form", "file", "header", "cookie"}


def field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOC_PREFIXES:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_error_body(errors: Iterable[Mapping[str, Any]]) -> dict:
    detail, by_field = [], {}
    for error in errors:
        field = field_name(error.get("loc", ()))
        message = str(error.get("msg", "Invalid value."))
        detail.append({"loc": list(error.get("loc", ())), "msg": message, "field": field})
        by_field.setdefault(field, []).append(message)
    return {"detail": detail, "errors": by_field}


class ObjectIn(Schema):
    """A request body, or an object inside one: a JSON object, never a string, a number,
    `null` or a list (ninja's Schema reads any value's attributes, so `"abc"` would pass as
    an object whose every field is left out). Refused with 422 naming the place."""

    @model_validator(mode="before")
    @classmethod
    def _a_json_object(cls, value: Any) -> Any:
        inner = getattr(value, "_obj", value)  # ninja wraps the input in a DjangoGetter
        if not isinstance(inner, Mapping | BaseModel):
            raise PydanticCustomError("object_expected", "Send a JSON object ({…}) here.")
        return value


class ApiValidationError(Exception):
    """Raise from an endpoint or service wrapper to answer 422 naming the fields."""

    def __init__(self, errors: Mapping[str, str | list[str]]):
        self.errors = {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()}
        super().__init__(self.errors)

    @classmethod
    def from_django(cls, exc, *, names: Mapping[str, str] | None = None) -> "ApiValidationError":
        """From a django ValidationError (message_dict) or a bound form's errors; `names`
        renames model fields to the API's (e.g. "vendor" → "vendor_id")."""
        mapping = getattr(exc, "message_dict", None) or getattr(exc, "errors", None)
        if mapping is None:
            mapping = {"__all__": [str(m) for m in getattr(exc, "messages", [str(exc)])]}
        names = names or {}
        return cls({names.get(k, k): [str(m) for m in v] for k, v in mapping.items()})

    def body(self) -> dict:
        detail = [
            {"loc": ["body", *field.split(".")], "msg": msg, "field": field}
            for field, messages in self.errors.items()
            for msg in messages
        ]
        return {"detail": detail, "errors": self.errors}


# A list is never paged this deep; past it the database would overflow (bigint), so the
# request is refused as bad input naming the field instead.
MAX_OFFSET = 1_000_000_000


def bounded_limit_offset_pagination():
    """ninja's LimitOffsetPagination with `offset` bounded too (its `limit` is bounded by
    NINJA_PAGINATION_MAX_LIMIT)."""
    from django.conf import settings
    from ninja import Field, Schema
    from ninja.pagination import LimitOffsetPagination

    class BoundedLimitOffsetPagination(LimitOffsetPagination):
        class Input(Schema):
            limit: int = Field(
                settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
            )
            offset: int = Field(0, ge=0, le=MAX_OFFSET)

    return BoundedLimitOffsetPagination
