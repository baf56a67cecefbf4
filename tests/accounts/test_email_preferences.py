"""E-mail preferences (issue 23 item 6): each user chooses the optional e-mails (digest,
reminders) on a page; optional e-mails carry a one-click unsubscribe (RFC 8058) that works
without signing in; e-mails that decide something always go."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.preferences import BY_KEY, unsubscribe_token
from pilots.digest import weekly_digest_send
from procurement.models import Invitation, Rfq, RfqStatus
from procurement.reminders import quote_reminders_send
from tests.factories import ManagerFactory, VendorUserFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 8)


def test_a_manager_switches_the_digest_off_on_the_page_and_gets_none(manager, manager_client):
    other = ManagerFactory(email="other@example.com")
    page = manager_client.get(reverse("accounts:email_preferences"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Weekly digest" in html and "Reminders" in html
    assert "scorecards, invitations and award outcomes — always go" in html
    response = manager_client.post(
        reverse("accounts:email_preferences"), {"email_reminders": "on"}
    )  # the digest box left unticked
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.email_digest, manager.email_reminders) == (False, True)
    sent = weekly_digest_send(as_of=MONDAY)
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert [row.recipient_id for row in sent] == [other.pk]


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get(reverse("accounts:email_preferences"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_is_in_dutch_for_a_dutch_user():
    user = ManagerFactory(language="nl")
    client = Client(headers={"Accept-Language": "nl"})
    client.force_login(user)
    html = client.get(reverse("accounts:email_preferences")).content.decode()
    assert "E-mailvoorkeuren" in html and "Weekoverzicht" in html


def test_an_optional_email_carries_one_click_unsubscribe_headers_and_a_footer_link(settings):
    settings.SITE_URL = "https://vendorpilot.example"
    manager = ManagerFactory(email="max@example.com")
    weekly_digest_send(as_of=MONDAY)
    (message,) = mail.outbox
    token = unsubscribe_token(manager, BY_KEY["digest"])
    url = f"https://vendorpilot.example/accounts/unsubscribe/{token}/"
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert parsed["List-Unsubscribe"].strip() == f"<{url}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe with one click: {url}" in message.body
    assert f'href="{url}"' in message.alternatives[0][0]


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token():
    manager = ManagerFactory(email="max@example.com")
    url = reverse("accounts:unsubscribe", args=[unsubscribe_token(manager, BY_KEY["digest"])])
    client = Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token
    # Opening the link (a link scanner does too) only asks to confirm.
    page = client.get(url)
    assert page.status_code == 200
    assert "max@example.com" in page.content.decode()
    manager.refresh_from_db()
    assert manager.email_digest is True
    # RFC 8058: the client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    done = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    assert "no longer receives: Weekly digest" in done.content.decode()
    manager.refresh_from_db()
    assert (manager.email_digest, manager.email_reminders) == (False, True)
    assert weekly_digest_send(as_of=MONDAY) == []
    assert mail.outbox == []


def test_a_forged_or_altered_link_changes_nothing():
    manager = ManagerFactory()
    token = unsubscribe_token(manager, BY_KEY["digest"])
    client = Client(enforce_csrf_checks=True)
    for bad in (token[:-2] + "xx", "not-a-token", token.replace(":", "", 1)):
        response = client.post(reverse("accounts:unsubscribe", args=[bad]))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    manager.refresh_from_db()
    assert manager.email_digest is True


def test_a_vendor_user_without_reminders_gets_no_quote_reminder(procurement_user, vendor_a):
    quiet = VendorUserFactory(email="quiet@alpha.example", vendor=vendor_a, email_reminders=False)
    loud = VendorUserFactory(email="loud@alpha.example", vendor=vendor_a)
    deadline = datetime(2027, 3, 10, 16, 0, tzinfo=UTC)
    rfq = Rfq.objects.create(
        title="Reminders", reference="RFQ-R", owner=procurement_user, status=RfqStatus.OPEN,
        quote_deadline=deadline,
    )  # fmt: skip
    Invitation.objects.create(rfq=rfq, vendor=vendor_a, invited_by=procurement_user)
    sent = quote_reminders_send(at=deadline - timedelta(hours=40))
    assert [row.recipient_id for row in sent] == [loud.pk]
    assert [m.to for m in mail.outbox] == [["loud@alpha.example"]]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    assert quiet.pk not in {row.recipient_id for row in sent}


def test_emails_that_decide_something_go_whatever_the_preferences(
    procurement_user, vendor_a, django_capture_on_commit_callbacks
):
    from procurement import services
    from tests.procurement.factories import RfqFactory

    VendorUserFactory(
        email="quiet@alpha.example", vendor=vendor_a, email_digest=False, email_reminders=False
    )
    rfq = RfqFactory(owner=procurement_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    (message,) = mail.outbox
    assert message.to == ["quiet@alpha.example"]
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Unsubscribe" not in message.body
