"""Issue 21 item 8: vendor names that look like another, control characters, review dates,
the OpenAPI document's error answers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Vendor
from procurement.vendor_names import normalize_vendor_name, vendor_name_key
from tests.conftest import ApiClient

from .conftest import client_for

CYRILLIC_A = "\u0410"  # А


def test_a_name_is_stored_in_nfkc_without_invisible_characters():
    assert normalize_vendor_name("  Alpha\u200b Contact\u202e ") == "Alpha Contact"
    assert normalize_vendor_name("\ufeffＡｌｐｈａ\u00a0\u00a0Contact\u2066") == "Alpha Contact"
    assert normalize_vendor_name("Alpha\x00\x07 Contact") == "Alpha Contact"


def test_names_that_read_the_same_have_one_key():
    assert vendor_name_key(f"{CYRILLIC_A}lpha Contact") == vendor_name_key("alpha contact")
    assert vendor_name_key("ΑLΡΗΑ CONTACT") == vendor_name_key("Alpha Contact")  # Greek
    assert vendor_name_key("Alpha\u200bContact") == vendor_name_key("AlphaContact")
    assert vendor_name_key("Beta Support") != vendor_name_key("Alpha Contact")


@pytest.mark.django_db
def test_the_api_normalises_the_name_and_warns_of_a_look_alike(procurement_user, vendor_a):
    api = ApiClient(procurement_user)
    response = api.post(
        "/api/v1/vendors",
        {"name": f"\u202e {CYRILLIC_A}lpha   Contact\u200b ", "region": "onshore"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == f"{CYRILLIC_A}lpha Contact"
    assert Vendor.objects.get(pk=body["id"]).name == f"{CYRILLIC_A}lpha Contact"
    (warning,) = body["warnings"]
    assert "Alpha Contact" in warning and "same company" in warning

    plain = api.post("/api/v1/vendors", {"name": "Gamma Care", "region": "onshore"})
    assert plain.status_code == 201 and plain.json()["warnings"] == []


@pytest.mark.django_db
def test_the_same_name_with_a_zero_width_space_is_the_same_name(procurement_user, vendor_a):
    response = ApiClient(procurement_user).post(
        "/api/v1/vendors", {"name": "Alpha\u200b Contact", "region": "onshore"}
    )
    assert response.status_code == 422
    assert "name" in response.json()["errors"]
    assert Vendor.objects.filter(name__startswith="Alpha").count() == 1


@pytest.mark.django_db
def test_the_page_warns_of_a_look_alike(procurement_user, vendor_a):
    client = client_for(procurement_user)
    response = client.post(
        reverse("procurement:vendor_create"),
        {"name": "alpha contact ", "region": "onshore"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "reads the same as the existing vendor" in page
    assert Vendor.objects.filter(name="alpha contact").exists()


@pytest.mark.django_db
def test_a_control_character_in_a_form_is_refused_naming_the_field(procurement_user):
    response = client_for(procurement_user).post(
        reverse("procurement:vendor_create"),
        {"name": "Delta Desk", "region": "onshore", "notes": "Ring\x07 twice"},
    )
    assert response.status_code == 422
    assert "notes" in response.context["form"].errors
    assert not Vendor.objects.filter(name="Delta Desk").exists()


REVIEW = {"kind": "monthly_review", "attendees": "Bea, Max", "notes": "FCR slipping."}


@pytest.mark.django_db
def test_a_nul_in_review_text_answers_422_naming_the_field(cast, objects):
    contract = objects["contract"]
    response = ApiClient(cast["manager"]).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {**REVIEW, "date": contract.start_date.isoformat(), "notes": "FCR\x00 slipping"},
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["notes"]
    assert "out of range" not in response.content.decode()
    assert not contract.reviews.filter(notes__contains="FCR").exists()


@pytest.mark.django_db
def test_a_control_character_in_a_nested_field_is_named(cast, objects):
    contract = objects["contract"]
    action = {"text": "Refresh\x1b the FAQ", "owner": "Ana", "due_date": "2026-11-16"}
    response = ApiClient(cast["manager"]).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {**REVIEW, "date": contract.start_date.isoformat(), "actions": [action]},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["actions.0.text"]


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["before_start", "future"])
def test_a_review_date_outside_the_contract_or_in_the_future_is_refused(cast, objects, when):
    contract = objects["contract"]
    day = (
        contract.start_date - timedelta(days=1)
        if when == "before_start"
        else timezone.localdate() + timedelta(days=1)
    )
    api = ApiClient(cast["manager"])
    response = api.post(
        f"/api/v1/contracts/{contract.pk}/reviews", {**REVIEW, "date": day.isoformat()}
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["date"]
    page = client_for(cast["manager"]).post(
        reverse("contracts:review_create", args=[contract.pk]),
        {
            **REVIEW,
            "date": day.isoformat(),
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code in (200, 422)
    assert "date" in page.context["form"].errors
    assert contract.reviews.count() == 1  # the fixture's own

    ok = api.post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {**REVIEW, "date": (contract.start_date + timedelta(days=1)).isoformat()},
    )
    assert ok.status_code == 201, ok.content


@pytest.mark.django_db
def test_the_openapi_document_lists_each_operations_error_answers(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"Error", "ValidationError"} <= set(schema["components"]["schemas"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "422"} <= codes, (method, path, codes)
            if "{" in path:
                assert "404" in codes, (method, path)
            ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.startswith("#/components/schemas/ValidationError"), (method, path)
