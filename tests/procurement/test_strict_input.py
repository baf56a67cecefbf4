"""Issue 15: the API and the pages read numbers strictly and cap free text (common.strict);
each refusal names the field and changes nothing."""

import pytest
from django.urls import reverse

from procurement.models import Quote, Rfq, Vendor
from tests.procurement.test_api import RFQ_BODY
from tests.procurement.test_rfq_pages import _rfq_post

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000


def test_a_rate_with_more_decimals_than_the_api_returns_is_refused(
    api_as, vendor_a_user, rfq, invitation_a
):
    response = api_as(vendor_a_user).post(
        f"/api/v1/rfqs/{rfq.pk}/quotes",
        {"pricing_model": "per_ticket", "per_ticket_rate": "0.005"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"per_ticket_rate": ["Use at most 2 decimal places."]}
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agents_offered", True, "Enter a whole number."),
        ("scale_up_days", "1_0", "Enter a whole number."),
        ("hourly_rate", "١٨", "Enter a number."),
        ("penalties", LONG, "Keep this under 5000 characters (it has 100000)."),
    ],
)
def test_a_quote_field_read_leniently_before_is_refused_by_name(
    api_as, vendor_a_user, rfq, invitation_a, field, value, message
):
    response = api_as(vendor_a_user).post(
        f"/api/v1/rfqs/{rfq.pk}/quotes",
        {"pricing_model": "hourly", "hourly_rate": "18", field: value},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": LONG}, "description"),
        ({"term_months": True}, "term_months"),
        ({"days_per_week": "٥"}, "days_per_week"),
    ],
)
def test_the_rfq_api_refuses_by_name(api_as, procurement_user, change, field):
    before = Rfq.objects.count()
    response = api_as(procurement_user).post("/api/v1/rfqs", RFQ_BODY | change)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert Rfq.objects.count() == before


def test_a_vendors_notes_are_capped_in_the_api(api_as, procurement_user):
    response = api_as(procurement_user).post(
        "/api/v1/vendors", {"name": "Long Notes BV", "region": "onshore", "notes": LONG}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["notes"]
    assert not Vendor.objects.filter(name="Long Notes BV").exists()


def test_the_rfq_form_caps_the_description_and_reads_numbers_strictly(procurement_client):
    before = Rfq.objects.count()
    response = procurement_client.post(
        reverse("procurement:rfq_create"),
        _rfq_post(description=LONG, term_months="1_2", ih_absence_pct="١٠"),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"description", "term_months", "ih_absence_pct"}
    assert "at most 5000 characters" in errors["description"][0]
    assert Rfq.objects.count() == before
