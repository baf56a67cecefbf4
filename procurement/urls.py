from django.urls import path

from . import views, views_best_value

app_name = "procurement"

urlpatterns = [
    # RFQs (procurement writes, managers read)
    path("rfqs/", views.rfq_list, name="rfq_list"),
    path("rfqs/new/", views.rfq_create, name="rfq_create"),
    path("rfqs/<int:pk>/", views.rfq_detail, name="rfq_detail"),
    path("rfqs/<int:pk>/edit/", views.rfq_update, name="rfq_update"),
    path("rfqs/<int:pk>/status/<str:action>/", views.rfq_transition, name="rfq_transition"),
    path("rfqs/<int:pk>/cancel/", views.rfq_cancel, name="rfq_cancel"),
    path("rfqs/<int:pk>/invitations/", views.rfq_invite, name="rfq_invite"),
    path(
        "rfqs/<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("rfqs/<int:pk>/quotes/new/", views.quote_enter, name="quote_enter"),
    # Quotes (internal users and the quote's own vendor)
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", views.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/history/", views.quote_history, name="quote_history"),
    path(
        "quotes/<int:pk>/history/<int:history_id>/",
        views.quote_revision,
        name="quote_revision",
    ),
    path("quotes/<int:pk>/document/", views.quote_document, name="quote_document"),
    path("quotes/<int:pk>/risks/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", views.risk_update, name="risk_update"),
    path("risks/<int:pk>/delete/", views.risk_delete, name="risk_delete"),
    # Vendors (procurement)
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/new/", views.vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.vendor_update, name="vendor_update"),
    path("vendors/<int:pk>/users/new/", views.vendor_user_create, name="vendor_user_create"),
    # Best value: criteria, test cases, blind review, closing, award approval (issue 12)
    path("rfqs/<int:pk>/criteria/", views_best_value.rfq_criteria, name="rfq_criteria"),
    path(
        "rfqs/<int:pk>/test-cases/new/",
        views_best_value.test_case_create,
        name="test_case_create",
    ),
    path("test-cases/<int:pk>/edit/", views_best_value.test_case_update, name="test_case_update"),
    path("test-cases/<int:pk>/delete/", views_best_value.test_case_delete, name="test_case_delete"),
    path("rfqs/<int:pk>/review/", views_best_value.blind_review, name="blind_review"),
    path("rfqs/<int:pk>/close/", views_best_value.rfq_close, name="rfq_close"),
    path("quotes/<int:pk>/test-cases/", views_best_value.quote_test_cases, name="quote_test_cases"),
    path("awards/", views_best_value.award_proposal_list, name="award_proposal_list"),
    path("awards/<int:pk>/", views_best_value.award_proposal, name="award_proposal"),
    path("awards/<int:pk>/approve/", views_best_value.award_approve, name="award_approve"),
    path("awards/<int:pk>/reject/", views_best_value.award_reject, name="award_reject"),
    path("awards/<int:pk>/memo.pdf", views_best_value.award_memo_pdf, name="award_memo_pdf"),
    # Vendor portal
    path("portal/", views.portal, name="portal"),
    path("portal/rfqs/<int:pk>/", views.portal_rfq, name="portal_rfq"),
    path("portal/rfqs/<int:pk>/quote/", views.portal_quote, name="portal_quote"),
    path("portal/rfqs/<int:pk>/decline/", views.portal_decline, name="portal_decline"),
]
