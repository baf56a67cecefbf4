"""Quotes on the standard template: drafts, submission, revisions, the deadline lock,
procurement's entry for a vendor, validation and the offer document."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement import services
from procurement.models import Invitation, Quote, RiskItem
from tests.procurement.conftest import AFTER_DEADLINE
from tests.procurement.factories import COMPLETE_TEMPLATE, RfqFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name="offer.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_draft_is_revision_0_and_submitting_makes_revision_1(
    rfq, vendor_a, invitation_a, vendor_a_user
):
    quote = services.quote_save_draft(
        rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={"pricing_model": "hourly"}
    )
    quote.refresh_from_db()
    assert (quote.status, quote.revision, quote.submitted_at) == ("draft", 0, None)
    # Saving the draft again stays at revision 0.
    services.quote_save_draft(
        rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={"hourly_rate": Decimal("18")}
    )
    quote.refresh_from_db()
    assert (quote.revision, quote.hourly_rate) == (0, Decimal("18"))

    services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={})
    quote.refresh_from_db()
    assert (quote.status, quote.revision) == ("submitted", 1)
    assert quote.submitted_by == vendor_a_user
    assert quote.entered_by_procurement is False
    # Working on the quote counts as having viewed the invitation.
    assert Invitation.objects.get(pk=invitation_a.pk).status == "viewed"


def test_every_change_after_submission_is_a_new_revision(
    rfq, vendor_a, invitation_a, vendor_a_user
):
    quote = services.quote_submit(
        rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=COMPLETE_TEMPLATE
    )
    services.quote_update(quote=quote, by=vendor_a_user, data={"hourly_rate": Decimal("17.50")})
    services.quote_update(quote=quote, by=vendor_a_user, data={"scale_up_days": 7})
    quote.refresh_from_db()
    assert quote.revision == 3
    assert quote.hourly_rate == Decimal("17.50")
    assert quote.scale_up_days == 7


def test_saving_without_a_change_makes_no_revision(quote_a, vendor_a_user):
    services.quote_update(quote=quote_a, by=vendor_a_user, data={"hourly_rate": Decimal("18.00")})
    quote_a.refresh_from_db()
    assert quote_a.revision == 1
    assert quote_a.history.count() == 1


def test_a_submitted_quote_is_not_saved_back_to_a_draft(quote_a, rfq, vendor_a, vendor_a_user):
    with pytest.raises(ValidationError) as exc:
        services.quote_save_draft(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={})
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={"hourly_rate": 1})
    assert Quote.objects.get(pk=quote_a.pk).revision == 1


def test_submitting_the_same_quote_again_answers_it_as_submitted(
    quote_a, rfq, vendor_a, vendor_a_user
):
    # A double click or a retry: nothing changes, no error, no new revision.
    again = services.quote_submit(
        rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={"hourly_rate": quote_a.hourly_rate}
    )
    assert again.pk == quote_a.pk
    assert Quote.objects.get(pk=quote_a.pk).revision == 1


def test_a_draft_is_not_updated_as_a_revision(draft_a, vendor_a_user):
    with pytest.raises(ValidationError) as exc:
        services.quote_update(quote=draft_a, by=vendor_a_user, data={"hourly_rate": 1})
    assert "status" in exc.value.message_dict


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"pricing_model"}),
        ({"pricing_model": "hourly"}, {"hourly_rate"}),
        ({"pricing_model": "per_ticket", "hourly_rate": Decimal("18")}, {"per_ticket_rate"}),
        ({"pricing_model": "subscription"}, {"monthly_fee"}),
        ({"pricing_model": "mixed", "monthly_fee": Decimal("500")}, {"hourly_rate"}),
        ({"pricing_model": "mixed", "per_ticket_rate": Decimal("2")}, {"monthly_fee"}),
    ],
)
def test_a_quote_needs_its_pricing_model_and_rates_to_be_submitted(
    rfq, vendor_a, invitation_a, vendor_a_user, data, fields
):
    with pytest.raises(ValidationError) as exc:
        services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=data)
    assert set(exc.value.message_dict) == fields
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hourly_rate": Decimal("-1")}, "hourly_rate"),
        ({"min_availability_pct": Decimal("101")}, "min_availability_pct"),
        ({"pricing_model": "barter"}, "pricing_model"),
        ({"knowledge_base_owner": "nobody"}, "knowledge_base_owner"),
        ({"agents_offered": 0}, "agents_offered"),
        ({"exit_fee": Decimal("12345678901234")}, "exit_fee"),
        ({"reporting_frequency": "hourly"}, "reporting_frequency"),
    ],
)
def test_bad_template_values_are_refused_naming_the_field(
    rfq, vendor_a, invitation_a, vendor_a_user, data, field
):
    with pytest.raises(ValidationError) as exc:
        services.quote_save_draft(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=data)
    assert field in exc.value.message_dict
    assert not Quote.objects.exists()


def test_a_rejected_revision_keeps_what_was_saved(quote_a, vendor_a_user):
    with pytest.raises(ValidationError):
        services.quote_update(
            quote=quote_a, by=vendor_a_user, data={"hourly_rate": Decimal("-5"), "scale_up_days": 3}
        )
    quote_a.refresh_from_db()
    assert (quote_a.revision, quote_a.hourly_rate, quote_a.scale_up_days) == (
        1,
        Decimal("18"),
        14,
    )


# --- who and when -------------------------------------------------------------------------


def test_after_the_deadline_a_vendor_can_neither_submit_nor_change(
    rfq, vendor_a, vendor_b, quote_a, invitation_b, vendor_a_user, vendor_b_user
):
    with time_machine.travel(AFTER_DEADLINE):
        with pytest.raises(ValidationError) as exc:
            services.quote_update(quote=quote_a, by=vendor_a_user, data={"hourly_rate": 15})
        assert "quote_deadline" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.quote_submit(
                rfq=rfq, vendor=vendor_b, by=vendor_b_user, data=COMPLETE_TEMPLATE
            )
        assert "quote_deadline" in exc.value.message_dict
        with pytest.raises(ValidationError):
            services.quote_save_draft(rfq=rfq, vendor=vendor_b, by=vendor_b_user, data={})
    quote_a.refresh_from_db()
    assert (quote_a.revision, quote_a.hourly_rate) == (1, Decimal("18"))
    assert not Quote.objects.filter(vendor=vendor_b).exists()


def test_just_before_the_deadline_a_vendor_may_still_submit(
    rfq, vendor_a, invitation_a, vendor_a_user
):
    with time_machine.travel(rfq.quote_deadline):
        quote = services.quote_submit(
            rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=COMPLETE_TEMPLATE
        )
    assert quote.revision == 1


def test_after_the_deadline_procurement_may_still_enter_a_quote_for_a_vendor(
    rfq, vendor_b, invitation_b, procurement_user
):
    with time_machine.travel(AFTER_DEADLINE):
        quote = services.quote_submit(
            rfq=rfq, vendor=vendor_b, by=procurement_user, data=COMPLETE_TEMPLATE
        )
    quote.refresh_from_db()
    assert quote.entered_by_procurement is True
    assert quote.submitted_by == procurement_user
    assert quote.history.first().history_user == procurement_user


def test_procurement_may_enter_a_quote_on_a_closed_rfq(
    rfq, vendor_b, invitation_b, procurement_user
):
    services.rfq_close(rfq=rfq, by=procurement_user)
    quote = services.quote_submit(
        rfq=rfq, vendor=vendor_b, by=procurement_user, data=COMPLETE_TEMPLATE
    )
    assert quote.status == "submitted"


def test_a_vendor_cannot_change_its_quote_once_the_rfq_is_closed(
    rfq, quote_a, vendor_a_user, procurement_user
):
    services.rfq_close(rfq=rfq, by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        services.quote_update(quote=quote_a, by=vendor_a_user, data={"hourly_rate": 10})
    assert "status" in exc.value.message_dict


def test_nobody_changes_a_quote_after_the_award(rfq, quote_a, vendor_a_user, procurement_user):
    services.rfq_close(rfq=rfq, by=procurement_user)
    services.rfq_award(rfq=rfq, quote=quote_a, by=procurement_user)
    for user in (vendor_a_user, procurement_user):
        with pytest.raises(ValidationError):
            services.quote_update(quote=quote_a, by=user, data={"hourly_rate": 10})
    assert Quote.objects.get(pk=quote_a.pk).revision == 1


def test_only_invited_vendors_quote(rfq, vendor_a, vendor_a_user):
    with pytest.raises(ValidationError) as exc:
        services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=COMPLETE_TEMPLATE)
    assert "vendor" in exc.value.message_dict


def test_a_vendor_that_declined_cannot_quote(rfq, vendor_a, invitation_a, vendor_a_user):
    services.invitation_decline(invitation=invitation_a, by=vendor_a_user, reason="No capacity")
    with pytest.raises(ValidationError) as exc:
        services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=COMPLETE_TEMPLATE)
    assert "vendor" in exc.value.message_dict


def test_a_vendor_cannot_write_another_vendors_quote(
    rfq, quote_a, vendor_a, invitation_a, vendor_b_user
):
    with pytest.raises(PermissionDenied):
        services.quote_update(quote=quote_a, by=vendor_b_user, data={"hourly_rate": 1})
    with pytest.raises(PermissionDenied):
        services.quote_save_draft(rfq=rfq, vendor=vendor_a, by=vendor_b_user, data={})


def test_managers_do_not_write_quotes(rfq, quote_a, manager):
    with pytest.raises(PermissionDenied):
        services.quote_update(quote=quote_a, by=manager, data={"hourly_rate": 1})


def test_a_draft_rfq_takes_no_quotes_from_vendors(procurement_user, vendor_a, vendor_a_user):
    rfq = RfqFactory(owner=procurement_user, status="draft")
    Invitation.objects.create(rfq=rfq, vendor=vendor_a, invited_by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        services.quote_save_draft(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={})
    assert "status" in exc.value.message_dict


# --- offer document -------------------------------------------------------------------------


def test_a_pdf_offer_document_is_attached(rfq, vendor_a, invitation_a, vendor_a_user):
    quote = services.quote_save_draft(
        rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={}, offer_document=_pdf()
    )
    quote.refresh_from_db()
    assert quote.offer_document.name.endswith(".pdf")
    with quote.offer_document.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "offer.pdf", b"PK\x03\x04 a zip renamed", content_type="application/pdf"
        ),
        SimpleUploadedFile("offer.docx", PDF, content_type="application/pdf"),
        SimpleUploadedFile(
            "offer.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
        ),
    ],
    ids=["not-a-pdf", "wrong-extension", "over-10-mb"],
)
def test_an_offer_document_that_is_not_a_small_pdf_is_refused(
    rfq, vendor_a, invitation_a, vendor_a_user, upload
):
    with pytest.raises(ValidationError) as exc:
        services.quote_save_draft(
            rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={}, offer_document=upload
        )
    assert "offer_document" in exc.value.message_dict
    assert not Quote.objects.exists()


def test_a_new_document_on_a_submitted_quote_is_a_revision(quote_a, vendor_a_user):
    services.quote_update(quote=quote_a, by=vendor_a_user, data={}, offer_document=_pdf("v2.pdf"))
    quote_a.refresh_from_db()
    assert quote_a.revision == 2
    assert "v2" in quote_a.offer_document.name


# --- risk register -------------------------------------------------------------------------


def test_procurement_keeps_the_risk_register(quote_a, procurement_user, manager, vendor_a_user):
    risk = services.risk_item_create(
        quote=quote_a,
        by=procurement_user,
        data={"name": "Data leak", "probability_pct": Decimal("5"), "impact": Decimal("50000")},
    )
    services.risk_item_update(
        risk=risk, by=procurement_user, data={"probability_pct": Decimal("10")}
    )
    assert RiskItem.objects.get(pk=risk.pk).probability_pct == Decimal("10")
    for user in (manager, vendor_a_user):
        with pytest.raises(PermissionDenied):
            services.risk_item_create(quote=quote_a, by=user, data={"name": "x"})
        with pytest.raises(PermissionDenied):
            services.risk_item_delete(risk=risk, by=user)
    risk_id = risk.pk
    services.risk_item_delete(risk=risk, by=procurement_user)
    assert not RiskItem.objects.exists()
    deleted = RiskItem.history.get(id=risk_id, history_type="-")
    assert deleted.history_user == procurement_user


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "probability_pct": 5, "impact": 100}, "name"),
        ({"name": "x", "probability_pct": 150, "impact": 100}, "probability_pct"),
        ({"name": "x", "probability_pct": 5, "impact": -1}, "impact"),
    ],
)
def test_bad_risks_are_refused_naming_the_field(quote_a, procurement_user, data, field):
    with pytest.raises(ValidationError) as exc:
        services.risk_item_create(quote=quote_a, by=procurement_user, data=data)
    assert field in exc.value.message_dict
