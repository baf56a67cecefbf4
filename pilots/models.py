"""Pilots, their daily KPI entries, the checkpoint scorecards and alerts (docs/domain.md §5)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis import rules as kpis
from kpis.models import KpiDay, KpiTargets, kpi_day_constraints
from procurement.models import Channel


class PilotStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    SCALE_UP = "scale_up", _("Scale up")
    STOP = "stop", _("Stop and analyse per KPI")


class Pilot(KpiTargets):
    vendor = models.ForeignKey(
        "procurement.Vendor",
        on_delete=models.PROTECT,
        related_name="pilots",
        verbose_name=_("vendor"),
    )
    quote = models.ForeignKey(
        "procurement.Quote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilots",
        verbose_name=_("quote"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    start_date = models.DateField(_("start date"))
    length_days = models.PositiveSmallIntegerField(
        _("length (days)"), validators=[MinValueValidator(30), MaxValueValidator(90)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PilotStatus.choices, default=PilotStatus.PLANNED
    )

    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_pilots",
        verbose_name=_("managers to inform"),
        help_text=_("Empty: every manager."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The managers' decision on the decision checkpoint, and the 90-day exit evaluation.
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    knowledge_transfer_rating = models.PositiveSmallIntegerField(
        _("knowledge transfer (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    responsiveness_rating = models.PositiveSmallIntegerField(
        _("responsiveness (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    exit_evaluation = models.CharField(
        _("exit evaluation"), max_length=20, choices=Decision.choices, blank=True
    )
    exit_evaluation_note = models.TextField(_("exit evaluation note"), blank=True)
    exit_evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exit evaluated by"),
    )
    exit_evaluated_at = models.DateTimeField(_("exit evaluated"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_days__range=(30, 90)), name="pilot_length_30_90"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="pilot_status_start"),
            # The pilot list's order (selectors.pilots_for_list).
            models.Index(fields=["-start_date", "-id"], name="pilot_newest"),
            # The manager's home: undecided pilots in start order, read and stop (issue 22).
            models.Index(
                fields=["start_date", "id"], name="pilot_undecided", condition=Q(decision="")
            ),
        ]

    def __str__(self) -> str:
        # The start date in the reader's language (breadcrumbs, pickers): "1 Mar 2026".
        start = date_format(self.start_date, "DATE_FORMAT")
        return f"{self.vendor} — {self.get_channel_display()} ({start})"

    # --- Facts of the row (docs/domain.md §5: day 1 is start_date; day N is start_date + N − 1) ---

    @property
    def end_date(self) -> date:
        """The pilot's last day (day `length_days`)."""
        return self.date_of_day(self.length_days)

    # The KPI-day validator (`kpis.days.KpiDayForm`) words a day outside the pilot so.
    OUTSIDE_MESSAGE = _("%(day)s is outside the pilot, which runs from %(start)s to %(end)s.")

    @property
    def final_until(self) -> date | None:
        """The last final day (docs/domain.md §5): once the managers recorded the decision, the
        days its scorecard covered (1 … the decision checkpoint) are final. None before."""
        if not self.decision:
            return None
        return self.date_of_day(self.decision_day)

    def date_of_day(self, n: int) -> date:
        """Day n's date; past the calendar's end (a bad start date near year 9999 stored
        before dates were bounded) the last date there is, never an OverflowError."""
        try:
            return self.start_date + timedelta(days=n - 1)
        except OverflowError:
            return date.max if n > 1 else date.min

    def day_number(self, on: date) -> int:
        """The pilot day `on` falls on, unbounded (0 the day before day 1)."""
        return (on - self.start_date).days + 1

    def day_on(self, on: date) -> int:
        """Day N of M on `on`: 0 before day 1, M once the pilot is over."""
        return max(0, min(self.length_days, self.day_number(on)))

    def is_over_on(self, on: date) -> bool:
        return on > self.end_date

    def status_on(self, on: date) -> str:
        """Planned and running follow the calendar; decided and closed are set by the decision."""
        if self.status in (PilotStatus.DECIDED, PilotStatus.CLOSED):
            return self.status
        return PilotStatus.PLANNED if on < self.start_date else PilotStatus.RUNNING

    @property
    def decision_day(self) -> int:
        """The decision checkpoint: day 60, or the last day of a shorter pilot."""
        return kpis.decision_checkpoint_day(self.length_days)

    @property
    def checkpoint_days(self) -> list[int]:
        return kpis.checkpoint_days(self.length_days)


