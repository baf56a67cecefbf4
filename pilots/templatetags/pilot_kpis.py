"""Pilot words in templates (`{% load pilot_kpis %}`): statuses and verdicts, plus the KPI
room's own filters (`kpis.templatetags.kpi_tags`), so a pilot template loads one library."""

from django import template

from kpis.templatetags import kpi_tags
from pilots import presentation

register = template.Library()
register.filters.update(kpi_tags.register.filters)


@register.filter
def status_label(status: str, is_over: bool = False) -> str:
    return presentation.status_label(status, is_over=bool(is_over))


@register.filter
def status_badge(status: str) -> str:
    return presentation.status_badge(status)


@register.filter
def verdict_label(code: str | None) -> str:
    return presentation.verdict_label(code)


@register.filter
def projection_label(projection) -> str:
    """`{{ dash.projection|projection_label }}`"""
    return presentation.projection_label(
        projection.evaluation.verdict, complete=projection.complete
    )


@register.filter
def verdict_reason(code: str | None) -> str:
    return presentation.verdict_reason(code)


@register.filter
def scorecard_verdict_reason(scorecard) -> str:
    return presentation.scorecard_verdict_reason(scorecard)


@register.filter
def verdict_colour(code: str | None) -> str:
    return presentation.verdict_colour(code)


@register.filter
def verdict_email_style(code: str | None) -> str:
    return presentation.verdict_email_style(code)
