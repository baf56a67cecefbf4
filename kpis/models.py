"""The abstract rows every measured period shares (a pilot, a contract): the KPI day with its
history, its database guards, and the targets (DOMAIN.md §5, §6). No concrete table lives
here: each owner's model adds its foreign key and Meta, so its table stays its own."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import rules as kpis

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


class KpiTargets(models.Model):
    """The five KPI targets of a measured period — a pilot, a contract (DOMAIN.md §5, §6)."""

    # The five KPI targets; the direction of each is fixed by DOMAIN.md §5.
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

    class Meta:
        abstract = True

    @property
    def targets(self) -> dict[str, Decimal]:
        """The five KPI targets by KPI key (`kpis.rules.KPI_KEYS`)."""
        return {key: getattr(self, name) for key, name in TARGET_FIELDS.items()}


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
    note = models.TextField(_("note"), blank=True)
    # Procurement's written reason when it corrected a final day (DOMAIN.md §5); the history
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
    ]
