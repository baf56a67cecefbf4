"""docs/api.md is the contract: the OpenAPI document describes exactly its endpoints."""

import re
from pathlib import Path

import pytest

# The project's own statement of its public API.
API_MD = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# Every endpoint of docs/api.md, method and path as written there.
CONTRACT = {
    ("post", "/api/v1/costing/estimate"),
    ("post", "/api/v1/costing/staffing"),
    ("get", "/api/v1/vendors"),
    ("post", "/api/v1/vendors"),
    ("get", "/api/v1/rfqs"),
    ("post", "/api/v1/rfqs"),
    ("get", "/api/v1/rfqs/{id}"),
    ("post", "/api/v1/rfqs/{id}/invitations"),
    ("get", "/api/v1/rfqs/{id}/quotes"),
    ("post", "/api/v1/rfqs/{id}/quotes"),
    ("get", "/api/v1/quotes/{id}"),
    ("get", "/api/v1/quotes/{id}/tco"),
    ("put", "/api/v1/quotes/{id}/test-case-ratings"),
    ("get", "/api/v1/rfqs/{id}/comparison"),
    ("post", "/api/v1/pilots"),
    ("get", "/api/v1/pilots"),
    ("get", "/api/v1/pilots/{id}"),
    ("put", "/api/v1/pilots/{id}/kpis/{date}"),
    ("get", "/api/v1/pilots/{id}/kpis"),
    ("get", "/api/v1/pilots/{id}/scorecards"),
    ("get", "/api/v1/alerts"),
    ("post", "/api/v1/alerts/{id}/acknowledge"),
    ("post", "/api/v1/contracts"),
    ("get", "/api/v1/contracts"),
    ("get", "/api/v1/contracts/{id}"),
    ("put", "/api/v1/contracts/{id}/kpis/{date}"),
    ("get", "/api/v1/contracts/{id}/kpis"),
    ("get", "/api/v1/contracts/{id}/periods"),
    ("post", "/api/v1/contracts/{id}/reviews"),
}


@pytest.mark.django_db
def test_the_openapi_document_describes_exactly_the_contract(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = {
        (method, path)
        for path, operations in response.json()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert served == CONTRACT


def test_the_contract_table_matches_api_md():
    text = API_MD.read_text()
    written = set()
    for methods, path in re.findall(
        r"`((?:(?:GET|POST|PUT|DELETE), )*(?:GET|POST|PUT|DELETE)) (/api/v1/[^`?\s]*)", text
    ):
        for method in methods.split(", "):
            written.add((method.lower(), path))
    # Table rows like "`GET /api/v1/vendors`, `POST /api/v1/vendors`" list each call separately.
    for method, path in re.findall(r"`(GET|POST|PUT|DELETE) (/api/v1/[^`?\s]*)", text):
        written.add((method.lower(), path))
    assert written == CONTRACT


@pytest.mark.django_db
def test_browsable_docs_are_served_without_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


@pytest.mark.django_db
def test_numbers_past_what_the_database_holds_are_bad_input_not_server_errors(api_as, manager):
    api = api_as(manager)
    huge = 10**20  # beyond PostgreSQL's bigint
    offset = api.get("/api/v1/pilots", offset=huge)
    assert offset.status_code == 422
    assert "offset" in offset.json()["errors"]
    assert api.get("/api/v1/pilots", limit=huge).status_code == 422
    assert api.get(f"/api/v1/pilots/{huge}").status_code in (404, 422)
    assert api.get(f"/api/v1/rfqs/{huge}").status_code in (404, 422)
