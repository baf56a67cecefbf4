"""Bad input, generated: schemathesis against the app's own OpenAPI document.

The document is fetched from /api/v1/openapi.json through the WSGI app, in this process;
every operation in it is called as procurement and as a vendor (real bearer tokens), with
valid data (positive) and with invalid data (negative). Zero server errors, and every
response that the document describes must match it; invalid data must be refused with a
4xx. New endpoints are covered as soon as they are in the document.

Bounded for CI: FUZZ_EXAMPLES (default 25) examples per operation, role and mode.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from accounts.services import api_token_issue

from .test_access_table import OPERATIONS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
OPENAPI_URL = "/api/v1/openapi.json"
CHECKS = {
    "positive": [not_a_server_error, response_schema_conformance, content_type_conformance],
    "negative": [not_a_server_error, response_schema_conformance, negative_data_rejection],
}


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, minus closing the connection at the end of each request: the
    test's transaction lives on that connection (Django's test Client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(cast) -> dict[str, str]:
    return {
        role: api_token_issue(user=cast[role], name="fuzz")[1] for role in ("procurement", "vendor")
    }


def _operation(schema, label: str):
    method, path = label.split(" ", 1)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and operation.full_path == path:
            return operation
    raise AssertionError(f"{label} is not in {OPENAPI_URL}")


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("role", ["procurement", "vendor"])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error_and_responses_match_the_document(
    label, role, mode, tokens, objects, wsgi_app
):
    schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, wsgi_app)
    operation = _operation(schema, label)
    generation_mode = schemathesis.GenerationMode(mode)
    headers = {"Authorization": f"Bearer {tokens[role]}"}

    @given(case=operation.as_strategy(generation_mode=generation_mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples on every run: a CI failure reproduces locally
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS[mode])

    fuzz()


def test_the_document_is_served_and_lists_every_operation():
    from django.test import Client

    response = Client().get(OPENAPI_URL)
    assert response.status_code == 200
    served = {
        f"{method.upper()} {path}"
        for path, ops in response.json()["paths"].items()
        for method in ops
    }
    assert served == set(OPERATIONS)
