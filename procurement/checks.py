"""The checks shown on every quote and in the comparison (docs/domain.md §3, §2, §4).

Pure reads over a quote (with `vendor` selected and `risks` prefetched: no extra queries).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from costing.engine import (
    GDPR_SECURITY,
    KEEP_IN_HOUSE,
    OUTSOURCE,
    QUOTE_TEMPLATE,
    REASON_NO_SAVINGS,
    REASON_RISK,
    REASON_SAVINGS_OUTWEIGH_RISK,
    REASON_STRATEGIC,
    SLA_CONTRACT,
    QuoteScoreInput,
    RateFlag,
    RiskItem,
    checklist_gaps,
    rate_flags,
    risk_total,
    score_quotes,
)

from .models import Quote
from .quote_template import SLA_FIELD_BY_CHANNEL

GROUP_LABELS = {
    QUOTE_TEMPLATE: _("Quote template"),
    SLA_CONTRACT: _("SLA and contract"),
    GDPR_SECURITY: _("GDPR and security"),
}

GAP_LABELS = {
    "pricing_model": _("Tariff model"),
    "onboarding_costs": _("Onboarding costs"),
    "sla": _("SLAs"),
    "data_protocols": _("Data protocols (GDPR)"),
    "reporting_frequency": _("Reporting frequency"),
    "training_time": _("Training time"),
    "qa_sample_rate": _("QA sample rate"),
    "scale_up_time": _("Scale-up time"),
    "exit_clauses": _("Exit clauses"),
    "response_time_per_channel": _("Response time per channel"),
    "minimum_availability": _("Minimum availability"),
    "penalties": _("Penalties for non-compliance"),
    "disaster_recovery": _("Disaster recovery"),
    "exit_and_data_return": _("Exit and data-return procedure"),
    "knowledge_base_ownership": _("Ownership of the knowledge base"),
    "escalation_routes": _("Escalation routes"),
    "dpa": _("Data processing agreement (DPA)"),
    "data_location": _("Data location"),
    "encryption_at_rest": _("Encryption at rest"),
    "encryption_in_transit": _("Encryption in transit"),
    "access_levels": _("Access levels"),
    "audit_rights": _("Audit rights"),
    "incident_response_plan": _("Incident response plan"),
    "certifications": _("Certifications (ISO 27001, SOC 2)"),
}

# One home for the rate-flag words; costing.messages shows the same ones.
RATE_FLAG_LABELS = {
    "below_market": _("below the market band"),
    "above_market": _("above the market band"),
}

# Issue 24: one home for the verdict's words (docs/domain.md §4), so the award memo and e-mails
# (procurement) and the comparison and its exports (costing.messages) say the same.
EXCLUDE = "exclude"
REASON_MUST_HAVE_OPEN = "must_have_open"
RECOMMENDATION_LABELS = {
    OUTSOURCE: _("Outsource"),
    KEEP_IN_HOUSE: _("Keep it in-house"),
    EXCLUDE: _("Exclude"),
}
REASON_LABELS = {
    REASON_STRATEGIC: _("Customer service is strategically differentiating."),
    REASON_NO_SAVINGS: _("Outsourcing saves nothing over the term."),
    # xgettext:no-python-format
    REASON_RISK: _("The risk exceeds 70% of the savings."),
    # xgettext:no-python-format
    REASON_SAVINGS_OUTWEIGH_RISK: _("The savings outweigh the risk (risk ≤ 70% of savings)."),
    REASON_MUST_HAVE_OPEN: _("A must-have is left open."),
}


def _given(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def checklist_answers(quote: Quote) -> dict[str, bool]:
    """Which checklist points the quote answers. A yes/no question answered 'no' is still
    a gap: the point is not covered, and that is what turns into a hidden cost."""
    sla_times = [
        quote.sla_email_response_minutes,
        quote.sla_chat_response_minutes,
        quote.sla_phone_response_minutes,
    ]
    rates_given = {
        "hourly": _given(quote.hourly_rate),
        "per_ticket": _given(quote.per_ticket_rate),
        "subscription": _given(quote.monthly_fee),
        "mixed": _given(quote.monthly_fee)
        and (_given(quote.hourly_rate) or _given(quote.per_ticket_rate)),
    }
    exit_terms = _given(quote.notice_period_days) and _given(quote.exit_fee)
    return {
        # Quote template
        "pricing_model": bool(quote.pricing_model) and rates_given.get(quote.pricing_model, False),
        "onboarding_costs": _given(quote.onboarding_fee)
        or _given(quote.onboarding_hours_per_agent),
        "sla": any(_given(t) for t in sla_times),
        "data_protocols": quote.dpa is True,
        "reporting_frequency": _given(quote.reporting_frequency),
        "training_time": _given(quote.training_hours_per_agent)
        or _given(quote.onboarding_hours_per_agent),
        "qa_sample_rate": _given(quote.qa_samples_per_month),
        "scale_up_time": _given(quote.scale_up_days),
        "exit_clauses": exit_terms,
        # SLA and contract
        "response_time_per_channel": _answers_every_rfq_channel(quote),
        "minimum_availability": _given(quote.min_availability_pct),
        "penalties": _given(quote.penalties),
        "disaster_recovery": _given(quote.disaster_recovery),
        "exit_and_data_return": _given(quote.data_return),
        "knowledge_base_ownership": quote.knowledge_base_owner == "client",
        "escalation_routes": _given(quote.escalation_routes),
        # GDPR and security
        "dpa": quote.dpa is True,
        "data_location": _given(quote.data_location),
        "encryption_at_rest": quote.encryption_at_rest is True,
        "encryption_in_transit": quote.encryption_in_transit is True,
        "access_levels": _given(quote.access_levels),
        "audit_rights": quote.audit_rights is True,
        "incident_response_plan": quote.incident_response_plan is True,
        "certifications": quote.cert_iso27001
        or quote.cert_soc2
        or _given(quote.other_certifications),
    }


def _answers_every_rfq_channel(quote: Quote) -> bool:
    """Every channel in the RFQ's scope needs a response time (uses prefetched rfq.channels)."""
    by_channel = {
        "email": quote.sla_email_response_minutes,
        "chat": quote.sla_chat_response_minutes,
        "phone": quote.sla_phone_response_minutes,
    }
    channels = [c.channel for c in quote.rfq.channels.all()]
    return bool(channels) and all(_given(by_channel[c]) for c in channels)


