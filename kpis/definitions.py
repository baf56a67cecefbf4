"""THE KPI table (docs/domain.md §5 and its KPI library), like Zulip's `FIELD_TYPE_DATA`: one row
per KPI — key, label, unit, direction, the daily fields it is made of, its pooled formula,
default target, remedy and reliability rule. Everything else is derived from it: the daily
model fields of the extras, the form and its cross-field checks, the CSV columns and
template, the API schemas, the SQL sums, pooling and judging, charts, alerts, scorecards,
the digest and exports. A new KPI is one row here (and its migration for new daily fields);
`tests/kpis/test_definitions.py` checks that every surface lists every KPI.

Pure Python: labels are lazy translations, so importing this module needs no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Keys of the five core KPIs (the seed's verdict counts these) and of the library's extras.
CSAT = "csat_pct"
FRT = "frt_minutes"
AHT = "aht_minutes"
FCR = "fcr_pct"
COST = "cost_per_ticket"
SERVICE_LEVEL = "service_level_pct"
ABANDON = "abandon_pct"
NPS = "nps"
QA_SCORE = "qa_score_pct"

COUNT = "count"
DECIMAL = "decimal"


@dataclass(frozen=True)
class DailyField:
    """One number a vendor enters per day. Core fields are required; the extras' fields are
    optional (a day without them leaves their KPI without data)."""

    name: str
    label: str | Promise
    kind: str = COUNT  # COUNT: a whole number ≥ 0; DECIMAL: two decimals ≥ 0
    required: bool = False
    example: str = ""  # the CSV template's example row
    # The daily fields this one cannot exceed (checked in the form, all errors at once).
    at_most: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A sum over a window's days, in SQL (`kpis.days.kpi_sums`) and in Python
    (`KpiTotals.from_entry`): Σ field (× weight) over the days that have every field in
    `when` (a shared field such as `offered` counts only on days that give the KPI's own)."""

    name: str  # the `KpiTotals` attribute
    field: str
    weight: str | None = None  # Σ field × weight (an average per ticket, pooled)
    when: tuple[str, ...] = ()
    sign: int = 1  # NPS: promoters − detractors

    @property
    def is_decimal(self) -> bool:
        return self.weight is not None or DAILY_FIELDS_BY_NAME[self.field].kind == DECIMAL


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    unit: str | Promise  # "%", "min", "€", "" (NPS: points from −100 to 100)
    higher_is_better: bool
    daily_fields: tuple[str, ...]
    # pooled = Σ numerator terms / Σ denominator × scale; no value when the denominator is 0
    numerator: tuple[Term, ...]
    denominator: Term
    scale: int
    default_target: Decimal | None
    remedy: str  # a code; its words in kpis.presentation.REMEDY_LABELS
    core: bool = False
    # Reliability: "wilson" (docs/domain.md §5: a 95% interval on numerator/denominator), or a
    # minimum sample (the term's name and the least it must reach in the window).
    wilson: bool = False
    min_sample: tuple[str, int] | None = None
    live_channels_only: bool = False
    # The model field of a core KPI's target (the extras keep theirs in `extra_targets`).
    target_field: str | None = None

    @property
    def direction(self) -> str:
        return "≥" if self.higher_is_better else "≤"

    @property
    def is_pct(self) -> bool:
        return self.unit == "%"


QA_MIN_SAMPLE = 50  # docs/domain.md §5: the seed's QA sample, 50 interactions in the window

DAILY_FIELDS: tuple[DailyField, ...] = (
    DailyField("tickets", _("tickets"), required=True, example="120"),
    DailyField("csat_responses", _("CSAT responses"), required=True, example="48"),
    DailyField(
        "csat_positive",
        _("positive CSAT responses"),
        required=True,
        example="42",
        at_most=("csat_responses",),
    ),
    DailyField(
        "frt_minutes",
        _("average first response time (min)"),
        kind=DECIMAL,
        required=True,
        example="35.5",
    ),
    DailyField(
        "aht_minutes", _("average handle time (min)"), kind=DECIMAL, required=True, example="9.5"
    ),
    DailyField(
        "fcr_resolved",
        _("resolved at first contact"),
        required=True,
        example="88",
        at_most=("tickets",),
    ),
    DailyField("cost", _("cost (€)"), kind=DECIMAL, required=True, example="396.00"),
    DailyField("qa_sampled", _("QA interactions sampled"), example="3", at_most=("tickets",)),
    DailyField("offered", _("contacts offered"), example="130"),
    DailyField(
        "answered_in_target",
        _("answered within the target time"),
        example="110",
        at_most=("offered",),
    ),
    DailyField("abandoned", _("abandoned before an answer"), example="6", at_most=("offered",)),
    DailyField("nps_responses", _("NPS responses"), example="40"),
    DailyField("nps_promoters", _("NPS promoters (9–10)"), example="20"),
    DailyField("nps_detractors", _("NPS detractors (0–6)"), example="6"),
    DailyField("qa_points", _("QA points scored"), example="260", at_most=("qa_max",)),
    DailyField("qa_max", _("QA points possible"), example="300"),
)
DAILY_FIELDS_BY_NAME = {f.name: f for f in DAILY_FIELDS}
# Fields given together or not at all (one day's NPS survey, one day's QA scoring).
TOGETHER: tuple[tuple[str, ...], ...] = (
    ("nps_responses", "nps_promoters", "nps_detractors"),
    ("qa_points", "qa_max"),
)
# A field that needs another on the same day (an answer count needs the contacts offered).
NEEDS: dict[str, str] = {"answered_in_target": "offered", "abandoned": "offered"}

