"""RFQ pages: create, edit, invite, open/close/award/cancel, and what the RFQ page shows."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from procurement.forms import RfqForm
from procurement.models import Invitation, Rfq
from tests.factories import VendorFactory, VendorUserFactory
from tests.procurement.factories import QuoteFactory

pytestmark = pytest.mark.django_db


def _rfq_post(**overrides):
    data = {
        "title": "Webshop 2026",
        "reference": "",
        "description": "E-mail and chat",
        "quote_deadline": "2026-03-20T17:00",
        "opens_at": "09:00",
        "closes_at": "23:00",
        "days_per_week": "7",
        "languages": "Dutch, English",
        "term_months": "12",
        "automation_deflection_pct": "0",
        "target_csat_pct": "85",
        "target_frt_minutes": "60",
        "target_aht_minutes": "",
        "target_fcr_pct": "70",
        "target_cost_per_ticket": "",
        "ih_gross_salary_month": "2500",
        "ih_employer_costs_pct": "35",
        "ih_overhead_per_fte_month": "0",
        "ih_licences_per_fte_month": "0",
        "ih_absence_pct": "10",
        "ih_productive_hours_per_fte_month": "160",
        "ih_one_time": "0",
        "ih_fte": "",
        "own_management_per_month": "0",
        "email-included": "on",
        "email-volume_per_month": "500",
        "email-aht_minutes": "10",
        "email-sla_response_minutes": "240",
        "chat-included": "on",
        "chat-volume_per_month": "900",
        "chat-aht_minutes": "10",
        "chat-sla_response_minutes": "1",
        "action": "draft",
    }
    data.update(overrides)
    return data


def test_procurement_creates_an_rfq_with_its_scope(procurement_client, procurement_user):
    response = procurement_client.post(reverse("procurement:rfq_create"), _rfq_post())
    rfq = Rfq.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:rfq_detail", args=[rfq.pk])
    assert (rfq.status, rfq.reference, rfq.owner) == ("draft", "RFQ-2026-001", procurement_user)
    assert rfq.coverage_hours_per_week == Decimal("98")
    assert rfq.ih_absence_pct == Decimal("10")
    assert rfq.target_aht_minutes is None
    assert {
        (c.channel, c.volume_per_month, c.sla_response_minutes) for c in rfq.channels.all()
    } == {
        ("email", 500, Decimal("240")),
        ("chat", 900, Decimal("1")),
    }


def test_save_and_open_opens_it(procurement_client):
    procurement_client.post(reverse("procurement:rfq_create"), _rfq_post(action="open"))
    assert Rfq.objects.get().status == "open"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email-included": "", "chat-included": ""}, "Add at least one channel"),
        ({"email-volume_per_month": ""}, "Required for a channel in scope."),
        ({"term_months": "36"}, "Ensure this value is less than or equal to 24."),
        ({"quote_deadline": "2026-02-01T17:00"}, "The quote deadline must lie in the future."),
        ({"quote_deadline": "soon"}, "Enter a valid date/time."),
        ({"ih_employer_costs_pct": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_a_bad_rfq_form_is_sent_back_with_the_error_and_nothing_saved(
    procurement_client, overrides, message
):
    response = procurement_client.post(reverse("procurement:rfq_create"), _rfq_post(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Rfq.objects.exists()


def test_dutch_users_type_dutch_numbers(procurement_user, procurement_client):
    procurement_user.language = "nl"
    procurement_user.save()
    procurement_client.post(
        reverse("procurement:rfq_create"),
        _rfq_post(**{"ih_gross_salary_month": "2.750,50", "email-aht_minutes": "7,5"}),
    )
    rfq = Rfq.objects.get()
    assert rfq.ih_gross_salary_month == Decimal("2750.50")
    assert rfq.channels.get(channel="email").aht_minutes == Decimal("7.5")


def test_editing_an_open_rfq_saves_the_change(rfq, procurement_client):
    url = reverse("procurement:rfq_update", args=[rfq.pk])
    assert "Webshop customer service" in procurement_client.get(url).content.decode()
    response = procurement_client.post(
        url, _rfq_post(title="Webshop, revised", reference="RFQ-2026-001", **{"chat-included": ""})
    )
    assert response.status_code == 302
    rfq.refresh_from_db()
    assert rfq.title == "Webshop, revised"
    assert [c.channel for c in rfq.channels.all()] == ["email"]


def test_a_closed_rfq_cannot_be_edited(rfq, procurement_client):
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    response = procurement_client.get(reverse("procurement:rfq_update", args=[rfq.pk]))
    assert response.status_code == 302
    response = procurement_client.post(
        reverse("procurement:rfq_update", args=[rfq.pk]), _rfq_post(title="Sneaky")
    )
    assert Rfq.objects.get(pk=rfq.pk).title == "Webshop customer service"


def test_inviting_three_vendors_emails_their_users(
    rfq, procurement_client, django_capture_on_commit_callbacks
):
    vendors = [VendorFactory(name=n) for n in ("North", "South", "East")]
    for vendor in vendors:
        VendorUserFactory(vendor=vendor, email=f"desk@{vendor.name.lower()}.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = procurement_client.post(
            reverse("procurement:rfq_invite", args=[rfq.pk]),
            {"vendors": [v.pk for v in vendors]},
            follow=True,
        )
    html = response.content.decode()
    assert "Invited and e-mailed: East, North, South." in html
    assert set(Invitation.objects.filter(rfq=rfq).values_list("vendor__name", flat=True)) == {
        "North",
        "South",
        "East",
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "desk@east.example",
        "desk@north.example",
        "desk@south.example",
    ]
    link = f"/procurement/portal/rfqs/{rfq.pk}/"
    assert all(link in m.body and link in m.alternatives[0][0] for m in mail.outbox)
    assert "Fewer than two vendors" not in html


def test_inviting_one_vendor_warns_but_invites(rfq, procurement_client, vendor_a):
    response = procurement_client.post(
        reverse("procurement:rfq_invite", args=[rfq.pk]), {"vendors": [vendor_a.pk]}, follow=True
    )
    html = response.content.decode()
    assert "Only one vendor is invited" in html
    assert 'id="too-few-invited"' in html
    # One coherent advice: at least two, preferably three (never "fewer than two… ask three").
    assert "Invite at least two, preferably three" in html
    assert "Ask at least three" not in html
    assert Invitation.objects.filter(rfq=rfq, vendor=vendor_a).exists()


def test_no_invitations_after_closing_through_the_page(rfq, procurement_client, vendor_a):
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    response = procurement_client.post(
        reverse("procurement:rfq_invite", args=[rfq.pk]), {"vendors": [vendor_a.pk]}, follow=True
    )
    assert "no more vendors can be invited" in response.content.decode()
    assert not Invitation.objects.exists()


def test_open_then_close_after_a_confirmation_page(procurement_client, procurement_user):
    from tests.procurement.factories import RfqFactory

    rfq = RfqFactory(owner=procurement_user, status="draft")
    procurement_client.post(reverse("procurement:rfq_transition", args=[rfq.pk, "open"]))
    assert Rfq.objects.get(pk=rfq.pk).status == "open"
    url = reverse("procurement:rfq_close", args=[rfq.pk])
    page = procurement_client.get(url).content.decode()
    assert "they can no longer submit or change their quotes" in page
    assert Rfq.objects.get(pk=rfq.pk).status == "open"  # asking changes nothing
    procurement_client.post(url)
    assert Rfq.objects.get(pk=rfq.pk).status == "closed"


def test_an_unknown_transition_is_404(rfq, procurement_client):
    url = reverse("procurement:rfq_transition", args=[rfq.pk, "award-everyone"])
    assert procurement_client.post(url).status_code == 404


def test_cancelling_asks_for_the_reason(rfq, procurement_client):
    url = reverse("procurement:rfq_cancel", args=[rfq.pk])
    response = procurement_client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Give the reason for cancelling." in response.content.decode()
    assert Rfq.objects.get(pk=rfq.pk).status == "open"
    procurement_client.post(url, {"reason": "Budget frozen"})
    rfq.refresh_from_db()
    assert (rfq.status, rfq.cancel_reason) == ("cancelled", "Budget frozen")


def test_the_rfq_page_shows_each_vendors_state(
    rfq, invitation_a, invitation_b, quote_b, procurement_client, vendor_a_user
):
    from procurement import services

    third = VendorFactory(name="Gamma Care")
    services.invitation_create(rfq=rfq, vendor=third, by=rfq.owner)
    fourth = VendorFactory(name="Delta Desk")
    inv = services.invitation_create(rfq=rfq, vendor=fourth, by=rfq.owner)
    VendorUserFactory(vendor=fourth, email="x@delta.example")
    from django.contrib.auth import get_user_model

    delta_user = get_user_model().objects.get(email="x@delta.example")
    services.invitation_decline(invitation=inv, by=delta_user, reason="No Dutch speakers")
    services.invitation_mark_viewed(invitation=invitation_a, by=vendor_a_user)

    html = procurement_client.get(reverse("procurement:rfq_detail", args=[rfq.pk])).content.decode()
    for vendor, state in (
        ("Alpha Contact", "viewed"),
        ("Beta Support", "submitted"),
        ("Gamma Care", "invited"),
        ("Delta Desk", "declined"),
    ):
        row = html.split(f'data-vendor="{vendor}"')[1].split("</tr>")[0]
        assert f'data-state="{state}"' in row, vendor
    assert "No Dutch speakers" in html
    assert "1 of 3 recommended quotes received" in html
    assert reverse("procurement:quote_detail", args=[quote_b.pk]) in html
    assert "In-house baseline" in html


def test_managers_read_the_rfq_page_without_any_write_controls(rfq, invitation_a, manager_client):
    html = manager_client.get(reverse("procurement:rfq_detail", args=[rfq.pk])).content.decode()
    assert 'id="invite-form"' not in html
    assert 'id="close-rfq"' not in html
    assert "Enter a quote for a vendor" not in html


def test_procurement_emails_an_invitation_again(
    rfq, invitation_a, vendor_a_user, procurement_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = procurement_client.post(
            reverse("procurement:invitation_resend", args=[rfq.pk, invitation_a.pk]), follow=True
        )
    assert "The invitation is e-mailed again to Alpha Contact." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[vendor_a_user.email]]
    invitation_a.refresh_from_db()
    assert invitation_a.notified_at is not None


def test_an_invitation_of_another_rfq_is_not_found_here(rfq, procurement_client, vendor_b):
    other = QuoteFactory(vendor=vendor_b).rfq.invitations.get()
    url = reverse("procurement:invitation_resend", args=[rfq.pk, other.pk])
    assert procurement_client.post(url).status_code == 404


def test_the_rfq_form_flags_a_past_deadline_together_with_the_other_errors(procurement_client):
    response = procurement_client.post(
        reverse("procurement:rfq_create"),
        _rfq_post(
            title="",
            quote_deadline="2026-03-01T17:00",
            ih_employer_costs_pct="-5",
            **{"chat-volume_per_month": ""},
        ),
    )

    assert response.status_code == 422
    html = response.content.decode()
    summary = html[
        html.index("vp-error-summary") : html.index("</ul>", html.index("vp-error-summary"))
    ]
    assert "Correct these 4 errors to save:" in summary
    assert '<a class="alert-link" href="#id_title">Title</a>: This field is required.' in summary
    assert 'href="#id_quote_deadline"' in summary
    assert "The quote deadline must lie in the future." in summary
    assert 'href="#id_ih_employer_costs_pct"' in summary
    assert 'href="#id_chat-volume_per_month">Live chat — ' in summary
    # The inline errors stay beside their fields.
    assert html.count("The quote deadline must lie in the future.") == 2
    assert not Rfq.objects.exists()


def test_editing_keeps_a_deadline_that_has_passed_meanwhile(rfq, procurement_client, frozen_time):
    frozen_time.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    form = RfqForm(
        _rfq_post(quote_deadline="2026-03-09T17:00", reference="RFQ-2026-001"), instance=rfq
    )

    form.is_valid()

    assert "quote_deadline" not in form.errors


def test_a_scope_without_channels_is_flagged_with_the_other_errors(procurement_client):
    response = procurement_client.post(
        reverse("procurement:rfq_create"),
        _rfq_post(title="", **{"email-included": "", "chat-included": ""}),
    )

    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index("vp-error-summary") :]
    assert "Add at least one channel (e-mail, chat or phone) to the scope." in summary
    assert 'href="#id_title"' in summary
    assert not Rfq.objects.exists()
