"""What the audit trail records, in one table: each audited model (named by label, so this
room imports none of them), its object type's label, and — for the objects a vendor may see
the trail of — the path from the object to its vendor.

A vendor sees its own quotes, invitations, KPI days (pilot and contract), its users and their
API tokens, and its users' sign-ins; never the buyer's internal records about it (risk
register, blind ratings, awards, pilots' decisions, contracts, reviews).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ObjectType:
    key: str
    label: str | Promise
    model: str | None = None  # app label.Model; None for events that are not a model's
    # Attribute path from the object to its vendor's id; None: the buyer's eyes only.
    vendor_path: str | None = None
    # Fields never shown (secrets, bookkeeping); `updated_at`-like fields are left out too.
    hidden: frozenset[str] = frozenset()


SESSION = "session"

OBJECT_TYPES: tuple[ObjectType, ...] = (
    ObjectType("rfq", _("RFQ"), "procurement.Rfq"),
    ObjectType("quote", _("Quote"), "procurement.Quote", vendor_path="vendor_id"),
    ObjectType("invitation", _("Invitation"), "procurement.Invitation", vendor_path="vendor_id"),
    ObjectType("risk", _("Risk"), "procurement.RiskItem"),
    ObjectType("test_case", _("Test case"), "procurement.TestCase"),
    ObjectType("test_case_answer", _("Test case answer"), "procurement.TestCaseAnswer"),
    ObjectType("award", _("Award"), "procurement.AwardProposal", hidden=frozenset({"snapshot"})),
    ObjectType("vendor", _("Vendor"), "procurement.Vendor"),
    ObjectType("pilot", _("Pilot and decision"), "pilots.Pilot"),
    ObjectType("kpi_day", _("Pilot KPI day"), "pilots.KpiEntry", vendor_path="pilot.vendor_id"),
    ObjectType("contract", _("Contract"), "contracts.Contract"),
    ObjectType(
        "contract_kpi_day",
        _("Contract KPI day"),
        "contracts.ContractKpiEntry",
        vendor_path="contract.vendor_id",
    ),
    ObjectType("review", _("Review meeting"), "contracts.Review"),
    ObjectType("review_action", _("Review action"), "contracts.ReviewAction"),
    ObjectType(
        "user",
        _("User and role"),
        "accounts.User",
        vendor_path="vendor_id",
        hidden=frozenset({"password", "last_login"}),
    ),  # fmt: skip
    ObjectType(
        "api_token",
        _("API token"),
        "accounts.ApiToken",
        vendor_path="user.vendor_id",
        hidden=frozenset({"token_hash", "last_used_at"}),
    ),  # fmt: skip
    ObjectType(SESSION, _("Sign-in"), vendor_path="vendor_id"),
)

BY_KEY = {t.key: t for t in OBJECT_TYPES}
BY_MODEL = {t.model: t for t in OBJECT_TYPES if t.model}
VENDOR_VISIBLE = frozenset(t.key for t in OBJECT_TYPES if t.vendor_path)
# Bookkeeping a reader of the trail does not need on every line.
ALWAYS_HIDDEN = frozenset({"id", "created_at", "updated_at", "proposed_at"})


def vendor_of(object_type: ObjectType, instance) -> int | None:
    if object_type.vendor_path is None or instance is None:
        return None
    value = instance
    for attribute in object_type.vendor_path.split("."):
        value = getattr(value, attribute, None)
        if value is None:
            return None
    return value


# simple-history change reasons the rooms write as codes (where a change came from): shown as
# the line's detail in words (audit.presentation), never as a reason.
CHANGE_SOURCES = frozenset({"form", "CSV", "API", "demo", "status follows the calendar"})
