"""How KPIs, statuses and history are named and formatted on the pilot pages."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from common.formats import format_decimal, format_eur

from .kpis import AHT, COST, CSAT, FCR, FRT, HIGHER_IS_BETTER
from .models import KpiEntry, PilotStatus

KPI_LABELS = {
    CSAT: _("CSAT"),
    FRT: _("First response time"),
    AHT: _("Handle time"),
    FCR: _("First contact resolution"),
    COST: _("Cost per ticket"),
}
KPI_UNITS = {CSAT: "%", FRT: _("min"), AHT: _("min"), FCR: "%", COST: "€"}


def direction(key: str) -> str:
    """DOMAIN.md §5: CSAT and FCR must reach the target (≥), the others stay under it (≤)."""
    return "≥" if HIGHER_IS_BETTER[key] else "≤"


def format_kpi(key: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if key == COST:
        return format_eur(value)
    if KPI_UNITS[key] == "%":
        return f"{format_decimal(value)}%"
    return f"{format_decimal(value)} {KPI_UNITS[key]}"


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

SOURCE_LABELS = {"form": _("form"), "CSV": _("CSV upload"), "API": _("API")}


def field_label(name: str) -> str:
    return str(KpiEntry._meta.get_field(name).verbose_name)
