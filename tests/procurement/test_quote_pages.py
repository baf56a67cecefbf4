"""The quote pages: the vendor's draft → submit → revision, the deadline lock, the offer
document, procurement's entry, checks, the risk register and the revision history."""

from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.models import Invitation, Quote, RiskItem
from tests.procurement.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def _template(**overrides):
    """A form post of the standard template (chat and e-mail are in the fixture's scope)."""
    data = {
        "pricing_model": "hourly",
        "hourly_rate": "18",
        "agents_offered": "1",
        "onboarding_fee": "2000",
        "training_hours_per_agent": "40",
        "reporting_frequency": "weekly",
        "qa_samples_per_month": "50",
        "sla_email_response_minutes": "240",
        "sla_chat_response_minutes": "1",
        "min_availability_pct": "99.5",
        "penalties": "5% per missed month",
        "disaster_recovery": "Second site",
        "scale_up_days": "14",
        "notice_period_days": "90",
        "exit_fee": "0",
        "data_return": "CSV within 30 days",
        "knowledge_base_owner": "client",
        "escalation_routes": "Team lead",
        "dpa": "true",
        "data_location": "EU",
        "encryption_at_rest": "true",
        "encryption_in_transit": "true",
        "access_levels": "Role-based",
        "audit_rights": "true",
        "incident_response_plan": "true",
        "cert_iso27001": "on",
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_a_vendor_saves_a_draft_then_submits_then_revises(
    rfq, invitation_a, vendor_a_client, vendor_a_user
):
    start = reverse("procurement:portal_quote", args=[rfq.pk])
    form = vendor_a_client.get(start)
    assert form.status_code == 200
    assert 'name="sla_chat_response_minutes"' in form.content.decode()
    assert 'name="sla_phone_response_minutes"' not in form.content.decode()  # not in scope

    response = vendor_a_client.post(start, {"pricing_model": "hourly", "action": "draft"})
    quote = Quote.objects.get()
    assert response["Location"] == reverse("procurement:quote_detail", args=[quote.pk])
    assert (quote.status, quote.revision, quote.pricing_model) == ("draft", 0, "hourly")
    # The start page now leads to the existing quote.
    assert vendor_a_client.get(start)["Location"] == reverse(
        "procurement:quote_edit", args=[quote.pk]
    )

    edit = reverse("procurement:quote_edit", args=[quote.pk])
    vendor_a_client.post(edit, _template())
    quote.refresh_from_db()
    assert (quote.status, quote.revision, quote.submitted_by) == ("submitted", 1, vendor_a_user)

    vendor_a_client.post(edit, _template(hourly_rate="17,50".replace(",", "."), action="update"))
    quote.refresh_from_db()
    assert (quote.revision, quote.hourly_rate) == (2, Decimal("17.50"))

    detail = vendor_a_client.get(
        reverse("procurement:quote_detail", args=[quote.pk])
    ).content.decode()
    assert "Revision 2" in detail
    assert "Every checklist item is answered." in detail


def test_submitting_without_a_rate_names_the_field(rfq, invitation_a, vendor_a_client):
    response = vendor_a_client.post(
        reverse("procurement:portal_quote", args=[rfq.pk]), _template(hourly_rate="")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Required for the per hour pricing model." in html
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hourly_rate", "-3", "Ensure this value is greater than or equal to 0."),
        ("hourly_rate", "eighteen", "Enter a number."),
        ("min_availability_pct", "150", "Enter a percentage of at most 100."),
        ("pricing_model", "barter", "Select a valid choice."),
        ("scale_up_days", "-1", "Ensure this value is greater than or equal to 0."),
        ("agents_offered", "0", "Offer at least one agent, or leave empty."),
    ],
)
def test_each_bad_value_is_sent_back_naming_the_field(
    rfq, invitation_a, vendor_a_client, field, value, message
):
    response = vendor_a_client.post(
        reverse("procurement:portal_quote", args=[rfq.pk]), _template(**{field: value})
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("offer.pdf", b"MZ\x90\x00 an executable"),
            "This file is not a PDF document",
        ),
        (SimpleUploadedFile("offer.docx", PDF), "Upload the offer as a PDF file (.pdf)."),
        (
            SimpleUploadedFile("offer.pdf", PDF + b"0" * (10 * 1024 * 1024 + 1)),
            "an offer document may be at most 10 MB",
        ),
    ],
    ids=["not-a-pdf", "not-.pdf", "too-large"],
)
def test_an_offer_document_that_is_not_a_small_pdf_gets_a_clear_error(
    rfq, invitation_a, vendor_a_client, upload, message
):
    response = vendor_a_client.post(
        reverse("procurement:portal_quote", args=[rfq.pk]),
        {**_template(), "offer_document": upload},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Quote.objects.exists()


def test_a_pdf_offer_document_is_kept(rfq, invitation_a, vendor_a_client):
    vendor_a_client.post(
        reverse("procurement:portal_quote", args=[rfq.pk]),
        {**_template(), "offer_document": SimpleUploadedFile("Offer Alpha.pdf", PDF)},
    )
    quote = Quote.objects.get()
    assert quote.offer_document.name.endswith(".pdf")


# --- the deadline lock ----------------------------------------------------------------------


def test_after_the_deadline_the_edit_page_is_closed_to_the_vendor(quote_a, vendor_a_client):
    with time_machine.travel(AFTER_DEADLINE):
        edit = reverse("procurement:quote_edit", args=[quote_a.pk])
        response = vendor_a_client.get(edit, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "procurement:quote_detail", args=[quote_a.pk]
        )
        assert "The quote deadline passed on" in response.content.decode()
        assert 'id="edit-quote"' not in response.content.decode()

        response = vendor_a_client.post(edit, _template(hourly_rate="9", action="update"))
        assert response.status_code == 422
        assert "can no longer be submitted or changed" in response.content.decode()
    quote_a.refresh_from_db()
    assert (quote_a.revision, quote_a.hourly_rate) == (1, Decimal("18"))


def test_after_the_deadline_a_vendor_cannot_start_a_quote(rfq, invitation_b, vendor_b_client):
    with time_machine.travel(AFTER_DEADLINE):
        start = reverse("procurement:portal_quote", args=[rfq.pk])
        assert vendor_b_client.get(start)["Location"] == reverse(
            "procurement:portal_rfq", args=[rfq.pk]
        )
        response = vendor_b_client.post(start, _template())
        assert response.status_code == 422
    assert not Quote.objects.exists()


def test_after_the_deadline_procurement_enters_a_quote_for_a_vendor(
    rfq, invitation_b, vendor_b, procurement_client, procurement_user
):
    with time_machine.travel(AFTER_DEADLINE):
        url = reverse("procurement:quote_enter", args=[rfq.pk])
        assert "Beta Support" in procurement_client.get(url).content.decode()
        response = procurement_client.post(url, {**_template(), "vendor": vendor_b.pk})
    quote = Quote.objects.get()
    assert response["Location"] == reverse("procurement:quote_detail", args=[quote.pk])
    assert (quote.vendor, quote.entered_by_procurement, quote.submitted_by) == (
        vendor_b,
        True,
        procurement_user,
    )


def test_procurement_cannot_enter_a_quote_for_an_uninvited_vendor(
    rfq, vendor_b, procurement_client
):
    response = procurement_client.post(
        reverse("procurement:quote_enter", args=[rfq.pk]), {**_template(), "vendor": vendor_b.pk}
    )
    assert response.status_code == 422
    assert not Quote.objects.exists()


# --- what each reader sees -------------------------------------------------------------------


def test_the_quote_page_shows_sections_gaps_flags_and_deadline(rfq, quote_b, procurement_client):
    RiskItem.objects.create(quote=quote_b, name="Data leak", probability_pct=10, impact=50000)
    html = procurement_client.get(
        reverse("procurement:quote_detail", args=[quote_b.pk])
    ).content.decode()
    for section in (
        "pricing",
        "onboarding",
        "technology",
        "management",
        "sla",
        "commercial",
        "exit",
        "gdpr",
    ):
        assert f'data-section="{section}"' in html
    # Beta Support is offshore (€0.50–2/ticket): €1.50 is inside the band.
    assert "Rates are within the vendor's region band." in html
    for group in ("quote_template", "sla_contract", "gdpr_security"):
        assert f'data-gap-group="{group}"' in html
    assert "Data processing agreement (DPA)" in html
    assert 'data-deadline="open"' in html
    assert "Revision 1" in html
    assert "€5,000.00" in html  # risk: 10% × €50,000
    assert reverse("procurement:quote_history", args=[quote_b.pk]) in html


def test_a_rate_outside_the_band_is_flagged_with_the_band(rfq, quote_a, procurement_client):
    Quote.objects.filter(pk=quote_a.pk).update(hourly_rate=Decimal("30"))
    html = procurement_client.get(
        reverse("procurement:quote_detail", args=[quote_a.pk])
    ).content.decode()
    assert 'data-rate-flag="above_market"' in html
    assert "€30.00 an hour; the Nearshore band is €12.00–€25.00" in html


def test_a_vendor_never_sees_the_risk_register_rate_flags_or_other_vendors(
    rfq, quote_a, quote_b, vendor_a_client
):
    RiskItem.objects.create(
        quote=quote_a, name="Vendor dependency", probability_pct=10, impact=8000
    )
    Quote.objects.filter(pk=quote_a.pk).update(hourly_rate=Decimal("30"))
    pages = [
        reverse("procurement:quote_detail", args=[quote_a.pk]),
        reverse("procurement:quote_history", args=[quote_a.pk]),
        reverse("procurement:portal_rfq", args=[rfq.pk]),
        reverse("procurement:portal"),
        reverse("procurement:quote_edit", args=[quote_a.pk]),
    ]
    for url in pages:
        html = vendor_a_client.get(url).content.decode()
        assert "Beta Support" not in html, url
        assert "1.50" not in html, url
        assert "Vendor dependency" not in html, url
        assert "Risk register" not in html, url
        assert "above the market band" not in html, url
        assert "In-house baseline" not in html, url


def test_the_vendor_rfq_page_marks_the_invitation_viewed(rfq, invitation_a, vendor_a_client):
    html = vendor_a_client.get(reverse("procurement:portal_rfq", args=[rfq.pk])).content.decode()
    assert Invitation.objects.get(pk=invitation_a.pk).status == "viewed"
    assert "Start your quote" in html
    assert "E-mail" in html and "500" in html


def test_a_vendor_declines_with_a_reason(rfq, invitation_a, vendor_a_client):
    url = reverse("procurement:portal_decline", args=[rfq.pk])
    response = vendor_a_client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert Invitation.objects.get(pk=invitation_a.pk).status == "invited"
    vendor_a_client.post(url, {"reason": "No capacity in March"})
    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.decline_reason) == (
        "declined",
        "No capacity in March",
    )


