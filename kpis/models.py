"""The abstract rows every measured period shares (a pilot, a contract): the KPI day with its
history, its database guards, and the targets (docs/domain.md §5, §6). No concrete table lives
here: each owner's model adds its foreign key and Meta, so its table stays its own."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import rules as kpis
from .definitions import DAILY_FIELDS_BY_NAME, EXTRA_DAILY_FIELDS, EXTRA_KEYS, tracked_keys

NON_NEGATIVE = [MinValueValidator(0)]
PCT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


# Model field of each KPI target (the API names them by KPI key).
TARGET_FIELDS = {
    kpis.CSAT: "target_csat_pct",
    kpis.FRT: "target_frt_minutes",
    kpis.AHT: "target_aht_minutes",
    kpis.FCR: "target_fcr_pct",
    kpis.COST: "target_cost_per_ticket",
}


# Every model field `KpiTargets.targets` reads (a query that loads only these may judge KPIs).
TARGETS_MODEL_FIELDS = (*TARGET_FIELDS.values(), "extra_targets", "must_meet")


class KpiTargets(models.Model):
    """The five KPI targets of a measured period — a pilot, a contract (docs/domain.md §5, §6)."""

    # The five KPI targets; the direction of each is fixed by docs/domain.md §5.
    target_csat_pct = models.DecimalField(_("CSAT target (%) ≥"), default=Decimal("85"), **PCT)
    target_frt_minutes = models.DecimalField(
        _("first response time target (min) ≤"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("60"),
        validators=NON_NEGATIVE,
    )
    target_aht_minutes = models.DecimalField(
        _("handle time target (min) ≤"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE
    )
    target_fcr_pct = models.DecimalField(
        _("first contact resolution target (%) ≥"), default=Decimal("70"), **PCT
    )
    target_cost_per_ticket = models.DecimalField(
        _("cost per ticket target (€) ≤"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )

    # The tracked extra KPIs of the library (docs/domain.md §5) with their targets, {key: "5.00"}
    # (none by default), and the tracked KPIs (core or extra) that must be met.
    extra_targets = models.JSONField(_("extra KPIs and their targets"), default=dict, blank=True)
    must_meet = models.JSONField(_("must-meet KPIs"), default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def core_targets(self) -> dict[str, Decimal]:
        """The five core KPI targets by KPI key (`kpis.definitions.CORE_KEYS`)."""
        return {key: getattr(self, name) for key, name in TARGET_FIELDS.items()}

    @property
    def extra_kpi_targets(self) -> dict[str, Decimal]:
        """The tracked extra KPIs and their targets, in the KPI table's order."""
        extras = self.extra_targets or {}
        return {key: Decimal(str(extras[key])) for key in tracked_keys(extras) if key in EXTRA_KEYS}

    @property
    def targets(self) -> dict[str, Decimal]:
        """Every tracked KPI's target by key: the five, then the tracked extras."""
        return {**self.core_targets, **self.extra_kpi_targets}

    @property
    def tracked_kpis(self) -> list[str]:
        return list(self.targets)

    @property
    def must_meet_kpis(self) -> list[str]:
        """The must-meet KPIs among the tracked ones, in the table's order."""
        tracked = set(self.targets)
        return [key for key in tracked_keys(self.must_meet or []) if key in tracked]


class KpiDay(models.Model):
    """One day's KPIs of a measured period (abstract: a pilot's `KpiEntry`, a contract's).

    The concrete model adds the owner FK and `Meta.constraints = kpi_day_constraints(...)`;
    the rules a day must pass live in `kpis.days.KpiDayForm`. Saving the same day again
    edits it; history keeps the old values."""

    day = models.DateField(_("date"))
    tickets = models.PositiveIntegerField(_("tickets"))
    csat_responses = models.PositiveIntegerField(_("CSAT responses"))
    csat_positive = models.PositiveIntegerField(_("positive CSAT responses"))
    frt_minutes = models.DecimalField(
        _("average first response time (min)"),
        max_digits=10,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    aht_minutes = models.DecimalField(
        _("average handle time (min)"), max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    fcr_resolved = models.PositiveIntegerField(_("resolved at first contact"))
    cost = models.DecimalField(
        _("cost (€)"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    qa_sampled = models.PositiveIntegerField(_("QA interactions sampled"), default=0)
    # The extra KPIs' daily fields (`kpis.definitions.DAILY_FIELDS`), optional: a day without
    # them leaves those KPIs without data.
    for _name in EXTRA_DAILY_FIELDS:
        vars()[_name] = models.PositiveIntegerField(
            DAILY_FIELDS_BY_NAME[_name].label, null=True, blank=True
        )
    del _name
    note = models.TextField(_("note"), blank=True)
    # Procurement's written reason when it corrected a final day (docs/domain.md §5); the history
    # keeps it with the version it explains.
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    late = models.BooleanField(_("entered late"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


def kpi_day_constraints(owner_field: str, prefix: str) -> list[models.BaseConstraint]:
    """The database's guard behind the KPI rules, for a concrete `KpiDay` owned by
    `owner_field` (constraint names start with `prefix`, e.g. "kpi" for pilots)."""
    return [
        models.UniqueConstraint(fields=[owner_field, "day"], name=f"{prefix}_entry_one_per_day"),
        models.CheckConstraint(
            condition=Q(csat_positive__lte=F("csat_responses")),
            name=f"{prefix}_csat_positive_lte_responses",
        ),
        models.CheckConstraint(
            condition=Q(fcr_resolved__lte=F("tickets")), name=f"{prefix}_fcr_resolved_lte_tickets"
        ),
        models.CheckConstraint(
            condition=Q(frt_minutes__gte=0) & Q(aht_minutes__gte=0) & Q(cost__gte=0),
            name=f"{prefix}_non_negative",
        ),
        # The extras' cross-field rules (a NULL field passes: that KPI has no data that day).
        models.CheckConstraint(
            condition=Q(answered_in_target__lte=F("offered")) & Q(abandoned__lte=F("offered")),
            name=f"{prefix}_answers_lte_offered",
        ),
        models.CheckConstraint(
            condition=Q(nps_promoters__lte=F("nps_responses") - F("nps_detractors")),
            name=f"{prefix}_nps_lte_responses",
        ),
        models.CheckConstraint(
            condition=Q(qa_points__lte=F("qa_max")), name=f"{prefix}_qa_points_lte_max"
        ),
    ]