def quote_gaps(quote: Quote) -> list[str]:
    """Missing checklist points, in checklist order (keys; labels in GAP_LABELS)."""
    return checklist_gaps(checklist_answers(quote))


def quote_rate_flags(quote: Quote) -> list[RateFlag]:
    """Rates outside the vendor's region band (docs/domain.md §2)."""
    return rate_flags(
        region=quote.vendor.region,
        hourly_rate=quote.hourly_rate,
        per_ticket_rate=quote.per_ticket_rate,
    )


def quote_risk(quote: Quote) -> Decimal:
    """docs/domain.md §4: Σ probability × impact over the quote's risk register (prefetched)."""
    return risk_total(
        [
            RiskItem(name=r.name, probability_pct=r.probability_pct, impact=r.impact)
            for r in quote.risks.all()
        ]
    )


def quote_sla_shortfalls(quote: Quote) -> list[str]:
    """Channels of the scope whose offered response time is missing or slower than required
    (docs/domain.md §4). The engine's rule on this quote alone: the shortfalls do not depend on
    the other quotes or on the price, so the price inputs are neutral here."""
    channels = list(quote.rfq.channels.all())
    [score] = score_quotes(
        quotes=[
            QuoteScoreInput(
                key=quote.pk,
                tco=0,
                savings=0,
                risk=0,
                offered_response_minutes={
                    c.channel: getattr(quote, SLA_FIELD_BY_CHANNEL[c.channel]) for c in channels
                },
                checklist_answered=0,
                checklist_total=0,
            )
        ],
        required_response_minutes={c.channel: c.sla_response_minutes for c in channels},
    )
    return list(score.sla_shortfalls)


def quote_open_must_haves(quote: Quote) -> list[str]:
    """The RFQ's must-haves this quote leaves open: it is excluded while any is."""
    gaps = set(quote_gaps(quote))
    return [key for key in quote.rfq.must_haves if key in gaps]
