from decimal import Decimal

from django import template

from kpis import presentation as kpi_presentation
from pilots import presentation

register = template.Library()


@register.filter
def kpi_label(key: str) -> str:
    return kpi_presentation.kpi_label(key)


@register.filter
def kpi_value(value: Decimal | None, key: str) -> str:
    """`{{ line.result.value|kpi_value:line.key }}` → 88.12% / 35.00 min / €3.21."""
    return kpi_presentation.format_kpi(key, value)


@register.filter
def kpi_direction(key: str) -> str:
    return kpi_presentation.direction(key)


@register.filter
def status_label(status: str, is_over: bool = False) -> str:
    return presentation.status_label(status, is_over=bool(is_over))


@register.filter
def status_badge(status: str) -> str:
    return presentation.status_badge(status)


@register.filter
def field_label(name: str) -> str:
    return kpi_presentation.field_label(name)


@register.filter
def source_label(source: str) -> str:
    return str(kpi_presentation.SOURCE_LABELS.get(source, source))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


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
