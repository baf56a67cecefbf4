"""How KPIs, verdicts, statuses and history are named and formatted: the one place for the
words, units, formats and badge colours of pilots/ (pages, PDF, e-mails, alerts).

`pilots.kpis` holds codes; this module gives them their words in the active language. Money
goes through `common.formats` like everywhere else.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.formats import format_decimal, format_eur

from .kpis import AHT, COST, CSAT, FCR, FRT, HIGHER_IS_BETTER
from .models import KpiEntry, PilotStatus, Verdict

KPI_LABELS = {
    CSAT: _("CSAT"),
    FRT: _("First response time"),
    AHT: _("Handle time"),
    FCR: _("First contact resolution"),
    COST: _("Cost per ticket"),
}
KPI_UNITS = {CSAT: "%", FRT: _("min"), AHT: _("min"), FCR: "%", COST: "€"}
REMEDY_LABELS = {
    "training_and_knowledge_base": _("Training and knowledge base"),
    "staffing_at_peak_hours": _("Staffing at peak hours"),
    "systems_and_scripts": _("Systems and scripts"),
    "pricing_and_volume_commitments": _("Pricing and volume commitments"),
}


def kpi_label(key: str) -> str:
    return str(KPI_LABELS.get(key, key))


def kpi_unit(key: str) -> str:
    return str(KPI_UNITS[key])


def direction(key: str) -> str:
    """DOMAIN.md §5: CSAT and FCR must reach the target (≥), the others stay under it (≤)."""
    return "≥" if HIGHER_IS_BETTER[key] else "≤"


def format_kpi(key: str, value: Decimal | str | None) -> str:
    """A KPI value in the active language with its unit: 80.91% · 12.50 min · €3.33."""
    if value is None:
        return "—"
    if key == COST:
        return format_eur(value)
    if KPI_UNITS[key] == "%":
        return f"{format_decimal(value)}%"
    return f"{format_decimal(value)} {KPI_UNITS[key]}"


def format_gap(key: str, gap: Decimal | None) -> str:
    """A percentage KPI misses by percentage points, not by a percentage."""
    if gap is not None and KPI_UNITS[key] == "%":
        return gettext("%(points)s percentage points") % {"points": format_decimal(gap, 2)}
    return format_kpi(key, gap)


def format_interval(interval: tuple[Decimal, Decimal] | None) -> str:
    if interval is None:
        return ""
    low, high = interval
    return f"{format_decimal(low, 2)}–{format_decimal(high, 2)}%"


def remedy_label(code: str) -> str:
    return str(REMEDY_LABELS.get(code, code))


# --- Verdicts -------------------------------------------------------------------------------

# Bootstrap colour of each verdict (badge and alert box); the e-mail's inline colours match.
VERDICT_COLOURS = {
    Verdict.SCALE_UP: "success",
    Verdict.STOP: "danger",
    Verdict.INSUFFICIENT_DATA: "warning",
}
VERDICT_EMAIL_STYLES = {
    "success": "background:#d1e7dd; color:#0f5132;",
    "danger": "background:#f8d7da; color:#842029;",
    "warning": "background:#fff3cd; color:#664d03;",
}


def verdict_label(code: str | None) -> str:
    if not code:
        return ""
    return str(Verdict(code).label)


VERDICT_REASONS = {
    Verdict.SCALE_UP: _("at least 4 of the 5 KPIs are within target: scale up in phases."),
    Verdict.STOP: _("fewer than 4 of the 5 KPIs are within target: stop and analyse per KPI."),
    Verdict.INSUFFICIENT_DATA: _(
        # xgettext:no-python-format
        "less than 80% of the days have an entry: the KPIs cannot be judged."
    ),
}


def verdict_reason(code: str | None) -> str:
    return str(VERDICT_REASONS[code]) if code else ""


def projection_label(verdict: str | None, *, complete: bool) -> str:
    """The dashboard's projected decision: "Would scale up" until the window is over."""
    if verdict == Verdict.SCALE_UP:
        return str(_("Scale up") if complete else _("Would scale up"))
    if verdict == Verdict.STOP:
        return str(_("Stop") if complete else _("Would stop"))
    return verdict_label(Verdict.INSUFFICIENT_DATA)


def verdict_colour(code: str | None) -> str:
    return VERDICT_COLOURS.get(code, "secondary") if code else "secondary"


def verdict_email_style(code: str | None) -> str:
    return VERDICT_EMAIL_STYLES.get(verdict_colour(code), "")


# --- Statuses -------------------------------------------------------------------------------


def status_label(status: str, *, is_over: bool = False) -> str:
    if status == PilotStatus.RUNNING and is_over:
        return str(_("Ended, awaiting decision"))
    return str(PilotStatus(status).label)


STATUS_BADGES = {
    PilotStatus.PLANNED: "text-bg-secondary",
    PilotStatus.RUNNING: "text-bg-primary",
    PilotStatus.DECIDED: "text-bg-success",
    PilotStatus.CLOSED: "text-bg-dark",
}


def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


# --- History --------------------------------------------------------------------------------

SOURCE_LABELS = {"form": _("form"), "CSV": _("CSV upload"), "API": _("API")}


def field_label(name: str) -> str:
    return str(KpiEntry._meta.get_field(name).verbose_name)
