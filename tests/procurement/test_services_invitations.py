"""Invitations: who may invite when, the e-mail to every vendor user, viewed and declined."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common import outbox
from procurement import services
from procurement.emails import send_invitation_emails
from procurement.models import Invitation, InvitationStatus
from tests.factories import VendorFactory, VendorUserFactory
from tests.procurement.factories import QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db


def test_inviting_to_an_open_rfq_emails_every_user_of_the_vendor_in_their_language(
    rfq, vendor_a, vendor_a_user, procurement_user, django_capture_on_commit_callbacks
):
    VendorUserFactory(email="nl@alpha.example", vendor=vendor_a, language="nl")
    VendorUserFactory(email="gone@alpha.example", vendor=vendor_a, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)

    assert sorted(m.to[0] for m in mail.outbox) == ["agent@alpha.example", "nl@alpha.example"]
    english = next(m for m in mail.outbox if m.to == ["agent@alpha.example"])
    dutch = next(m for m in mail.outbox if m.to == ["nl@alpha.example"])
    link = f"http://127.0.0.1:8000/procurement/portal/rfqs/{rfq.pk}/"
    assert english.subject == "Request for quotation RFQ-2026-001: Webshop customer service"
    assert "Alpha Contact is invited to quote on RFQ-2026-001" in english.body
    assert "E-mail: 500 a month, 10.00 min each" in english.body
    assert link in english.body
    html = english.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "Open the request" in html
    assert english.reply_to == [procurement_user.email]
    assert dutch.subject == "Offerteaanvraag RFQ-2026-001: Webshop customer service"
    assert "Open de aanvraag" in dutch.alternatives[0][0]
    assert link in dutch.body
    invitation.refresh_from_db()
    assert invitation.notified_at is not None
    assert invitation.status == InvitationStatus.INVITED


def test_the_email_is_sent_once_however_often_the_job_runs(
    rfq, vendor_a, vendor_a_user, procurement_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert send_invitation_emails(invitation.pk) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_released_for_a_retry(
    rfq, vendor_a, vendor_a_user, procurement_user, django_capture_on_commit_callbacks
):
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invitation = services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    invitation.refresh_from_db()
    assert invitation.notified_at is None  # saved, not e-mailed, can be sent again
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, by=procurement_user)
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.notified_at is not None
    # The first round's retry was replaced by the resend: it never goes as well.
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert outbox.send_due() == []
    assert len(mail.outbox) == 1


def test_vendors_invited_to_a_draft_are_emailed_when_it_opens(
    procurement_user, vendor_a, vendor_a_user, django_capture_on_commit_callbacks
):
    rfq = RfqFactory(owner=procurement_user, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.rfq_open(rfq=rfq, by=procurement_user)
    assert [m.to for m in mail.outbox] == [["agent@alpha.example"]]


def test_no_invitations_after_closing(rfq, vendor_a, procurement_user):
    services.rfq_close(rfq=rfq, by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert "status" in exc.value.message_dict
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("status", ["awarded", "cancelled"])
def test_no_invitations_to_a_finished_rfq(procurement_user, vendor_a, status):
    rfq = RfqFactory(owner=procurement_user, status=status)
    with pytest.raises(ValidationError):
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert not Invitation.objects.exists()


def test_no_invitations_once_the_deadline_passed(procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, quote_deadline=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert "quote_deadline" in exc.value.message_dict


def test_a_vendor_is_invited_once(rfq, invitation_a, vendor_a, procurement_user):
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)
    assert "vendor" in exc.value.message_dict
    assert Invitation.objects.count() == 1


def test_a_vendor_that_declined_may_be_invited_again(
    rfq, invitation_a, vendor_a_user, procurement_user
):
    services.invitation_decline(invitation=invitation_a, by=vendor_a_user, reason="Too busy")
    services.invitation_create(rfq=rfq, vendor=invitation_a.vendor, by=procurement_user)
    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.decline_reason) == ("invited", "")


def test_only_procurement_invites(rfq, vendor_a, manager, vendor_b_user):
    for user in (manager, vendor_b_user):
        with pytest.raises(PermissionDenied):
            services.invitation_create(rfq=rfq, vendor=vendor_a, by=user)


def test_it_warns_below_two_invited_vendors_but_does_not_block(rfq, procurement_user):
    first, second = VendorFactory(), VendorFactory()
    services.invitation_create(rfq=rfq, vendor=first, by=procurement_user)
    assert len(services.invitation_warnings(rfq)) == 1
    services.invitation_create(rfq=rfq, vendor=second, by=procurement_user)
    assert services.invitation_warnings(rfq) == []


def test_viewing_marks_the_invitation_viewed_only_for_its_own_vendor(
    invitation_a, vendor_a_user, vendor_b_user, procurement_user
):
    services.invitation_mark_viewed(invitation=invitation_a, by=procurement_user)
    services.invitation_mark_viewed(invitation=invitation_a, by=vendor_b_user)
    invitation_a.refresh_from_db()
    assert invitation_a.status == "invited"
    services.invitation_mark_viewed(invitation=invitation_a, by=vendor_a_user)
    invitation_a.refresh_from_db()
    assert invitation_a.status == "viewed"
    assert invitation_a.viewed_at is not None


def test_declining_needs_a_reason_and_is_kept(invitation_a, vendor_a_user):
    with pytest.raises(ValidationError) as exc:
        services.invitation_decline(invitation=invitation_a, by=vendor_a_user, reason=" ")
    assert "decline_reason" in exc.value.message_dict
    services.invitation_decline(
        invitation=invitation_a, by=vendor_a_user, reason="No Dutch-speaking agents"
    )
    invitation_a.refresh_from_db()
    assert invitation_a.status == "declined"
    assert invitation_a.decline_reason == "No Dutch-speaking agents"
    assert invitation_a.declined_at is not None


def test_another_vendor_cannot_decline_for_you(invitation_a, vendor_b_user):
    with pytest.raises(PermissionDenied):
        services.invitation_decline(invitation=invitation_a, by=vendor_b_user, reason="x")


def test_a_submitted_quote_cannot_be_declined(quote_a, invitation_a, vendor_a_user):
    with pytest.raises(ValidationError) as exc:
        services.invitation_decline(invitation=invitation_a, by=vendor_a_user, reason="Changed")
    assert "status" in exc.value.message_dict


def test_procurement_records_a_decline_received_by_phone(invitation_b, procurement_user):
    services.invitation_decline(invitation=invitation_b, by=procurement_user, reason="Phoned: full")
    assert Invitation.objects.get(pk=invitation_b.pk).status == "declined"


def test_no_quote_draft_for_another_rfq_counts_against_declining(
    rfq, invitation_a, vendor_a, vendor_a_user
):
    QuoteFactory(vendor=vendor_a)  # a submitted quote on another RFQ
    services.invitation_decline(invitation=invitation_a, by=vendor_a_user, reason="Not this one")
    assert Invitation.objects.get(pk=invitation_a.pk).status == "declined"


def test_the_invitation_greets_by_name_and_gives_the_deadline_with_its_time_zone(
    rfq, vendor_a, procurement_user, django_capture_on_commit_callbacks
):
    VendorUserFactory(email="ana@lisbon.example", full_name="Ana Sousa", vendor=vendor_a)
    VendorUserFactory(email="desk@lisbon.example", full_name="", vendor=vendor_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(rfq=rfq, vendor=vendor_a, by=procurement_user)

    named = next(m for m in mail.outbox if m.to == ["ana@lisbon.example"])
    nameless = next(m for m in mail.outbox if m.to == ["desk@lisbon.example"])
    assert named.body.startswith("Dear Ana,")
    # No name: the vendor's name, never the address.
    assert nameless.body.startswith(f"Dear {vendor_a.name},")
    assert "desk@lisbon.example" not in nameless.body
    # 9 March 17:00 in Amsterdam, with its zone for a vendor in Manila; one full stop.
    assert "before 9 Mar 2026, 17:00 CET. After the deadline" in named.body
    assert ".." not in named.body
    assert "before 9 Mar 2026, 17:00 CET." in named.alternatives[0][0]
