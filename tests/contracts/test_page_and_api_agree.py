"""Issue 24 item 3: the contract, review and action pages refuse what their API refuses, in
the same words (one validator per field, `contracts.validators`). Each case posts the same
bad value through the page and through the API, side by side."""

from __future__ import annotations

import pytest
import time_machine

from contracts.models import Contract, Review
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_contract():
    """Meetings are recorded once they happened: today lies after the contracts' terms."""
    with time_machine.travel("2028-06-01 10:00 +00:00", tick=False):
        yield


TARGETS = {
    "csat_pct": "85",
    "frt_minutes": "60",
    "aht_minutes": "10",
    "fcr_pct": "70",
    "cost_per_ticket": "3.33",
}
SANE = "Enter a date between"
CONTROL = "Remove the control characters"


def _review_page(client, contract, **changes):
    data = {
        "date": "2027-03-01",
        "kind": "coaching",
        "attendees": "Max, Ana",
        "notes": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Script for returns",
        "actions-0-owner": "Ana",
        "actions-0-due_date": "2027-03-08",
    }
    data.update(changes)
    response = client.post(f"/contracts/{contract.pk}/reviews/new/", data)
    assert response.status_code == 200, "the page saved what it should refuse"
    errors = {name: list(messages) for name, messages in response.context["form"].errors.items()}
    for index, row in enumerate(response.context["actions"].forms):
        for name, messages in row.errors.items():
            errors[f"actions.{index}.{name}"] = list(messages)
    return errors


def _review_api(api, contract, **changes):
    action = {"text": "Script for returns", "owner": "Ana", "due_date": "2027-03-08"}
    action.update({k.split(".", 2)[2]: v for k, v in changes.items() if k.startswith("actions.")})
    body = {"date": "2027-03-01", "kind": "coaching", "attendees": "Max, Ana", "notes": ""}
    body.update({k: v for k, v in changes.items() if not k.startswith("actions.")})
    body["actions"] = [action]
    response = api.post(f"/api/v1/contracts/{contract.pk}/reviews", body)
    assert response.status_code == 422, response.content
    return response.json()["errors"]


REVIEW_CASES = [
    # (field as the API names it, the bad value, words both say)
    ("date", "2027-01-16", "Enter a date within the contract"),  # the day before it starts
    ("date", "2028-01-17", "Enter a date within the contract"),  # the day after it ends
    ("date", "1999-12-31", SANE),
    ("attendees", "x" * 501, "Keep this under 500 characters (it has 501)"),
    ("attendees", "Max\x00", CONTROL),
    ("attendees", "Max\x07Ana", CONTROL),
    ("attendees", "Max\nAna", CONTROL),
    ("notes", "n" * 5001, "Keep this under 5000 characters (it has 5001)"),
    ("notes", "ok\x1b[31m", CONTROL),
    ("actions.0.text", "t" * 501, "Keep this under 500 characters (it has 501)"),
    ("actions.0.text", "Call\x00", CONTROL),
    ("actions.0.owner", "o" * 151, "Keep this under 150 characters (it has 151)"),
    ("actions.0.owner", "Ana\x08", CONTROL),
    ("actions.0.due_date", "1999-12-31", SANE),
]


@pytest.mark.parametrize(("field", "value", "words"), REVIEW_CASES, ids=lambda v: repr(v)[:30])
def test_a_review_field_is_refused_by_page_and_api_alike(
    manager_client, api_as, manager, vendor_a, field, value, words
):
    contract = ContractFactory(vendor=vendor_a)  # 17 Jan 2027 for 12 months
    page_field = field.replace("actions.0.", "actions-0-")

    page = _review_page(manager_client, contract, **{page_field: value})
    api = _review_api(api_as(manager), contract, **{field: value})

    assert any(words in m for m in page.get(field, [])), page
    assert any(words in m for m in api.get(field, [])), api
    assert not Review.objects.exists()


def _contract_page(client, vendor, **changes):
    data = {
        "vendor": vendor.pk,
        "channel": "email",
        "start_date": "2027-01-17",
        "months": "12",
        "target_csat_pct": "85",
        "target_frt_minutes": "60",
        "target_aht_minutes": "10",
        "target_fcr_pct": "70",
        "target_cost_per_ticket": "3.33",
        "credit_pct_per_missed_kpi": "5",
        "credit_cap_pct": "15",
    }
    data.update(changes)
    response = client.post("/contracts/new/", data)
    assert response.status_code == 200, "the page saved what it should refuse"
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def _contract_api(api, vendor, **changes):
    body = {
        "vendor_id": vendor.pk,
        "channel": "email",
        "start_date": "2027-01-17",
        "months": 12,
        "targets": TARGETS,
        "credit_pct_per_missed_kpi": "5",
        "credit_cap_pct": "15",
    }
    body.update(changes)
    response = api.post("/api/v1/contracts", body)
    assert response.status_code == 422, response.content
    return response.json()["errors"]


CONTRACT_CASES = [
    # (page field, API field, bad value for the page, for the API, words both say)
    ("start_date", "start_date", "1999-12-31", "1999-12-31", SANE),
    ("pilot", "pilot_id", "987654", 987654, "No such pilot."),
    ("months", "months", "61", 61, "1 to 60 months"),
    ("credit_cap_pct", "credit_cap_pct", "101", "101", "0 to 100"),
]


@pytest.mark.parametrize(
    ("page_field", "api_field", "page_value", "api_value", "words"), CONTRACT_CASES
)
def test_a_contract_field_is_refused_by_page_and_api_alike(
    procurement_client, api_as, procurement_user, vendor_a, page_field, api_field, page_value,
    api_value, words
):  # fmt: skip
    page = _contract_page(procurement_client, vendor_a, **{page_field: page_value})
    api = _contract_api(api_as(procurement_user), vendor_a, **{api_field: api_value})

    assert any(words in m for m in page.get(page_field, [])), page
    assert any(words in m for m in api.get(api_field, [])), api
    assert not Contract.objects.exists()


def test_a_good_review_still_saves_through_both(manager_client, api_as, manager, vendor_a):
    contract = ContractFactory(vendor=vendor_a)
    response = manager_client.post(
        f"/contracts/{contract.pk}/reviews/new/",
        {
            "date": "2027-01-17",  # the first day of the contract
            "kind": "coaching",
            "attendees": "Max, Ana",
            "notes": "Two lines\nof notes.",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-text": "Script",
            "actions-0-owner": "Ana",
            "actions-0-due_date": "2027-02-01",
        },
    )
    assert response.status_code == 302
    api = api_as(manager).post(
        f"/api/v1/contracts/{contract.pk}/reviews",
        {"date": "2028-01-16", "kind": "monthly_review", "attendees": "Max", "notes": "a\nb"},
    )
    assert api.status_code == 201, api.content
    assert Review.objects.count() == 2
