"""Vendors: add, edit, their users (with a set-password e-mail), the vendor page."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from procurement.models import Vendor

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_procurement_adds_a_vendor(procurement_client):
    response = procurement_client.post(
        reverse("procurement:vendor_create"),
        {
            "name": "Porto Support",
            "region": "nearshore",
            "country": "Portugal",
            "contact_email": "sales@porto.example",
            "website": "https://porto.example",
            "cert_iso27001": "on",
            "other_certifications": "PCI DSS",
        },
    )
    vendor = Vendor.objects.get(name="Porto Support")
    assert response["Location"] == reverse("procurement:vendor_detail", args=[vendor.pk])
    assert (vendor.region, vendor.cert_iso27001, vendor.cert_soc2) == ("nearshore", True, False)
    assert vendor.other_certifications == "PCI DSS"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "region": "onshore"}, "This field is required."),
        ({"name": "X", "region": "moon"}, "Select a valid choice."),
        (
            {"name": "X", "region": "onshore", "contact_email": "nope"},
            "Enter a valid email address.",
        ),
        ({"name": "Alpha Contact", "region": "onshore"}, "Vendor with this Name already exists."),
    ],
)
def test_a_bad_vendor_is_sent_back_naming_the_field(procurement_client, vendor_a, data, message):
    response = procurement_client.post(reverse("procurement:vendor_create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Vendor.objects.count() == 1


def test_procurement_edits_a_vendor(procurement_client, vendor_a):
    procurement_client.post(
        reverse("procurement:vendor_update", args=[vendor_a.pk]),
        {"name": "Alpha Contact", "region": "nearshore", "country": "Spain", "cert_soc2": "on"},
    )
    vendor_a.refresh_from_db()
    assert (vendor_a.country, vendor_a.cert_soc2) == ("Spain", True)


def test_procurement_adds_a_vendor_user_who_gets_a_set_password_link(
    procurement_client, vendor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = procurement_client.post(
            reverse("procurement:vendor_user_create", args=[vendor_a.pk]),
            {"email": "Desk@Alpha.example", "full_name": "Dana Desk", "language": "nl"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="desk@alpha.example")
    assert (user.role, user.vendor, user.language) == ("vendor", vendor_a, "nl")
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["desk@alpha.example"]
    assert "/accounts/reset/" in message.body
    assert "/accounts/reset/" in message.alternatives[0][0]
    html = procurement_client.get(
        reverse("procurement:vendor_detail", args=[vendor_a.pk])
    ).content.decode()
    assert "desk@alpha.example" in html


def test_an_existing_account_is_never_turned_into_a_vendor_user(
    procurement_client, procurement_user, vendor_a
):
    response = procurement_client.post(
        reverse("procurement:vendor_user_create", args=[vendor_a.pk]),
        {"email": procurement_user.email, "language": "en"},
    )
    assert response.status_code == 422
    assert "A user with this e-mail address already exists." in response.content.decode()
    procurement_user.refresh_from_db()
    assert procurement_user.role == "procurement"
    assert mail.outbox == []
