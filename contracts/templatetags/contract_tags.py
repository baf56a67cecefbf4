"""`{% load contract_tags %}`: standing and status labels and badges, one home each."""

from django import template

from contracts import alerts, presentation

register = template.Library()


@register.filter
def standing_label(code: str | None) -> str:
    return presentation.standing_label(code)


@register.filter
def standing_badge(code: str | None) -> str:
    return presentation.STANDING_BADGES.get(code, "text-bg-light")


@register.filter
def contract_status_label(code: str) -> str:
    return presentation.status_label(code)


@register.filter
def contract_status_badge(code: str) -> str:
    return presentation.STATUS_BADGES.get(code, "text-bg-light")


@register.filter
def contract_alert_message(alert) -> str:
    return alerts.contract_alert_message(alert)
