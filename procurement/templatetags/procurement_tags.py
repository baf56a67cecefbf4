"""Badges and formatted values for the procurement pages (`{% load procurement_tags %}`)."""

from django import template
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from costing.engine import RiskItem as EngineRiskItem
from procurement.checks import GAP_LABELS, quote_open_must_haves, quote_sla_shortfalls
from procurement.display import format_field
from procurement.forms import STATE_LABELS
from procurement.models import Channel, Quote, RfqStatus
from procurement.selectors import DeadlineState, award_proposals_for_rfq, deadline_state
from procurement.standing import vendor_standings

register = template.Library()

STATE_CLASSES = {
    "invited": "secondary",
    "viewed": "info",
    "draft": "warning",
    "submitted": "success",
    "declined": "danger",
}
RFQ_STATUS_CLASSES = {
    RfqStatus.DRAFT: "secondary",
    RfqStatus.OPEN: "primary",
    RfqStatus.CLOSED: "dark",
    RfqStatus.AWARDED: "success",
    RfqStatus.CANCELLED: "danger",
}


@register.filter
def state_badge(code: str) -> str:
    """Invitation state: invited, viewed, draft, submitted or declined."""
    return format_html(
        '<span class="badge text-bg-{}" data-state="{}">{}</span>',
        STATE_CLASSES.get(code, "secondary"),
        code,
        STATE_LABELS.get(code, code),
    )


@register.filter
def rfq_status_badge(rfq) -> str:
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>',
        RFQ_STATUS_CLASSES.get(rfq.status, "secondary"),
        rfq.status,
        # The enum's label: get_status_display() rebuilds a dict of every choice per call.
        RfqStatus(rfq.status).label if rfq.status in RfqStatus.values else rfq.status,
    )


@register.filter
def quote_status_badge(quote) -> str:
    cls = "success" if quote.status == "submitted" else "warning"
    return format_html(
        '<span class="badge text-bg-{}" data-quote-status="{}">{}</span>',
        cls,
        quote.status,
        quote.get_status_display(),
    )


@register.filter
def deadline_badge(state: DeadlineState) -> str:
    if state.code == "passed":
        return format_html(
            '<span class="badge text-bg-danger" data-deadline="passed">{}</span>',
            _("Deadline passed"),
        )
    text = _("%(time)s left") % {"time": timeuntil(state.deadline)}
    cls = "warning" if state.code == "closing_soon" else "success"
    return format_html(
        '<span class="badge text-bg-{}" data-deadline="{}">{}</span>', cls, state.code, text
    )


@register.simple_tag
def quote_value(name: str, value) -> str:
    """A quote field's value as a reader sees it (used for the changes in the history)."""
    return format_field(Quote, name, value)


@register.filter
def expected_cost(risk):
    """One risk's share of the total: probability × impact (docs/domain.md §4)."""
    return EngineRiskItem(
        name=risk.name, probability_pct=risk.probability_pct, impact=risk.impact
    ).expected_cost


@register.filter
def basename(path: str) -> str:
    return (path or "").rsplit("/", 1)[-1]


@register.filter
def rfq_deadline_badge(rfq) -> str:
    """The deadline state of an open RFQ (nothing once it is closed, awarded or cancelled)."""
    if rfq.status not in (RfqStatus.OPEN, RfqStatus.DRAFT):
        return ""
    return deadline_badge(deadline_state(rfq))


# --- best value (issue 12) -------------------------------------------------------------------


@register.filter
def checklist_label(key: str) -> str:
    """A checklist point's label (a must-have, a gap)."""
    return str(GAP_LABELS.get(key, key))


@register.filter
def channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


@register.simple_tag
def award_proposals_for(rfq):
    """The RFQ's award proposals, newest first (internal pages only)."""
    return list(award_proposals_for_rfq(rfq))


@register.simple_tag
def vendor_standing(vendor) -> list:
    """The vendor's standing notes (last pilot verdict, latest contract standing)."""
    return vendor_standings([vendor.pk]).get(vendor.pk, [])


@register.inclusion_tag("procurement/_standing.html")
def standing_notes(notes) -> dict:
    return {"notes": notes}


@register.simple_tag
def best_value_checks(quote) -> dict:
    """The quote's service-level shortfalls and open must-haves (docs/domain.md §4)."""
    return {
        "sla_shortfalls": [channel_label(c) for c in quote_sla_shortfalls(quote)],
        "open_must_haves": [checklist_label(k) for k in quote_open_must_haves(quote)],
    }
