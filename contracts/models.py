"""Contracts after a pilot, their monthly scorecards (periods), the review log and the
contract alerts (docs/domain.md §6)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.models import KpiDay, KpiTargets, kpi_day_constraints
from pilots.models import AlertState
from procurement.models import Channel

from .periods import contract_end_date

NON_NEGATIVE = [MinValueValidator(0)]
PCT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
MIN_MONTHS, MAX_MONTHS = 1, 60


class ContractStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


class Standing(models.TextChoices):
    GOOD = "good", _("Good")
    WATCH = "watch", _("Watch")
    POOR = "poor", _("Poor")


class Contract(KpiTargets):
    """One vendor on one channel for `months` months from `start_date` (docs/domain.md §6)."""

    vendor = models.ForeignKey(
        "procurement.Vendor",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("vendor"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # One contract per pilot at most: the pilot that proved the vendor.
    pilot = models.OneToOneField(
        "pilots.Pilot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
        verbose_name=_("pilot"),
    )
    quote = models.ForeignKey(
        "procurement.Quote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("quote"),
    )
    start_date = models.DateField(_("start date"))
    months = models.PositiveSmallIntegerField(
        _("term (months)"),
        validators=[MinValueValidator(MIN_MONTHS), MaxValueValidator(MAX_MONTHS)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.RUNNING
    )

    # docs/domain.md §6: what the vendor bills a month for the channel, agreed in the contract
    # (default: the quote's monthly vendor charge for the channel, as the pilot's cost target
    # counts it). Service credits are a share of it, never of the vendor's reported cost.
    monthly_charge = models.DecimalField(
        _("monthly charge (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=NON_NEGATIVE,
        help_text=_("What the vendor bills a month for this channel; credits are a share of it."),
    )
    credit_pct_per_missed_kpi = models.DecimalField(
        _("service credit per missed KPI (%)"), default=Decimal(0), **PCT
    )
    credit_cap_pct = models.DecimalField(_("service credit cap (%)"), default=Decimal(0), **PCT)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    # The KPI-day validator (`kpis.days.KpiDayForm`) words a day outside the term so.
    OUTSIDE_MESSAGE = _("%(day)s is outside the contract, which runs from %(start)s to %(end)s.")

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=MIN_MONTHS, months__lte=MAX_MONTHS),
                name="contract_months_1_60",
            ),
            models.CheckConstraint(
                condition=Q(credit_pct_per_missed_kpi__gte=0, credit_pct_per_missed_kpi__lte=100)
                & Q(credit_cap_pct__gte=0, credit_cap_pct__lte=100),
                name="contract_credit_pct_0_100",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(monthly_charge__gte=0), name="contract_monthly_charge_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="contract_status_start"),
            # The list's order: a page read in order, its latest standing computed for that
            # page only (issue 22: without it every contract's subqueries ran before the sort).
            models.Index(fields=["-start_date", "-id"], name="contract_newest"),
        ]

    def __str__(self) -> str:
        # The start date in the reader's language (breadcrumbs, pickers): "1 Mar 2026".
        start = date_format(self.start_date, "DATE_FORMAT")
        return f"{self.vendor} — {self.get_channel_display()} ({start})"

    def day_number(self, on: date) -> int:
        """Day N of the contract on `on` (day 1 is the start date), as a pilot's."""
        return (on - self.start_date).days + 1

    @property
    def end_date(self) -> date:
        """The last day of the term: a 12-month contract from 17 January ends on 16 January."""
        return contract_end_date(self.start_date, self.months)

    @property
    def final_until(self) -> date | None:
        """The last final day (`kpis.days.KpiPeriod`): none. docs/domain.md §6 makes no contract
        day final (a month's scorecard is a snapshot; the vendor may still correct a day)."""
        return None


