"""Pilot words in templates (`{% load pilot_kpis %}`): statuses and verdicts, plus the KPI
room's own filters (`kpis.templatetags.kpi_tags`), so a pilot template loads one library."""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

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


@lru_cache(maxsize=512)
def _met_mark(language: str | None, key: str, met: bool) -> SafeString:
    """One KPI's mark in a list row, made once per language, KPI and outcome (issue 22)."""
    label = kpi_tags.kpi_label(key)
    return format_html(
        '<span class="{}" title="{}" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}: {}; </span>',
        "kpi-met" if met else "kpi-missed",
        label,
        "✓" if met else "✗",
        label,
        gettext("met") if met else gettext("not met"),
    )


@register.filter
def met_marks(met: dict[str, bool]) -> SafeString:
    """`{{ row.met|met_marks }}`: ✓/✗ per KPI with its label for screen readers — the same
    spans for every row of a list, so each is built once rather than per cell."""
    language = get_language()
    return mark_safe("".join(_met_mark(language, key, bool(ok)) for key, ok in met.items()))  # noqa: S308
