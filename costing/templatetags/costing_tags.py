"""Template helpers of the costing pages (they show; the rules live in costing/)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def billed_hours(column, channel) -> Decimal | None:
    """`{{ column|billed_hours:channel }}`: the hours a quote bills for one channel."""
    return column.billed_hours(channel)


@register.filter
def scenario(column, name: str):
    """`{{ column|scenario:"pessimistic" }}`: the quote's outcome in that scenario, or None."""
    return (column.scenarios or {}).get(name)
