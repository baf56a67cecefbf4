from django.urls import path

from .views import awards, criteria, invitations, portal, quotes, rfqs, vendors

app_name = "procurement"

urlpatterns = [
    # RFQs (procurement writes, managers read)
    path("rfqs/", rfqs.rfq_list, name="rfq_list"),
    path("rfqs/new/", rfqs.rfq_create, name="rfq_create"),
    path("rfqs/<int:pk>/", rfqs.rfq_detail, name="rfq_detail"),
    path("rfqs/<int:pk>/edit/", rfqs.rfq_update, name="rfq_update"),
    path("rfqs/<int:pk>/status/<str:action>/", rfqs.rfq_transition, name="rfq_transition"),
    path("rfqs/<int:pk>/cancel/", rfqs.rfq_cancel, name="rfq_cancel"),
    path("rfqs/<int:pk>/close/", rfqs.rfq_close, name="rfq_close"),
    path("rfqs/<int:pk>/invitations/", invitations.rfq_invite, name="rfq_invite"),
    path(
        "rfqs/<int:pk>/invitations/<int:invitation_pk>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path("rfqs/<int:pk>/quotes/new/", quotes.quote_enter, name="quote_enter"),
    # Quotes (internal users and the quote's own vendor)
    path("quotes/", quotes.quote_list, name="quote_list"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/history/", quotes.quote_history, name="quote_history"),
    path(
        "quotes/<int:pk>/history/<int:history_id>/",
        quotes.quote_revision,
        name="quote_revision",
    ),
    path("quotes/<int:pk>/document/", quotes.quote_document, name="quote_document"),
    path("quotes/<int:pk>/risks/", quotes.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", quotes.risk_update, name="risk_update"),
    path("risks/<int:pk>/delete/", quotes.risk_delete, name="risk_delete"),
    # Vendors (procurement)
    path("vendors/", vendors.vendor_list, name="vendor_list"),
    path("vendors/new/", vendors.vendor_create, name="vendor_create"),
    path("vendors/options/", vendors.vendor_options, name="vendor_options"),
    path("vendors/<int:pk>/", vendors.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", vendors.vendor_update, name="vendor_update"),
    path("vendors/<int:pk>/users/new/", vendors.vendor_user_create, name="vendor_user_create"),
    # Best value: criteria, test cases, blind review (issue 12)
    path("rfqs/<int:pk>/criteria/", criteria.rfq_criteria, name="rfq_criteria"),
    path("rfqs/<int:pk>/test-cases/new/", criteria.test_case_create, name="test_case_create"),
    path("test-cases/<int:pk>/edit/", criteria.test_case_update, name="test_case_update"),
    path("test-cases/<int:pk>/delete/", criteria.test_case_delete, name="test_case_delete"),
    path("rfqs/<int:pk>/review/", criteria.blind_review, name="blind_review"),
    path("quotes/<int:pk>/test-cases/", criteria.quote_test_cases, name="quote_test_cases"),
    # Award with approval (issue 12; proposed from the comparison: costing:award_propose)
    path("awards/", awards.award_proposal_list, name="award_proposal_list"),
    path("awards/<int:pk>/", awards.award_proposal, name="award_proposal"),
    path("awards/<int:pk>/approve/", awards.award_approve, name="award_approve"),
    path("awards/<int:pk>/reject/", awards.award_reject, name="award_reject"),
    path("awards/<int:pk>/memo.pdf", awards.award_memo_pdf, name="award_memo_pdf"),
    # Vendor portal
    path("portal/", portal.portal, name="portal"),
    path("portal/rfqs/<int:pk>/", portal.portal_rfq, name="portal_rfq"),
    path("portal/rfqs/<int:pk>/quote/", portal.portal_quote, name="portal_quote"),
    path("portal/rfqs/<int:pk>/decline/", portal.portal_decline, name="portal_decline"),
]