_TICKETS = Term("tickets", "tickets")

KPIS: tuple[Kpi, ...] = (
    Kpi(
        CSAT,
        _("CSAT"),
        "%",
        True,
        ("csat_responses", "csat_positive"),
        (Term("csat_positive", "csat_positive"),),
        Term("csat_responses", "csat_responses"),
        100,
        Decimal("85"),
        "training_and_knowledge_base",
        core=True,
        wilson=True,
        target_field="target_csat_pct",
    ),
    Kpi(
        FRT,
        _("First response time"),
        _("min"),
        False,
        ("frt_minutes", "tickets"),
        (Term("frt_weighted", "frt_minutes", weight="tickets"),),
        _TICKETS,
        1,
        Decimal("60"),
        "staffing_at_peak_hours",
        core=True,
        target_field="target_frt_minutes",
    ),
    Kpi(
        AHT,
        _("Handle time"),
        _("min"),
        False,
        ("aht_minutes", "tickets"),
        (Term("aht_weighted", "aht_minutes", weight="tickets"),),
        _TICKETS,
        1,
        None,  # the scope channel's AHT (kpis.targets)
        "systems_and_scripts",
        core=True,
        target_field="target_aht_minutes",
    ),
    Kpi(
        FCR,
        _("First contact resolution"),
        "%",
        True,
        ("fcr_resolved", "tickets"),
        (Term("fcr_resolved", "fcr_resolved"),),
        _TICKETS,
        100,
        Decimal("70"),
        "training_and_knowledge_base",
        core=True,
        wilson=True,
        target_field="target_fcr_pct",
    ),
    Kpi(
        COST,
        _("Cost per ticket"),
        "€",
        False,
        ("cost", "tickets"),
        (Term("cost", "cost"),),
        _TICKETS,
        1,
        None,  # what the vendor bills per handled ticket (kpis.targets)
        "pricing_and_volume_commitments",
        core=True,
        target_field="target_cost_per_ticket",
    ),
    Kpi(
        SERVICE_LEVEL,
        _("Service level"),
        "%",
        True,
        ("offered", "answered_in_target"),
        (Term("answered_in_target", "answered_in_target", when=("offered",)),),
        Term("sl_offered", "offered", when=("answered_in_target",)),
        100,
        Decimal("80"),
        "staffing_at_peak_hours",
        live_channels_only=True,
    ),
    Kpi(
        ABANDON,
        _("Abandonment"),
        "%",
        False,
        ("offered", "abandoned"),
        (Term("abandoned", "abandoned", when=("offered",)),),
        Term("abandon_offered", "offered", when=("abandoned",)),
        100,
        Decimal("5"),
        "staffing_at_peak_hours",
        live_channels_only=True,
    ),
    Kpi(
        NPS,
        _("NPS"),
        "",
        True,
        ("nps_responses", "nps_promoters", "nps_detractors"),
        (
            Term("nps_promoters", "nps_promoters"),
            Term("nps_detractors", "nps_detractors", sign=-1),
        ),
        Term("nps_responses", "nps_responses"),
        100,
        Decimal("30"),
        "training_and_knowledge_base",
    ),
    Kpi(
        QA_SCORE,
        _("QA score"),
        "%",
        True,
        ("qa_sampled", "qa_points", "qa_max"),
        (Term("qa_points", "qa_points"),),
        Term("qa_max", "qa_max"),
        100,
        Decimal("85"),
        "coaching_and_calibration",
        min_sample=("qa_sampled", QA_MIN_SAMPLE),
    ),
)
KPIS_BY_KEY: dict[str, Kpi] = {k.key: k for k in KPIS}
KPI_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS)
CORE_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS if k.core)
EXTRA_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS if not k.core)
CORE_COUNT = len(CORE_KEYS)

# Every sum a window needs, by name (the `KpiTotals` attributes besides `days_with_entry`):
# each KPI's terms, plus each daily count no KPI pools (the QA sample).
SUM_TERMS: dict[str, Term] = {}
for _kpi in KPIS:
    for _term in (*_kpi.numerator, _kpi.denominator):
        SUM_TERMS.setdefault(_term.name, _term)
SUM_TERMS.setdefault("qa_sampled", Term("qa_sampled", "qa_sampled"))
del _kpi, _term

REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in DAILY_FIELDS if f.required)
OPTIONAL_FIELDS: tuple[str, ...] = tuple(f.name for f in DAILY_FIELDS if not f.required)
COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in DAILY_FIELDS if f.kind == COUNT)
DECIMAL_FIELDS: tuple[str, ...] = tuple(f.name for f in DAILY_FIELDS if f.kind == DECIMAL)
# The extras' daily fields: nullable on the KPI day (qa_sampled predates them: default 0).
EXTRA_DAILY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in DAILY_FIELDS if not f.required and f.name != "qa_sampled"
)


def kpi(key: str) -> Kpi:
    return KPIS_BY_KEY[key]


def tracked_keys(keys) -> list[str]:
    """`keys` in the table's order (the five first, then the extras)."""
    wanted = set(keys)
    return [key for key in KPI_KEYS if key in wanted]
