from django import template

from ..models import DeliveryStatus
from ..presentation import STATUS_BADGES, event_label

register = template.Library()


@register.filter
def webhook_event_label(event_type: str) -> str:
    return event_label(event_type)


@register.filter
def webhook_status_label(status: str) -> str:
    return str(DeliveryStatus(status).label)


@register.filter
def webhook_status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")
