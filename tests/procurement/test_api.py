"""The Procurement endpoints of docs/api.md: paths, fields, roles and status codes."""

from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from procurement.models import Invitation, Quote, Rfq, Vendor
from tests.factories import VendorUserFactory
from tests.procurement.conftest import AFTER_DEADLINE
from tests.procurement.factories import RfqFactory

pytestmark = pytest.mark.django_db

RFQ_BODY = {
    "title": "Webshop",
    "quote_deadline": "2026-03-20T17:00:00+01:00",
    "term_months": 12,
    "channels": [
        {"channel": "email", "volume_per_month": 500, "aht_minutes": 10},
        {
            "channel": "chat",
            "volume_per_month": 150,
            "aht_minutes": "10",
            "sla_response_minutes": 1,
        },
    ],
    "in_house": {"gross_salary_month": "2500", "employer_costs_pct": 35, "fte": 1},
}


def _errors(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["errors"]


# --- who may call what --------------------------------------------------------------------


def test_no_credentials_is_401(api_as, rfq, quote_a):
    client = api_as(None)
    for path in (
        "/api/v1/vendors",
        "/api/v1/rfqs",
        f"/api/v1/rfqs/{rfq.pk}",
        f"/api/v1/quotes/{quote_a.pk}",
    ):
        assert client.get(path).status_code == 401
    assert client.post("/api/v1/rfqs", RFQ_BODY).status_code == 401


def test_managers_read_but_do_not_write(api_as, manager, rfq, quote_a, vendor_b):
    client = api_as(manager)
    assert client.get("/api/v1/vendors").status_code == 200
    assert client.get("/api/v1/rfqs").status_code == 200
    assert client.get(f"/api/v1/rfqs/{rfq.pk}/quotes").status_code == 200
    assert client.get(f"/api/v1/quotes/{quote_a.pk}").status_code == 200
    assert client.post("/api/v1/vendors", {"name": "X", "region": "onshore"}).status_code == 403
    assert client.post("/api/v1/rfqs", RFQ_BODY).status_code == 403
    assert (
        client.post(f"/api/v1/rfqs/{rfq.pk}/invitations", {"vendor_id": vendor_b.pk}).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/rfqs/{rfq.pk}/quotes", {"vendor_id": vendor_b.pk}).status_code == 403
    )
    assert Rfq.objects.count() == 1
    assert not Vendor.objects.filter(name="X").exists()


def test_vendors_cannot_use_procurement_endpoints(api_as, vendor_a_user, rfq, vendor_b):
    client = api_as(vendor_a_user)
    assert client.get("/api/v1/vendors").status_code == 403
    assert client.post("/api/v1/vendors", {"name": "X", "region": "onshore"}).status_code == 403
    assert client.post("/api/v1/rfqs", RFQ_BODY).status_code == 403
    assert (
        client.post(f"/api/v1/rfqs/{rfq.pk}/invitations", {"vendor_id": vendor_b.pk}).status_code
        == 403
    )


def test_another_vendor_gets_404_for_the_first_vendors_objects(
    api_as, vendor_b_user, rfq, quote_a, invitation_a
):
    client = api_as(vendor_b_user)
    assert client.get(f"/api/v1/rfqs/{rfq.pk}").status_code == 404
    assert client.get(f"/api/v1/rfqs/{rfq.pk}/quotes").status_code == 404
    assert (
        client.post(f"/api/v1/rfqs/{rfq.pk}/quotes", {"pricing_model": "hourly"}).status_code == 404
    )
    assert client.get(f"/api/v1/quotes/{quote_a.pk}").status_code == 404
    assert client.get("/api/v1/rfqs").json() == []
    assert Quote.objects.count() == 1


def test_an_invited_vendor_sees_only_its_own_quote_even_on_a_shared_rfq(
    api_as, vendor_b_user, rfq, quote_a, quote_b
):
    client = api_as(vendor_b_user)
    quotes = client.get(f"/api/v1/rfqs/{rfq.pk}/quotes").json()
    assert [q["vendor_id"] for q in quotes] == [quote_b.vendor_id]
    assert client.get(f"/api/v1/quotes/{quote_a.pk}").status_code == 404
    invitations = client.get(f"/api/v1/rfqs/{rfq.pk}").json()["invitations"]
    assert [i["vendor_id"] for i in invitations] == [quote_b.vendor_id]


# --- vendors ---------------------------------------------------------------------------------


def test_procurement_lists_and_creates_vendors(api_as, procurement_user, vendor_a):
    client = api_as(procurement_user)
    response = client.post(
        "/api/v1/vendors",
        {
            "name": "Porto Support",
            "region": "nearshore",
            "country": "Portugal",
            "contact_email": "s@porto.example",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("name", "region", "country", "contact_email")} == {
        "name": "Porto Support",
        "region": "nearshore",
        "country": "Portugal",
        "contact_email": "s@porto.example",
    }
    assert Vendor.objects.get(pk=body["id"]).name == "Porto Support"
    listed = client.get("/api/v1/vendors").json()
    assert listed["count"] == 2
    assert [v["name"] for v in listed["items"]] == ["Alpha Contact", "Porto Support"]
    assert set(listed["items"][0]) >= {"id", "name", "region", "country"}
    second = client.get("/api/v1/vendors?limit=1&offset=1").json()
    assert (second["count"], [v["name"] for v in second["items"]]) == (2, ["Porto Support"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region": "onshore"}, "name"),
        ({"name": "", "region": "onshore"}, "name"),
        ({"name": "X"}, "region"),
        ({"name": "X", "region": "moon"}, "region"),
        ({"name": "X", "region": "onshore", "contact_email": "not-an-address"}, "contact_email"),
        ({"name": "Alpha Contact", "region": "onshore"}, "name"),
    ],
)
def test_a_bad_vendor_is_422_naming_the_field(api_as, procurement_user, vendor_a, body, field):
    assert field in _errors(api_as(procurement_user).post("/api/v1/vendors", body))
    assert Vendor.objects.count() == 1


# --- RFQs ------------------------------------------------------------------------------------


def test_procurement_creates_an_open_rfq_with_scope_and_baseline(api_as, procurement_user):
    response = api_as(procurement_user).post("/api/v1/rfqs", RFQ_BODY)
    assert response.status_code == 201
    body = response.json()
    rfq = Rfq.objects.get(pk=body["id"])
    assert (rfq.status, rfq.owner, rfq.ih_fte) == ("open", procurement_user, Decimal("1"))
    assert body["status"] == "open"
    assert body["reference"] == "RFQ-2026-001"
    assert body["channels"] == [
        {
            "channel": "chat",
            "volume_per_month": 150,
            "aht_minutes": "10.00",
            "sla_response_minutes": "1.00",
            # docs/domain.md §1 defaults for a live chat left unset.
            "concurrency": "1.70",
            "service_level_pct": "80.00",
            "answer_seconds": "60.00",
            "hourly_weights": [],
        },
        {
            "channel": "email",
            "volume_per_month": 500,
            "aht_minutes": "10.00",
            "sla_response_minutes": None,
            "concurrency": None,
            "service_level_pct": None,
            "answer_seconds": None,
            "hourly_weights": [],
        },
    ]
    assert body["in_house"]["gross_salary_month"] == "2500.00"
    assert body["in_house"]["employer_costs_pct"] == "35.00"
    assert body["in_house"]["productive_hours_per_fte_month"] == "160.00"
    assert body["targets"] == {
        "csat_pct": "85.00",
        "frt_minutes": "60.00",
        "aht_minutes": None,
        "fcr_pct": "70.00",
        "cost_per_ticket": None,
    }
    assert body["coverage_hours_per_week"] == "40.00"
    assert body["invitations"] == []


def test_an_rfq_may_be_created_as_a_draft(api_as, procurement_user):
    body = api_as(procurement_user).post("/api/v1/rfqs", {**RFQ_BODY, "status": "draft"}).json()
    assert Rfq.objects.get(pk=body["id"]).status == "draft"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"term_months": 36}, "term_months"),
        ({"quote_deadline": "2026-01-01T00:00:00+01:00"}, "quote_deadline"),
        ({"quote_deadline": "someday"}, "quote_deadline"),
        ({"channels": []}, "channels"),
        (
            {"channels": [{"channel": "fax", "volume_per_month": 1, "aht_minutes": 1}]},
            "channels.0.channel",
        ),
        (
            {"channels": [{"channel": "email", "volume_per_month": 0, "aht_minutes": 1}]},
            "channels.0.volume_per_month",
        ),
        (
            {"channels": [{"channel": "email", "volume_per_month": 5, "aht_minutes": "ten"}]},
            "channels.0.aht_minutes",
        ),
        ({"in_house": {"employer_costs_pct": -1}}, "in_house.employer_costs_pct"),
        (
            {"in_house": {"productive_hours_per_fte_month": 0}},
            "in_house.productive_hours_per_fte_month",
        ),
        ({"targets": {"csat_pct": 101}}, "targets.csat_pct"),
        ({"status": "awarded"}, "status"),
        ({"days_per_week": 9}, "days_per_week"),
        # Read strictly like every number (common/strict.py): JSON true is not 1.
        (
            {"weights": {"cost": True, "service": 99}},
            "weights.cost",
        ),
        ({"test_cases": [{"id": "1_0", "title": "Refund"}]}, "test_cases.0.id"),
        ({"test_cases": [{"title": "x" * 201}]}, "test_cases.0.title"),
        ({"must_haves": ["x" * 51]}, "must_haves.0"),
    ],
)
def test_a_bad_rfq_is_422_naming_the_field(api_as, procurement_user, change, field):
    body = {**RFQ_BODY, **change}
    body = {k: v for k, v in body.items() if v is not None}
    assert field in _errors(api_as(procurement_user).post("/api/v1/rfqs", body))
    assert not Rfq.objects.exists()


