"""Issue 24 item 4: a JSON body of the wrong shape (a string, a number, `null`, a list where an
object belongs, or no JSON at all) answers 422 naming the body on every endpoint that takes
one, never a 500 or a 400 without the field. The endpoints come from the OpenAPI document."""

import json

import pytest
from django.test import Client

from accounts.services import api_token_issue

BAD_BODIES = ['"a string"', "42", "null", "[]", "[{}]", "true", "{not json"]
# Where a list belongs, an object is the wrong shape instead.
BAD_LIST_BODIES = ['"a string"', "42", "null", "{}", '["a string"]', "true", "{not json"]


def _operations_with_bodies(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "put", "patch"} and "requestBody" in operation:
                content = operation["requestBody"].get("content", {})
                if "application/json" in content:
                    is_list = content["application/json"]["schema"].get("type") == "array"
                    yield method, path, BAD_LIST_BODIES if is_list else BAD_BODIES


def _concrete(path: str) -> str:
    return path.replace("{id}", "1").replace("{date}", "2026-03-02")


@pytest.mark.django_db
def test_every_endpoint_answers_a_wrong_body_with_422(admin_role_user):
    _row, token = api_token_issue(user=admin_role_user, name="tests")
    client = Client(enforce_csrf_checks=True)
    operations = list(_operations_with_bodies(client))
    assert len(operations) >= 8  # the document was read
    wrong = []
    for method, path, bodies in operations:
        for body in bodies:
            response = getattr(client, method)(
                _concrete(path),
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            answer = (
                response.json() if response["Content-Type"].startswith("application/json") else {}
            )
            if response.status_code != 422 or not answer.get("errors"):
                wrong.append((method, path, body, response.status_code, answer))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_bodies_are_what_their_names_say():
    for body in BAD_BODIES[:-1]:
        json.loads(body)
