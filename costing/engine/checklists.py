"""The checklists that turn into hidden costs when a quote leaves a point open (docs/domain.md §3).

Keys only; labels live with the translations in the Django layer."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

QUOTE_TEMPLATE = "quote_template"
SLA_CONTRACT = "sla_contract"
GDPR_SECURITY = "gdpr_security"

CHECKLISTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # Ask every vendor the same.
        QUOTE_TEMPLATE: (
            "pricing_model",
            "onboarding_costs",
            "sla",
            "data_protocols",
            "reporting_frequency",
            "training_time",
            "qa_sample_rate",
            "scale_up_time",
            "exit_clauses",
        ),
        SLA_CONTRACT: (
            "response_time_per_channel",
            "minimum_availability",
            "penalties",
            "disaster_recovery",
            "exit_and_data_return",
            "knowledge_base_ownership",
            "escalation_routes",
        ),
        GDPR_SECURITY: (
            "dpa",
            "data_location",
            "encryption_at_rest",
            "encryption_in_transit",
            "access_levels",
            "audit_rights",
            "incident_response_plan",
            "certifications",
        ),
    }
)

CHECKLIST_KEYS: tuple[str, ...] = tuple(key for keys in CHECKLISTS.values() for key in keys)


def checklist_gaps(answers: Mapping[str, bool | None]) -> list[str]:
    """Every point not answered with a plain `True` is a gap, in checklist order."""
    return [key for key in CHECKLIST_KEYS if answers.get(key) is not True]
