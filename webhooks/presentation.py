"""The words for event types and delivery states: one home, used by the form and the pages."""

from django.utils.translation import gettext_lazy as _

from common import events

EVENT_LABELS = {
    events.QUOTE_SUBMITTED: _("Quote submitted (or revised)"),
    events.KPI_DAY_SAVED: _("KPI day saved"),
    events.SCORECARD_READY: _("Pilot scorecard ready"),
    events.AWARD_APPROVED: _("Award approved"),
    events.CONTRACT_MONTH_CLOSED: _("Contract month closed"),
    events.ALERT_OPENED: _("Alert opened"),
}

STATUS_BADGES = {
    "pending": "text-bg-warning",
    "delivered": "text-bg-success",
    "failed": "text-bg-danger",
}


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))
