"""Award with approval (issue 12): procurement proposes, a manager approves or rejects;
only an approved proposal awards the RFQ, and no other route does."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from procurement import emails, services
from procurement.models import AwardProposal, Rfq
from procurement.services import AwardAssessment
from procurement.views.awards import award_memo_document
from tests.factories import ManagerFactory, VendorUserFactory

pytestmark = pytest.mark.django_db

BEST = AwardAssessment(is_best_value=True, is_excluded=False)


@pytest.fixture
def closed(rfq, quote_a, quote_b):
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    rfq.refresh_from_db()
    return rfq


@pytest.fixture
def dutch_vendor_b_user(vendor_b):
    return VendorUserFactory(email="nl@vendor-b.example", vendor=vendor_b, language="nl")


def _propose_page(client, rfq, **data):
    return client.post(reverse("costing:award_propose", args=[rfq.pk]), data)


def test_proposing_asks_for_confirmation_then_waits_for_a_manager(
    closed, quote_a, procurement_client, manager, django_capture_on_commit_callbacks
):
    data = {"quote": quote_a.pk, "reason": "Dutch team", "override_reason": "Pilot first"}
    step = _propose_page(procurement_client, closed, **data)
    assert step.status_code == 200
    assert "Proposing asks every manager by e-mail" in step.content.decode()
    assert not AwardProposal.objects.exists()  # the confirmation step changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = _propose_page(procurement_client, closed, confirmed="1", **data)
    proposal = AwardProposal.objects.get()
    assert done.status_code == 302
    assert proposal.status == "pending" and proposal.proposed_by.is_procurement
    closed.refresh_from_db()
    assert (closed.status, closed.awarded_quote) == ("closed", None)  # not yet awarded
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Approve the award of" in mail.outbox[0].subject


def test_a_quote_that_is_not_the_best_value_needs_a_written_reason(
    closed, quote_a, procurement_user
):
    not_best = AwardAssessment(is_best_value=False, is_excluded=False)
    with pytest.raises(ValidationError) as exc:
        services.award_propose(
            rfq=closed, quote=quote_a, by=procurement_user, reason="Cheaper", assessment=not_best
        )
    assert "override_reason" in exc.value.message_dict
    proposal = services.award_propose(
        rfq=closed,
        quote=quote_a,
        by=procurement_user,
        reason="Cheaper",
        override_reason="The best value cannot start before June.",
        assessment=not_best,
    )
    assert proposal.history.first().override_reason == "The best value cannot start before June."


def test_an_excluded_quote_asks_for_the_reason_on_the_page(
    closed, quote_a, procurement_user, procurement_client
):
    type(quote_a).objects.filter(pk=quote_a.pk).update(dpa=None)
    Rfq.objects.filter(pk=closed.pk).update(status="open")
    services.rfq_criteria_update(rfq=closed, by=procurement_user, must_haves=["dpa"])
    Rfq.objects.filter(pk=closed.pk).update(status="closed")

    response = _propose_page(procurement_client, closed, quote=quote_a.pk, reason="Cheapest")
    assert response.status_code == 422
    assert "This quote is excluded (a must-have is open)" in response.content.decode()
    step = _propose_page(
        procurement_client,
        closed,
        quote=quote_a.pk,
        reason="Cheapest",
        override_reason="DPA signed",
    )
    assert 'id="confirm-excluded"' in step.content.decode()
    _propose_page(
        procurement_client,
        closed,
        quote=quote_a.pk,
        reason="Cheapest",
        override_reason="DPA signed",
        confirmed="1",
    )
    proposal = AwardProposal.objects.get()
    assert proposal.is_excluded and proposal.snapshot["missing_must_haves"] == ["dpa"]


def test_a_manager_approves_on_a_confirmation_page_and_the_vendors_hear_it_once(
    closed,
    quote_a,
    procurement_user,
    manager_client,
    vendor_a_user,
    dutch_vendor_b_user,
    django_capture_on_commit_callbacks,
):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    mail.outbox.clear()
    url = reverse("procurement:award_approve", args=[proposal.pk])
    page = manager_client.get(url).content.decode()
    assert "Approving awards the RFQ to" in page and "This cannot be undone." in page
    assert Rfq.objects.get(pk=closed.pk).status == "closed"

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, {"note": "Go"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.awarded_quote) == ("awarded", quote_a)
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by.is_manager
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "was selected" in by_recipient[vendor_a_user.email].subject
    assert by_recipient[dutch_vendor_b_user.email].subject.startswith("Uitslag van")  # Dutch
    assert "approved" in by_recipient[procurement_user.email].subject
    # Sending again sends nothing new (claimed once).
    assert emails.send_award_emails("approved", proposal.pk) == 0


def test_a_manager_rejects_with_a_reason_and_the_rfq_stays_closed(
    closed, quote_a, procurement_user, manager, manager_client, django_capture_on_commit_callbacks
):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    url = reverse("procurement:award_reject", args=[proposal.pk])
    assert manager_client.post(url, {"note": ""}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, {"note": "Check the exit fee first"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert Rfq.objects.get(pk=closed.pk).status == "closed"
    assert any("rejected" in m.subject for m in mail.outbox if m.to == [procurement_user.email])
    # A new proposal may follow.
    services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Exit fee fine", assessment=BEST
    )


def test_only_one_proposal_waits_at_a_time(closed, quote_a, quote_b, procurement_user):
    services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="A", assessment=BEST
    )
    with pytest.raises(ValidationError) as exc:
        services.award_propose(
            rfq=closed, quote=quote_b, by=procurement_user, reason="B", assessment=BEST
        )
    assert "status" in exc.value.message_dict


def test_procurement_cannot_approve_its_own_proposal(
    closed, quote_a, procurement_user, procurement_client
):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    url = reverse("procurement:award_approve", args=[proposal.pk])
    assert procurement_client.post(url, {"note": ""}).status_code == 403
    assert Rfq.objects.get(pk=closed.pk).status == "closed"


def test_there_is_no_award_without_approval_through_any_channel(
    closed, quote_a, procurement_user, procurement_client, admin_role_client, api_as
):
    # The old one-click page is gone, and no API operation awards directly.
    assert procurement_client.post(f"/procurement/rfqs/{closed.pk}/award/").status_code == 404
    api = api_as(procurement_user)
    assert api.post(f"/api/v1/rfqs/{closed.pk}/award", {"quote_id": quote_a.pk}).status_code in {
        404,
        405,
    }
    # No API operation awards (docs/api.md): none names an award, and an RFQ's writes cannot
    # set its status or awarded quote.
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert not [path for path in paths if "award" in path]
    api.post(
        f"/api/v1/rfqs/{closed.pk}/quotes",
        {"vendor_id": quote_a.vendor_id, "status": "awarded", "awarded_quote_id": quote_a.pk},
    )
    # The admin shows the status and the awarded quote read-only.
    admin_role_client.post(
        reverse("admin:procurement_rfq_change", args=[closed.pk]),
        {"status": "awarded", "awarded_quote": quote_a.pk},
    )
    closed.refresh_from_db()
    assert (closed.status, closed.awarded_quote) == ("closed", None)


def test_proposing_on_an_open_rfq_is_refused(rfq, quote_a, procurement_user, procurement_client):
    with pytest.raises(ValidationError) as exc:
        services.award_propose(
            rfq=rfq, quote=quote_a, by=procurement_user, reason="x", assessment=BEST
        )
    assert "status" in exc.value.message_dict
    page = procurement_client.get(reverse("costing:award_propose", args=[rfq.pk]))
    assert page.status_code == 302  # back to the RFQ: close it first


def test_the_award_memo_is_a_pdf_with_who_proposed_and_approved(
    closed, quote_a, procurement_user, manager, manager_client
):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    services.award_approve(proposal=proposal, by=manager)
    response = manager_client.get(reverse("procurement:award_memo_pdf", args=[proposal.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    page = manager_client.get(reverse("procurement:award_proposal", args=[proposal.pk]))
    html = page.content.decode()
    assert str(procurement_user) in html and str(manager) in html


def test_the_managers_see_what_awaits_approval(closed, quote_a, procurement_user, manager_client):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    page = manager_client.get(reverse("procurement:award_proposal_list")).content.decode()
    assert f'data-proposal="{proposal.pk}"' in page


def test_a_second_manager_sees_it_decided(closed, quote_a, procurement_user, manager):
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    services.award_approve(proposal=proposal, by=manager)
    with pytest.raises(ValidationError) as exc:
        services.award_reject(proposal=proposal, by=ManagerFactory(), note="Too late")
    assert "status" in exc.value.message_dict


def test_the_award_memo_fits_on_one_page(closed, quote_a, procurement_user, manager):
    proposal = services.award_propose(
        rfq=closed,
        quote=quote_a,
        by=procurement_user,
        reason="Best value " * 40,
        assessment=AwardAssessment(
            is_best_value=True,
            is_excluded=False,
            snapshot={
                "scores": {"cost": "80.00", "service": "75.00", "compliance": "100.00"},
                "weights": {"cost": 40, "service": 20, "compliance": 20},
                "score": "82.00",
                "tco": "60000.00",
                "months": 12,
                "risks": [{"name": "Data leak", "probability_pct": "10.00", "impact": "5000.00"}],
                "gaps": ["scale_up_time"],
                "sla_shortfalls": ["chat"],
            },
        ),
    )
    services.award_approve(proposal=proposal, by=manager, note="Agreed")
    request = RequestFactory().get("/")
    request.user = manager
    document = award_memo_document(proposal, request)
    assert len(document.pages) == 1


def _texts(box) -> list[str]:
    found = [box.text] if hasattr(box, "text") else []
    for child in getattr(box, "children", ()):
        found += _texts(child)
    return found


def test_the_award_memo_footer_reads_the_reference_as_written(
    closed, quote_a, procurement_user, manager
):
    closed.reference = "RFQ-2026-001"
    closed.save(update_fields=["reference"])
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    services.award_approve(proposal=proposal, by=manager)
    request = RequestFactory().get("/")
    request.user = manager
    page = award_memo_document(proposal, request).pages[0]
    text = " ".join(_texts(page._page_box))
    assert "VendorPilot · RFQ-2026-001" in text  # issue 24: not RFQu002D2026u002D001
    assert "u002D" not in text


def test_the_award_outcome_greets_by_name_never_by_address(
    closed, quote_a, procurement_user, manager
):
    from common import outbox
    from procurement.models import Invitation

    vendor = quote_a.vendor
    Invitation.objects.get_or_create(
        rfq=closed, vendor=vendor, defaults={"invited_by": procurement_user}
    )
    named = VendorUserFactory(email="ana@vendor.example", full_name="Ana Silva", vendor=vendor)
    unnamed = VendorUserFactory(email="desk@vendor.example", full_name="", vendor=vendor)
    proposal = services.award_propose(
        rfq=closed, quote=quote_a, by=procurement_user, reason="Best value", assessment=BEST
    )
    services.award_approve(proposal=proposal, by=manager)
    mail.outbox.clear()
    outbox.send_due()  # the outcome was queued with the approval (common.outbox)

    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert by_recipient[named.email].startswith("Dear Ana,")
    assert by_recipient[unnamed.email].startswith(f"Dear {vendor.name},")
    assert "desk@vendor.example" not in by_recipient[unnamed.email].splitlines()[0]
