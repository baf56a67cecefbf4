"""Turning quotes and checks into what a page shows: labels, grouped gaps, formatted values.

Reads already-fetched objects only (no queries): pages stay at a constant query count.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from common.formats import format_decimal, format_eur
from costing.engine import CHECKLISTS

from .checks import (
    GAP_LABELS,
    GROUP_LABELS,
    RATE_FLAG_LABELS,
    quote_gaps,
    quote_rate_flags,
    quote_risk,
)
from .fees import other_fees_display
from .models import Quote
from .quote_template import MONEY_FIELDS, SECTIONS


@dataclass(frozen=True)
class GapGroup:
    key: str
    label: str
    gaps: list[str]


@dataclass(frozen=True)
class RateFlagRow:
    code: str
    label: str
    text: str


@dataclass(frozen=True)
class QuoteChecks:
    gaps: list[str]
    gap_groups: list[GapGroup]
    rate_flags: list[RateFlagRow]
    risk: Decimal

    @property
    def gap_count(self) -> int:
        return len(self.gaps)


def gap_groups(gaps: list[str]) -> list[GapGroup]:
    """Gaps grouped by the checklist they come from (docs/domain.md §3), empty groups left out."""
    missing = set(gaps)
    groups = []
    for key, points in CHECKLISTS.items():
        labels = [str(GAP_LABELS[p]) for p in points if p in missing]
        if labels:
            groups.append(GapGroup(key=key, label=str(GROUP_LABELS[key]), gaps=labels))
    return groups


def rate_flag_rows(quote: Quote) -> list[RateFlagRow]:
    rows = []
    for flag in quote_rate_flags(quote):
        unit = _("an hour") if flag.rate == "hourly_rate" else _("a ticket")
        text = _("%(value)s %(unit)s; the %(region)s band is %(low)s–%(high)s") % {
            "value": format_eur(flag.value),
            "unit": unit,
            "region": quote.vendor.get_region_display(),
            "low": format_eur(flag.band_low),
            "high": format_eur(flag.band_high),
        }
        rows.append(RateFlagRow(code=flag.code, label=str(RATE_FLAG_LABELS[flag.code]), text=text))
    return rows


def quote_checks(quote: Quote) -> QuoteChecks:
    gaps = quote_gaps(quote)
    return QuoteChecks(
        gaps=gaps,
        gap_groups=gap_groups(gaps),
        rate_flags=rate_flag_rows(quote),
        risk=quote_risk(quote),
    )


def format_field(model: type[Model], name: str, value: Any) -> str:
    """A stored value as a reader sees it: choice labels, Yes/No/not answered, € amounts."""
    field = model._meta.get_field(name)
    if value is None or value == "":
        return _("Not answered") if field.get_internal_type() == "BooleanField" else "—"
    if name == "other_fees":
        return other_fees_display(value) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in MONEY_FIELDS:
        return format_eur(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if hasattr(value, "name") and field.get_internal_type() == "FileField":
        return value.name.rsplit("/", 1)[-1] if value.name else "—"
    return str(value)


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    value: str
    answered: bool


def template_sections(quote: Quote, *, in_scope: set[str] | None = None) -> list[tuple]:
    """(section, rows) for the quote page, leaving out response times for channels the
    RFQ does not ask for."""
    skip = set()
    if in_scope is not None:
        for channel in ("email", "chat", "phone"):
            if channel not in in_scope:
                skip.add(f"sla_{channel}_response_minutes")
    result = []
    for section in SECTIONS:
        rows = []
        for name in section.fields:
            if name in skip:
                continue
            field = Quote._meta.get_field(name)
            value = getattr(quote, name)
            answered = value not in (None, "", []) and not (
                field.get_internal_type() == "BooleanField" and not field.null and not value
            )
            rows.append(
                Row(
                    name=name,
                    label=str(field.verbose_name),
                    value=format_field(Quote, name, value),
                    answered=answered,
                )
            )
        result.append((section, rows))
    return result
