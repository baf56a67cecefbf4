"""How KPIs are named and formatted: the one place for their words, units and formats in the
active language (pages, PDF, e-mails, alerts, of pilots and contracts alike).

`kpis.rules` holds codes; this module gives them their words. Money goes through
`common.formats` like everywhere else.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.formats import format_decimal, format_eur

from .definitions import KPIS, KPIS_BY_KEY
from .models import KpiDay
from .rules import COST, HIGHER_IS_BETTER

# From the KPI table (`kpis.definitions.KPIS`): every KPI's label and unit.
KPI_LABELS = {k.key: k.label for k in KPIS}
KPI_UNITS = {k.key: k.unit for k in KPIS}
REMEDY_LABELS = {
    "coaching_and_calibration": _("QA coaching and calibration"),
    "training_and_knowledge_base": _("Training and knowledge base"),
    "staffing_at_peak_hours": _("Staffing at peak hours"),
    "systems_and_scripts": _("Systems and scripts"),
    "pricing_and_volume_commitments": _("Pricing and volume commitments"),
}


def kpi_unit_or_points(key: str) -> str:
    """A chart axis: the unit, or "points" for NPS."""
    return kpi_unit(key) or gettext("points")


def kpi_label(key: str) -> str:
    return str(KPI_LABELS.get(key, key))


def kpi_label_marked(key: str, *, must_meet: bool) -> str:
    """The label, marked when the KPI must be met (docs/domain.md §5: missed → stop)."""
    label = kpi_label(key)
    return gettext("%(kpi)s (must meet)") % {"kpi": label} if must_meet else label


def kpi_unit(key: str) -> str:
    return str(KPI_UNITS[key])


def direction(key: str) -> str:
    """docs/domain.md §5: CSAT and FCR must reach the target (≥), the others stay under it (≤)."""
    return "≥" if HIGHER_IS_BETTER[key] else "≤"


def format_kpi(key: str, value: Decimal | str | None) -> str:
    """A KPI value in the active language with its unit: 80.91% · 12.50 min · €3.33."""
    if value is None:
        return "—"
    if key == COST:
        return format_eur(value)
    if KPI_UNITS[key] == "%":
        return f"{format_decimal(value)}%"
    if not KPI_UNITS[key]:
        return format_decimal(value)  # NPS: points from −100 to 100
    return f"{format_decimal(value)} {KPI_UNITS[key]}"


def format_gap(key: str, gap: Decimal | None) -> str:
    """A percentage KPI misses by percentage points, not by a percentage."""
    if gap is not None and KPIS_BY_KEY[key].is_pct:
        return gettext("%(points)s percentage points") % {"points": format_decimal(gap, 2)}
    return format_kpi(key, gap)


def format_interval(interval: tuple[Decimal, Decimal] | None) -> str:
    if interval is None:
        return ""
    low, high = interval
    return f"{format_decimal(low, 2)}–{format_decimal(high, 2)}%"


def remedy_label(code: str) -> str:
    return str(REMEDY_LABELS.get(code, code))


# --- History --------------------------------------------------------------------------------

SOURCE_LABELS = {"form": _("form"), "CSV": _("CSV upload"), "API": _("API")}


def field_label(name: str) -> str:
    return str(KpiDay._meta.get_field(name).verbose_name)