class KpiEntry(KpiDay):
    """One day's KPIs for one pilot."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="entries", verbose_name=_("pilot")
    )

    class Meta:
        verbose_name = _("KPI entry")
        verbose_name_plural = _("KPI entries")
        ordering = ["pilot", "day"]
        constraints = kpi_day_constraints("pilot", "kpi")

    def __str__(self) -> str:
        return f"{self.pilot_id} {self.day:%Y-%m-%d}"


class Verdict(models.TextChoices):
    SCALE_UP = "scale_up", _("Scale up")
    STOP = "stop", _("Stop and analyse per KPI")
    INSUFFICIENT_DATA = "insufficient_data", _("Insufficient data")


class Scorecard(models.Model):
    """An immutable checkpoint result. One per pilot and checkpoint day; e-mailed once."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("pilot")
    )
    checkpoint_day = models.PositiveSmallIntegerField(_("checkpoint day"))
    window_from = models.DateField(_("from"))
    window_to = models.DateField(_("to"))
    # {"csat_pct": {"value": "80.91", "target": "85.00", "met": false, "reliable": …, "interval": […]}, …}
    kpis = models.JSONField(_("KPIs"))
    met_count = models.PositiveSmallIntegerField(_("KPIs met"))
    data_coverage_pct = models.DecimalField(_("data coverage (%)"), max_digits=5, decimal_places=2)
    # Null, not "": docs/api.md returns `verdict: null` on checkpoints that carry no verdict.
    verdict = models.CharField(  # noqa: DJ001
        _("verdict"), max_length=20, choices=Verdict.choices, null=True, blank=True
    )
    # Per missed KPI on a stop: gap and remedy; totals for the cost part of the scorecard.
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when procurement corrected a day this scorecard covered after it was made
    # (docs/domain.md §5): the scorecard then says so; its figures stay as they were made.
    data_changed_at = models.DateTimeField(_("data changed"), null=True, blank=True)
    # When its e-mails went out: set by the outbox (common.outbox) once they are all sent.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["pilot", "checkpoint_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "checkpoint_day"], name="scorecard_one_per_checkpoint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} — day {self.checkpoint_day}"


class ScorecardPdf(models.Model):
    """A scorecard's PDF, rendered once per distinct page: `html_sha256` is the digest of
    everything the page is made of (`pilots.evaluation.pdf.pdf_version`: the rows it shows,
    the reader's language and audience, the code and words that draw it), so a stored PDF is
    found without drawing the page and served only while a new one would say the same."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="pdfs")
    html_sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "html_sha256"], name="scorecard_pdf_once")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} — PDF {self.html_sha256[:8]}"


class ScorecardChart(models.Model):
    """A scorecard's KPI trend chart (PNG) in one language, drawn once for its e-mails
    (`pilots.evaluation.emails`): every recipient of that language, every retry and rerun
    attaches this one (a stored attachment of `common.outbox`, not a copy per message)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="charts")
    language = models.CharField(max_length=10)
    png = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "language"], name="scorecard_chart_once")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} — chart ({self.language})"


class AlertKind(models.TextChoices):
    MISSING_DAY = "missing_day", _("Missing day's entry")
    KPI_OFF_TARGET = "kpi_off_target", _("KPI off target over the last 7 days")
    CHECKPOINT_REACHED = "checkpoint_reached", _("Checkpoint reached")
    EVALUATION_FAILED = "evaluation_failed", _("Evaluation failed")
    EMAIL_FAILED = "email_failed", _("Scorecard e-mail failed")


class AlertState(models.Model):
    """What every alert records besides its owner and cause (a pilot's, a contract's):
    details, when it opened and closed, who acknowledged it. One open alert per cause is each
    child's own constraint."""

    params = models.JSONField(_("details"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # What the manager wrote on acknowledging (`POST /api/v1/alerts/{id}/acknowledge`).
    acknowledged_note = models.TextField(_("acknowledgement note"), blank=True)

    class Meta:
        abstract = True


class Alert(AlertState):
    """One open alert per cause (pilot, kind, key); it closes when the cause is gone."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("pilot")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    key = models.CharField(
        _("cause"), max_length=100, blank=True, help_text=_("e.g. the KPI or the day")
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "kind", "key"],
                condition=Q(closed_at__isnull=True),
                name="alert_one_open_per_cause",
            ),
        ]
        # The alerts page's order; open alerts (the page's default and the badge's count)
        # have their own partial index.
        indexes = [
            models.Index(
                fields=["-opened_at", "-id"],
                condition=Q(closed_at__isnull=True),
                name="alert_open_newest",
            ),
            models.Index(fields=["-opened_at", "-id"], name="alert_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.pilot}"
