"""KPI words and values in templates (`{% load kpi_tags %}`), from `kpis.presentation`."""

from decimal import Decimal

from django import template

from kpis import presentation

register = template.Library()


@register.filter
def kpi_label(key: str) -> str:
    return presentation.kpi_label(key)


@register.filter
def kpi_value(value: Decimal | None, key: str) -> str:
    """`{{ line.result.value|kpi_value:line.key }}` → 88.12% / 35.00 min / €3.21."""
    return presentation.format_kpi(key, value)


@register.filter
def kpi_direction(key: str) -> str:
    return presentation.direction(key)


@register.filter
def field_label(name: str) -> str:
    return presentation.field_label(name)


@register.filter
def source_label(source: str) -> str:
    return str(presentation.SOURCE_LABELS.get(source, source))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