# --- risk register ---------------------------------------------------------------------------


def test_procurement_adds_edits_and_removes_risks(quote_a, procurement_client):
    procurement_client.post(
        reverse("procurement:risk_create", args=[quote_a.pk]),
        {"name": "Data leak", "probability_pct": "5", "impact": "50000"},
    )
    risk = RiskItem.objects.get()
    assert (risk.quote, risk.probability_pct, risk.impact) == (
        quote_a,
        Decimal("5"),
        Decimal("50000"),
    )
    procurement_client.post(
        reverse("procurement:risk_update", args=[risk.pk]),
        {"name": "Data leak", "probability_pct": "10", "impact": "50000"},
    )
    assert RiskItem.objects.get().probability_pct == Decimal("10")
    html = procurement_client.get(
        reverse("procurement:quote_detail", args=[quote_a.pk])
    ).content.decode()
    assert 'id="risk-total">€5,000.00' in html
    procurement_client.post(reverse("procurement:risk_delete", args=[risk.pk]))
    assert not RiskItem.objects.exists()


def test_a_bad_risk_is_sent_back_naming_the_field(quote_a, procurement_client):
    response = procurement_client.post(
        reverse("procurement:risk_create", args=[quote_a.pk]),
        {"name": "Data leak", "probability_pct": "150", "impact": "50000"},
    )
    assert response.status_code == 422
    assert "Enter a percentage of at most 100." in response.content.decode()
    assert not RiskItem.objects.exists()


def test_managers_read_the_risk_register_but_cannot_change_it(quote_a, manager_client):
    risk = RiskItem.objects.create(quote=quote_a, name="Data leak", probability_pct=5, impact=1000)
    html = manager_client.get(
        reverse("procurement:quote_detail", args=[quote_a.pk])
    ).content.decode()
    assert "Data leak" in html
    assert reverse("procurement:risk_update", args=[risk.pk]) not in html
    assert (
        manager_client.post(reverse("procurement:risk_delete", args=[risk.pk])).status_code == 403
    )
    assert RiskItem.objects.exists()


def test_saving_the_form_unchanged_makes_no_new_revision(rfq, invitation_a, vendor_a_client):
    start = reverse("procurement:portal_quote", args=[rfq.pk])
    vendor_a_client.post(start, _template())
    quote = Quote.objects.get()
    response = vendor_a_client.post(
        reverse("procurement:quote_edit", args=[quote.pk]), _template(action="update"), follow=True
    )
    assert "Nothing changed: no new revision was made." in response.content.decode()
    quote.refresh_from_db()
    assert quote.revision == 1