def test_a_vendor_lists_and_reads_the_rfqs_it_is_invited_to_without_the_baseline(
    api_as, vendor_a_user, rfq, invitation_a
):
    RfqFactory()  # not invited
    client = api_as(vendor_a_user)
    listed = client.get("/api/v1/rfqs").json()
    assert [r["id"] for r in listed] == [rfq.pk]
    body = client.get(f"/api/v1/rfqs/{rfq.pk}").json()
    assert body["in_house"] is None
    assert body["strategic"] is None
    assert body["channels"][1]["volume_per_month"] == 500
    assert Invitation.objects.get(pk=invitation_a.pk).status == "viewed"


def test_a_vendor_cannot_read_a_draft_rfq_it_is_invited_to(
    api_as, vendor_a_user, procurement_user, vendor_a
):
    draft = RfqFactory(status="draft")
    Invitation.objects.create(rfq=draft, vendor=vendor_a, invited_by=procurement_user)
    assert api_as(vendor_a_user).get(f"/api/v1/rfqs/{draft.pk}").status_code == 404


# --- invitations -----------------------------------------------------------------------------


def test_inviting_emails_the_vendors_users_and_warns_below_two(
    api_as, procurement_user, rfq, vendor_a, vendor_a_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(procurement_user).post(
            f"/api/v1/rfqs/{rfq.pk}/invitations", {"vendor_id": vendor_a.pk}
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["vendor_id"], body["rfq_id"], body["state"]) == (vendor_a.pk, rfq.pk, "invited")
    assert len(body["warnings"]) == 1
    assert [m.to for m in mail.outbox] == [[vendor_a_user.email]]


@pytest.mark.parametrize(
    ("setup", "vendor", "field"),
    [
        (None, "missing", "vendor_id"),
        (None, "unknown", "vendor_id"),
        ("invite", "a", "vendor_id"),
        ("close", "a", "status"),
    ],
)
def test_a_bad_invitation_is_422_naming_the_field(
    api_as, procurement_user, rfq, vendor_a, setup, vendor, field
):
    if setup == "invite":
        Invitation.objects.create(rfq=rfq, vendor=vendor_a, invited_by=procurement_user)
    if setup == "close":
        Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    body = {"missing": {}, "unknown": {"vendor_id": 999999}, "a": {"vendor_id": vendor_a.pk}}[
        vendor
    ]
    assert field in _errors(
        api_as(procurement_user).post(f"/api/v1/rfqs/{rfq.pk}/invitations", body)
    )
    assert Invitation.objects.count() == (1 if setup == "invite" else 0)


# --- quotes ----------------------------------------------------------------------------------


def test_a_vendor_submits_then_revises_its_quote(api_as, vendor_a_user, rfq, invitation_a):
    client = api_as(vendor_a_user)
    first = client.post(
        f"/api/v1/rfqs/{rfq.pk}/quotes",
        {"pricing_model": "hourly", "hourly_rate": 18, "onboarding_fee": "2000", "dpa": True},
    )
    assert first.status_code == 201
    body = first.json()
    assert (body["revision"], body["status"], body["vendor_id"]) == (
        1,
        "submitted",
        vendor_a_user.vendor_id,
    )
    assert (body["hourly_rate"], body["onboarding_fee"]) == ("18.00", "2000.00")
    assert "rate_flags" not in body or body["rate_flags"] is None
    assert body["risk"] is None
    assert "qa_sample_rate" in body["gaps"]

    second = client.post(f"/api/v1/rfqs/{rfq.pk}/quotes", {"hourly_rate": "17.5"})
    assert second.status_code == 200
    assert (second.json()["revision"], second.json()["hourly_rate"]) == (2, "17.50")
    assert second.json()["onboarding_fee"] == "2000.00"  # left out, kept
    quote = Quote.objects.get()
    assert (quote.revision, quote.hourly_rate, quote.entered_by_procurement) == (
        2,
        Decimal("17.5"),
        False,
    )

    read = client.get(f"/api/v1/quotes/{quote.pk}").json()
    assert (read["id"], read["revision"], read["vendor_id"]) == (quote.pk, 2, quote.vendor_id)


def test_procurement_enters_a_quote_with_vendor_id(
    api_as, procurement_user, rfq, invitation_b, vendor_b
):
    client = api_as(procurement_user)
    assert "vendor_id" in _errors(
        client.post(f"/api/v1/rfqs/{rfq.pk}/quotes", {"pricing_model": "hourly"})
    )
    response = client.post(
        f"/api/v1/rfqs/{rfq.pk}/quotes",
        {"vendor_id": vendor_b.pk, "pricing_model": "per_ticket", "per_ticket_rate": 2.5},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["entered_by_procurement"] is True
    # Beta Support is offshore: €2.50 a ticket is above the €0.50–2 band.
    assert body["rate_flags"] == [
        {
            "code": "above_market",
            "rate": "per_ticket_rate",
            "value": "2.50",
            "region": "offshore",
            "band_low": "0.50",
            "band_high": "2.00",
        }
    ]
    assert body["risk"] == "0.00"
    listed = client.get(f"/api/v1/rfqs/{rfq.pk}/quotes").json()
    assert [q["vendor_id"] for q in listed] == [vendor_b.pk]


def test_after_the_deadline_the_vendor_gets_422_naming_the_deadline(
    api_as, vendor_a_user, rfq, quote_a
):
    with time_machine.travel(AFTER_DEADLINE):
        response = api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", {"hourly_rate": 12})
    assert "quote_deadline" in _errors(response)
    quote_a.refresh_from_db()
    assert (quote_a.revision, quote_a.hourly_rate) == (1, Decimal("18"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hourly_rate": 18}, "pricing_model"),
        ({"pricing_model": "hourly"}, "hourly_rate"),
        ({"pricing_model": "barter"}, "pricing_model"),
        ({"pricing_model": "hourly", "hourly_rate": -1}, "hourly_rate"),
        ({"pricing_model": "hourly", "hourly_rate": "eighteen"}, "hourly_rate"),
        ({"pricing_model": "hourly", "hourly_rate": "NaN"}, "hourly_rate"),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "min_availability_pct": 101},
            "min_availability_pct",
        ),
        ({"pricing_model": "hourly", "hourly_rate": 18, "agents_offered": 0}, "agents_offered"),
        ({"pricing_model": "hourly", "hourly_rate": 18, "scale_up_days": -3}, "scale_up_days"),
        ({"pricing_model": "hourly", "hourly_rate": 18, "dpa": "perhaps"}, "dpa"),
        (
            {"pricing_model": "hourly", "hourly_rate": 18, "knowledge_base_owner": "x"},
            "knowledge_base_owner",
        ),
        ({"pricing_model": "hourly", "hourly_rate": 18, "vendor_id": 999999}, "vendor_id"),
    ],
)
def test_each_bad_quote_value_is_422_naming_the_field(
    api_as, vendor_a_user, rfq, invitation_a, body, field
):
    assert field in _errors(api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", body))
    assert not Quote.objects.exists()


def test_a_vendor_that_is_not_invited_cannot_post_a_quote(api_as, rfq, procurement_user, vendor_b):
    # Invited to the RFQ but declined: 422 naming the vendor.
    Invitation.objects.create(
        rfq=rfq, vendor=vendor_b, invited_by=procurement_user, status="declined"
    )
    user = VendorUserFactory(vendor=vendor_b, email="second@beta.example")
    response = api_as(user).post(
        f"/api/v1/rfqs/{rfq.pk}/quotes", {"pricing_model": "hourly", "hourly_rate": 5}
    )
    assert "vendor_id" in _errors(response)


def test_nul_characters_and_unknown_filters_are_422_not_500(
    api_as, procurement_user, rfq, invitation_a, vendor_a_user
):
    client = api_as(procurement_user)
    assert "name" in _errors(
        client.post("/api/v1/vendors", {"name": "A\x00B", "region": "onshore"})
    )
    assert "title" in _errors(client.post("/api/v1/rfqs", {**RFQ_BODY, "title": "x\x00"}))
    assert "status" in _errors(client.get("/api/v1/rfqs", status="sealed"))
    # Issue 21: control characters are refused in any text, a search included, naming it.
    assert "q" in _errors(client.get("/api/v1/rfqs", q="web\x00shop"))
    body = {"pricing_model": "hourly", "hourly_rate": 18, "penalties": "\x00"}
    assert "penalties" in _errors(api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", body))


# --- the in-house live desk (docs/domain.md §1) -----------------------------------------------------


def test_an_rfq_takes_and_returns_its_live_desk_settings(api_as, procurement_user):
    body = {
        **RFQ_BODY,
        "in_house": {
            **RFQ_BODY["in_house"],
            "live_staffing": "combined",
            "hours_per_week": 36,
            "shrinkage_pct": "25",
        },
    }
    response = api_as(procurement_user).post("/api/v1/rfqs", body)
    assert response.status_code == 201, response.content
    rfq = Rfq.objects.get(pk=response.json()["id"])
    assert (rfq.ih_live_staffing, rfq.ih_hours_per_week, rfq.ih_shrinkage_pct) == (
        "combined",
        Decimal("36"),
        Decimal("25"),
    )
    in_house = response.json()["in_house"]
    assert (in_house["live_staffing"], in_house["hours_per_week"], in_house["shrinkage_pct"]) == (
        "combined",
        "36.00",
        "25.00",
    )


def test_left_out_the_live_desk_takes_the_stated_defaults(api_as, procurement_user):
    in_house = api_as(procurement_user).post("/api/v1/rfqs", RFQ_BODY).json()["in_house"]
    assert (in_house["live_staffing"], in_house["hours_per_week"], in_house["shrinkage_pct"]) == (
        "dedicated",
        "40.00",
        "0.00",
    )


@pytest.mark.parametrize(
    ("in_house", "field"),
    [
        ({"shrinkage_pct": 61}, "in_house.shrinkage_pct"),
        ({"hours_per_week": 169}, "in_house.hours_per_week"),
        ({"live_staffing": "outsourced"}, "in_house.live_staffing"),
    ],
)
def test_a_bad_live_desk_setting_is_422_naming_it(api_as, procurement_user, in_house, field):
    body = {**RFQ_BODY, "in_house": {**RFQ_BODY["in_house"], **in_house}}
    assert field in _errors(api_as(procurement_user).post("/api/v1/rfqs", body))
    assert not Rfq.objects.exists()