class ContractKpiEntry(KpiDay):
    """One day's KPIs for one contract: the pilot's day, the same fields and rules
    (`kpis.days`), owned by the contract (docs/domain.md §6)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contract")
    )

    class Meta:
        verbose_name = _("contract KPI entry")
        verbose_name_plural = _("contract KPI entries")
        ordering = ["contract", "day"]
        constraints = kpi_day_constraints("contract", "contract_kpi")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.day:%Y-%m-%d}"


class ContractPeriod(models.Model):
    """A closed month: an immutable monthly scorecard, e-mailed once (docs/domain.md §6)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="periods", verbose_name=_("contract")
    )
    # The first day of the period's last calendar month: a short first or last month joins
    # its neighbour (docs/domain.md §6), so a period may start in the month before.
    month = models.DateField(
        _("month"), help_text=_("The first day of the period's last calendar month.")
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    # {"csat_pct": {"value": "80.91", "target": "85.00", "met": false, …}, …} as in a scorecard.
    kpis = models.JSONField(_("KPIs"))
    met_count = models.PositiveSmallIntegerField(_("KPIs met"))
    data_coverage_pct = models.DecimalField(_("data coverage (%)"), max_digits=5, decimal_places=2)
    standing = models.CharField(_("standing"), max_length=10, choices=Standing.choices)
    cost = models.DecimalField(_("month's cost (€)"), max_digits=14, decimal_places=2)
    credit = models.DecimalField(_("service credit (€)"), max_digits=14, decimal_places=2)
    # The sums behind the pooled values: the period never needs the entries again.
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When its e-mails went out: set by the outbox (common.outbox) once they are all sent.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly scorecard")
        verbose_name_plural = _("monthly scorecards")
        ordering = ["contract", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"], name="contract_period_one_per_month"
            ),
            models.CheckConstraint(condition=Q(met_count__lte=5), name="contract_period_met_0_5"),
            models.CheckConstraint(
                condition=Q(date_from__lte=models.F("date_to")), name="contract_period_dates"
            ),
            # The credit is a share of the agreed monthly charge, not of the reported cost.
            models.CheckConstraint(condition=Q(credit__gte=0), name="contract_period_credit_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} — {self.month:%Y-%m}"


class ReviewKind(models.TextChoices):
    COACHING = "coaching", _("Weekly coaching")
    MONTHLY_REVIEW = "monthly_review", _("Monthly vendor review")
    # A manager's acknowledgement of an exit-review alert, with its note (docs/domain.md §6).
    EXIT_REVIEW = "exit_review", _("Exit review")


class Review(models.Model):
    """A coaching session or a monthly vendor review (docs/domain.md §6: the review log)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("contract")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    attendees = models.CharField(_("attendees"), max_length=500)
    # Internal: never shown to the vendor.
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReviewKind.values), name="review_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class ReviewAction(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="actions", verbose_name=_("review")
    )
    text = models.CharField(_("action"), max_length=500)
    owner = models.CharField(_("owner"), max_length=150)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review action")
        verbose_name_plural = _("review actions")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False, done_at__isnull=True) | Q(done=True, done_at__isnull=False),
                name="review_action_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["done", "due_date"], name="review_action_open_due")]

    def __str__(self) -> str:
        return self.text


class ContractAlertKind(models.TextChoices):
    EXIT_REVIEW = "exit_review", _("Three poor months in a row: exit review")
    ACTION_OVERDUE = "action_overdue", _("Review action overdue")
    MISSING_DAY = "missing_day", _("Missing day's entry")
    KPI_OFF_TARGET = "kpi_off_target", _("KPI off target over the last 7 days")


class ContractAlert(AlertState):
    """One open alert per cause (contract, kind, key), as pilots' alerts; it closes when the
    cause is gone (an overdue action done) or when someone acknowledges an exit review."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ContractAlertKind.choices)
    key = models.CharField(_("cause"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("contract alert")
        verbose_name_plural = _("contract alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "key"],
                condition=Q(closed_at__isnull=True),
                name="contract_alert_one_open_per_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.contract}"
