"""Writes for procurement (docs/style.md: services write, `<entity>_<action>(*, …, by)`).

Every service checks who may do it (PermissionDenied → 403), validates with `full_clean()`
and its own rules (ValidationError naming the field → form error or API 422), and runs in
one transaction, so a rejected request changes nothing. Views and the API call these same
functions: there is one set of rules.

RFQ life cycle: draft → open → closed → awarded | cancelled. Awarded only through an award
proposal a manager approves (services/awards.py).
"""

from .awards import (
    AwardAssessment,
    award_approve,
    award_needs_override,
    award_propose,
    award_reject,
    award_self_decision_reason,
)
from .criteria import (
    clean_must_haves,
    clean_weights,
    rfq_criteria_update,
    test_case_answers_save,
    test_case_create,
    test_case_delete,
    test_case_ratings_save,
    test_case_update,
    test_cases_replace,
)
from .invitations import (
    MINIMUM_INVITATIONS,
    RECOMMENDED_QUOTES,
    invitation_create,
    invitation_decline,
    invitation_mark_viewed,
    invitation_resend,
    invitation_warnings,
    invitations_create,
)
from .quotes import (
    quote_deadline_passed,
    quote_save_draft,
    quote_submit,
    quote_submit_or_update,
    quote_update,
    quote_write_error,
    risk_item_create,
    risk_item_delete,
    risk_item_update,
)
from .rfqs import (
    RFQ_FIELDS,
    check_channels,
    rfq_cancel,
    rfq_close,
    rfq_create,
    rfq_open,
    rfq_update,
)
from .vendors import (
    VENDOR_FIELDS,
    vendor_create,
    vendor_find_or_create,
    vendor_name_lookalikes,
    vendor_name_warnings,
    vendor_update,
    vendor_user_create,
)

__all__ = [
    "AwardAssessment",
    "award_approve",
    "award_needs_override",
    "award_propose",
    "award_reject",
    "award_self_decision_reason",
    "clean_must_haves",
    "clean_weights",
    "rfq_criteria_update",
    "test_case_answers_save",
    "test_case_create",
    "test_case_delete",
    "test_case_ratings_save",
    "test_case_update",
    "test_cases_replace",
    "MINIMUM_INVITATIONS",
    "RECOMMENDED_QUOTES",
    "RFQ_FIELDS",
    "VENDOR_FIELDS",
    "check_channels",
    "invitation_create",
    "invitation_decline",
    "invitation_mark_viewed",
    "invitation_resend",
    "invitation_warnings",
    "invitations_create",
    "quote_deadline_passed",
    "quote_save_draft",
    "quote_submit",
    "quote_submit_or_update",
    "quote_update",
    "quote_write_error",
    "rfq_cancel",
    "rfq_close",
    "rfq_create",
    "rfq_open",
    "rfq_update",
    "risk_item_create",
    "risk_item_delete",
    "risk_item_update",
    "vendor_create",
    "vendor_find_or_create",
    "vendor_name_lookalikes",
    "vendor_name_warnings",
    "vendor_update",
    "vendor_user_create",
]
