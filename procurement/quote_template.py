"""The standard quote template (docs/domain.md §3: ask every vendor the same), section by section.

One definition feeds the form, the quote page, a revision's snapshot and the API, so the
sections can never drift apart.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "pricing",
        _("Pricing model and rates"),
        (
            "pricing_model",
            "hourly_rate",
            "per_ticket_rate",
            "monthly_fee",
            "agents_offered",
            "other_fees",
        ),
    ),
    Section(
        "onboarding",
        _("Onboarding and training"),
        (
            "onboarding_fee",
            "onboarding_hours_per_agent",
            "onboarding_hourly_rate",
            "training_hours_per_agent",
        ),
    ),
    Section(
        "technology",
        _("Licences and integration"),
        (
            "licences_per_agent_month",
            "integration_one_time",
            "api_work_paid_by",
            "maintenance_paid_by",
        ),
    ),
    Section(
        "management",
        _("Management, reporting and QA"),
        ("management_fee_per_month", "reporting_frequency", "qa_samples_per_month"),
    ),
    Section(
        "sla",
        _("Service levels"),
        (
            "sla_email_response_minutes",
            "sla_chat_response_minutes",
            "sla_phone_response_minutes",
            "min_availability_pct",
            "penalties",
            "disaster_recovery",
            "scale_up_days",
        ),
    ),
    Section(
        "commercial",
        _("Term and commercial terms"),
        ("minimum_term_months", "volume_commitment", "performance_based_pricing"),
    ),
    Section(
        "exit",
        _("Exit"),
        (
            "notice_period_days",
            "exit_fee",
            "data_return",
            "knowledge_base_owner",
            "escalation_routes",
        ),
    ),
    Section(
        "gdpr",
        _("GDPR and security"),
        (
            "dpa",
            "data_location",
            "encryption_at_rest",
            "encryption_in_transit",
            "access_levels",
            "audit_rights",
            "incident_response_plan",
            "cert_iso27001",
            "cert_soc2",
            "other_certifications",
        ),
    ),
    Section("notes", _("Notes"), ("notes",)),
)

# Every field a vendor fills in on the template (the offer document is uploaded apart).
TEMPLATE_FIELDS: tuple[str, ...] = tuple(name for s in SECTIONS for name in s.fields)

# A response time is asked only for the channels in the RFQ's scope.
SLA_FIELD_BY_CHANNEL = {
    "email": "sla_email_response_minutes",
    "chat": "sla_chat_response_minutes",
    "phone": "sla_phone_response_minutes",
}

MONEY_FIELDS = frozenset(
    {
        "hourly_rate",
        "per_ticket_rate",
        "monthly_fee",
        "onboarding_fee",
        "onboarding_hourly_rate",
        "licences_per_agent_month",
        "integration_one_time",
        "management_fee_per_month",
        "exit_fee",
    }
)

# Which rate each pricing model needs before a quote can be submitted (docs/domain.md §2 table).
REQUIRED_RATES = {
    "hourly": ("hourly_rate",),
    "per_ticket": ("per_ticket_rate",),
    "subscription": ("monthly_fee",),
    "mixed": ("monthly_fee",),
}
