"""Vendors, RFQs with one scope, invitations, quotes on the standard template.

Field names follow docs/domain.md so the costing engine can be fed without translation
tables: a quote's `hourly_rate` is the engine's `hourly_rate`, and so on.
"""

import secrets
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 10, "decimal_places": 4}
PCT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
NON_NEGATIVE = [MinValueValidator(0)]


class Region(models.TextChoices):
    OFFSHORE = "offshore", _("Offshore")
    NEARSHORE = "nearshore", _("Nearshore")
    ONSHORE = "onshore", _("Onshore (NL/BE)")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Live chat")
    PHONE = "phone", _("Phone")


LIVE_CHANNEL_VALUES = frozenset({Channel.CHAT.value, Channel.PHONE.value})


class Vendor(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.NEARSHORE
    )
    country = models.CharField(_("country"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    cert_iso27001 = models.BooleanField(_("ISO 27001 certified"), default=False)
    cert_soc2 = models.BooleanField(_("SOC 2 certified"), default=False)
    other_certifications = models.CharField(_("other certifications"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def website_link(self) -> str:
        """The website as a link target only when it is http(s): a stored `javascript:` URL
        (written before the form's check, or through another path) is shown, never linked."""
        scheme = self.website.split(":", 1)[0].strip().lower() if ":" in self.website else ""
        return self.website if scheme in ("http", "https") else ""


# docs/domain.md §4: the criteria of the weighted score, in display order.
WEIGHT_KEYS: tuple[str, ...] = (
    "cost",
    "service",
    "compliance",
    "scalability",
    "risk",
    "test_cases",
)
DEFAULT_WEIGHTS: dict[str, int] = {
    "cost": 40,
    "service": 20,
    "compliance": 20,
    "scalability": 10,
    "risk": 10,
    "test_cases": 0,
}


class LiveStaffing(models.TextChoices):
    """docs/domain.md §1: how the in-house baseline staffs a live channel (chat, phone)."""

    DEDICATED = "dedicated", _("Dedicated desk: every open hour staffed by paid hours")
    COMBINED = "combined", _("Combined with own work: nobody hired, no service level")


class RfqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE_RFQ_STATUSES = (RfqStatus.DRAFT, RfqStatus.OPEN)


def new_blind_review_key() -> str:
    """A secret per RFQ that scrambles the blind review's letters and answer references."""
    return secrets.token_hex(32)


class Rfq(models.Model):
    """One request for quotation: one scope that every invited vendor answers."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=50, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_rfqs",
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RfqStatus.choices, default=RfqStatus.DRAFT
    )

    # Scope (channels with volume, AHT and SLA are RfqChannel rows).
    opens_at = models.TimeField(_("opens at"), default=time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=time(17, 0))
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"), default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("e.g. Dutch, English")
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), default=12, validators=[MinValueValidator(12), MaxValueValidator(24)]
    )
    quote_deadline = models.DateTimeField(_("quote deadline"))
    automation_deflection_pct = models.DecimalField(
        _("automated share of simple questions (%)"), default=Decimal("0"), **PCT
    )
    # docs/domain.md §2: months in which the in-house desk keeps running while the vendor ramps up.
    transition_months = models.PositiveSmallIntegerField(
        _("transition (months of double running)"),
        default=0,
        validators=[MaxValueValidator(24)],
        help_text=_("The in-house desk keeps running while the vendor ramps up."),
    )

    # KPI targets for a later pilot (docs/domain.md §5 defaults).
    target_csat_pct = models.DecimalField(_("CSAT target (%)"), default=Decimal("85"), **PCT)
    target_frt_minutes = models.DecimalField(
        _("first response time target (min)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("60"),
        validators=NON_NEGATIVE,
    )
    target_aht_minutes = models.DecimalField(
        _("handle time target (min)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Empty: the scope's handle time."),
    )
    target_fcr_pct = models.DecimalField(
        _("first contact resolution target (%)"), default=Decimal("70"), **PCT
    )
    target_cost_per_ticket = models.DecimalField(
        _("cost per ticket target (€)"),
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        **MONEY,
        help_text=_("Empty: the awarded quote's cost per ticket."),
    )

    # In-house baseline (docs/domain.md §2). Help texts state the default actually used.
    ih_gross_salary_month = models.DecimalField(
        _("gross salary a month (€)"),
        default=Decimal("2500"),
        validators=NON_NEGATIVE,
        help_text=_("Default €2,500 (the cost article's example)."),
        **MONEY,
    )
    ih_employer_costs_pct = models.DecimalField(
        _("employer costs (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("35"),
        validators=NON_NEGATIVE,
        help_text=_("Default 35%; typically 30–40% (cost article), the whitepaper uses 20%."),
    )
    ih_overhead_per_fte_month = models.DecimalField(
        _("overhead per FTE a month (€)"), default=Decimal("0"), validators=NON_NEGATIVE, **MONEY
    )
    ih_licences_per_fte_month = models.DecimalField(
        _("licences per FTE a month (€)"), default=Decimal("0"), validators=NON_NEGATIVE, **MONEY
    )
    ih_absence_pct = models.DecimalField(
        _("absence (%)"),
        default=Decimal("0"),
        help_text=_(
            "Default 0%. Vacation (24 days) and sickness (6 days or more) add about 10% on a "
            "full-time employee."
        ),
        **PCT,
    )
    ih_productive_hours_per_fte_month = models.DecimalField(
        _("productive hours per FTE a month"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("160"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_(
            "Default 160. E-mail's workload and a vendor's agents are counted over these hours."
        ),
    )
    # docs/domain.md §1: a live channel's in-house desk (chat, phone).
    ih_hours_per_week = models.DecimalField(
        _("paid hours a week per FTE"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("168"))],
        help_text=_(
            "Default 40: a live desk's paid hours per FTE are hours a week × 4.2 (40 → 168)."
        ),
    )
    ih_shrinkage_pct = models.DecimalField(
        _("shrinkage (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_(
            "Default 0%. Breaks, meetings and training during paid hours (typically 20–35%) "
            "raise a live desk's paid hours; 0–60%."
        ),
    )
    ih_live_staffing = models.CharField(
        _("in-house chat and phone"),
        max_length=10,
        choices=LiveStaffing.choices,
        default=LiveStaffing.DEDICATED,
        help_text=_(
            "Default: a dedicated desk. Which in-house option the recommendation compares "
            "with; both are shown."
        ),
    )
    ih_one_time = models.DecimalField(
        _("one-time in-house costs (€)"),
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text=_(
            "Default €0. Recruitment and workplace set-up; left out when nobody is hired "
            "(chat or phone combined with own work)."
        ),
        **MONEY,
    )
    ih_fte = models.DecimalField(
        _("in-house FTE (if fixed)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_(
            "Empty (default): derived per channel and added up — e-mail in whole people "
            "(its workload or its opening hours, whichever is more); chat and phone by seat "
            "hours over paid hours, to two decimals."
        ),
    )
    own_management_per_month = models.DecimalField(
        _("own vendor management and QA a month (€)"),
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text=_("Default €0. Added to every quote's monthly cost."),
        **MONEY,
    )
    strategic = models.BooleanField(
        _("customer service is strategically differentiating"), default=False
    )

    # Best value (docs/domain.md §4): the criteria's weights, whole numbers summing to 100.
    weight_cost = models.PositiveSmallIntegerField(
        _("weight: cost"), default=40, validators=[MaxValueValidator(100)]
    )
    weight_service = models.PositiveSmallIntegerField(
        _("weight: service levels"), default=20, validators=[MaxValueValidator(100)]
    )
    weight_compliance = models.PositiveSmallIntegerField(
        _("weight: compliance"), default=20, validators=[MaxValueValidator(100)]
    )
    weight_scalability = models.PositiveSmallIntegerField(
        _("weight: scalability"), default=10, validators=[MaxValueValidator(100)]
    )
    weight_risk = models.PositiveSmallIntegerField(
        _("weight: risk"), default=10, validators=[MaxValueValidator(100)]
    )
    weight_test_cases = models.PositiveSmallIntegerField(
        _("weight: test cases"), default=0, validators=[MaxValueValidator(100)]
    )
    # Checklist keys (costing.engine.CHECKLIST_KEYS) a quote must answer or be excluded.
    must_haves = models.JSONField(_("must-haves"), default=list, blank=True)

    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    awarded_quote = models.OneToOneField(
        "Quote",
        verbose_name=_("awarded quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awarded_for",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Issue 21: random and stored, never shown or exported (not in the history either): the
    # blind review's order of letters and its answer references are derived from it.
    blind_review_key = models.CharField(max_length=64, default=new_blind_review_key, editable=False)

    history = HistoricalRecords(excluded_fields=["blind_review_key"])

    class Meta:
        verbose_name = _("RFQ")
        verbose_name_plural = _("RFQs")
        ordering = ["-created_at"]
        # The RFQ list's order (selectors.rfq_list): the page is read straight off the index.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="rfq_newest"),
            # The RFQs taking quotes, nearest deadline first (home pages, issue 22).
            models.Index(
                fields=["quote_deadline", "id"],
                name="rfq_open_deadline",
                condition=models.Q(status="open"),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(term_months__range=(12, 24)), name="rfq_term_12_24"),
            models.CheckConstraint(
                condition=Q(days_per_week__range=(1, 7)), name="rfq_days_per_week_1_7"
            ),
            models.CheckConstraint(
                condition=Q(transition_months__lte=models.F("term_months")),
                name="rfq_transition_within_term",
            ),
            models.CheckConstraint(
                condition=Q(ih_shrinkage_pct__range=(0, 60)), name="rfq_shrinkage_0_60"
            ),
            models.CheckConstraint(
                condition=Q(ih_live_staffing__in=["dedicated", "combined"]),
                name="rfq_live_staffing_known",
            ),
            models.CheckConstraint(
                condition=Exact(
                    F("weight_cost")
                    + F("weight_service")
                    + F("weight_compliance")
                    + F("weight_scalability")
                    + F("weight_risk")
                    + F("weight_test_cases"),
                    100,
                ),
                name="rfq_weights_sum_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    # The life cycle's facts, in one place: services guard with them, `rfq_actions` and the
    # pages read them (no template compares status strings).
    @property
    def is_draft(self) -> bool:
        return self.status == RfqStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == RfqStatus.OPEN

    @property
    def is_awarded(self) -> bool:
        return self.status == RfqStatus.AWARDED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RfqStatus.CANCELLED

    @property
    def is_closed(self) -> bool:
        return self.status == RfqStatus.CLOSED

    @property
    def takes_ratings(self) -> bool:
        """Test-case answers are rated while the round runs (open or closed), not once it is
        awarded or cancelled."""
        return self.status in (RfqStatus.OPEN, RfqStatus.CLOSED)

    @property
    def is_editable(self) -> bool:
        """Scope and invitations may change while a draft or open."""
        return self.status in EDITABLE_RFQ_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return self.status not in (RfqStatus.AWARDED, RfqStatus.CANCELLED)

    @property
    def takes_entered_quotes(self) -> bool:
        """Procurement may enter a quote it received while open or closed (not yet awarded)."""
        return self.status in (RfqStatus.OPEN, RfqStatus.CLOSED)

    @property
    def open_hours_per_day(self) -> int | None:
        """Whole open hours a day (09:00–17:00 is 8; a closing time at or before the opening
        time runs past midnight; equal times: around the clock). None when the desk does not
        open and close on the hour, which a live channel requires (docs/domain.md §1)."""
        if self.opens_at.minute or self.closes_at.minute:
            return None
        if self.opens_at.second or self.closes_at.second:
            return None
        hours = self.closes_at.hour - self.opens_at.hour
        return hours if hours > 0 else hours + 24

    @property
    def coverage_hours_per_week(self) -> Decimal:
        """Opening hours a week (docs/domain.md §1: a desk is staffed even when the queue is empty).

        A closing time of 00:00 means midnight, so 09:00–00:00 is 15 hours and 00:00–00:00
        is round the clock."""
        opens = Decimal(self.opens_at.hour * 60 + self.opens_at.minute)
        closes = Decimal(self.closes_at.hour * 60 + self.closes_at.minute)
        if closes <= opens:
            closes += 24 * 60
        return (closes - opens) / 60 * self.days_per_week

    @property
    def weights(self) -> dict[str, int]:
        """docs/domain.md §4: the criteria's weights by criterion key (docs/api.md `weights`)."""
        return {key: getattr(self, f"weight_{key}") for key in WEIGHT_KEYS}


class RfqChannel(models.Model):
    rfq = models.ForeignKey(
        Rfq, on_delete=models.CASCADE, related_name="channels", verbose_name=_("RFQ")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    volume_per_month = models.PositiveIntegerField(
        _("volume a month"), validators=[MinValueValidator(1)]
    )
    aht_minutes = models.DecimalField(
        _("handle time (min)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    sla_response_minutes = models.DecimalField(
        _("required response time (min)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    # Live channels (chat, phone) only; empty for e-mail (docs/domain.md §1 "Live channels").
    concurrency = models.DecimalField(
        _("contacts an agent carries at once"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(20)],
        help_text=_("1 for phone; chat: 2 chats ≈ 1.7, 3 ≈ 2.5."),
    )
    service_level_pct = models.DecimalField(
        _("service level target (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99.99"))],
    )
    answer_seconds = models.DecimalField(
        _("answered within (seconds)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    # One positive weight per open hour (decimal strings), from the buyer's own history;
    # empty: the day's contacts spread equally over the open hours.
    hourly_weights = models.JSONField(_("hourly weights"), default=list, blank=True)

    class Meta:
        verbose_name = _("RFQ channel")
        verbose_name_plural = _("RFQ channels")
        ordering = ["rfq", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "channel"], name="rfq_channel_unique"),
            models.CheckConstraint(
                condition=Q(volume_per_month__gt=0), name="rfq_channel_volume_positive"
            ),
            models.CheckConstraint(condition=Q(aht_minutes__gt=0), name="rfq_channel_aht_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.volume_per_month}/month"

    @property
    def is_live(self) -> bool:
        """Chat and phone are queues staffed per open hour; e-mail is a backlog."""
        return self.channel in LIVE_CHANNEL_VALUES


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    VIEWED = "viewed", _("Viewed")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    """Draft/submitted are read from the vendor's quote; this row holds invited/viewed/declined."""

    rfq = models.ForeignKey(
        Rfq, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("RFQ")
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("vendor")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    viewed_at = models.DateTimeField(_("viewed"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Set (by the outbox, procurement/emails.py) when the vendor's users were e-mailed; an RFQ
    # still in draft e-mails on opening.
    notified_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["rfq", "vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "vendor"], name="invitation_unique_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.rfq.reference}"


class PricingModel(models.TextChoices):
    HOURLY = "hourly", _("Per hour")
    PER_TICKET = "per_ticket", _("Per ticket")
    SUBSCRIPTION = "subscription", _("Monthly subscription")
    MIXED = "mixed", _("Mixed (monthly fee + variable)")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Party(models.TextChoices):
    CLIENT = "client", _("Client")
    VENDOR = "vendor", _("Vendor")
    SHARED = "shared", _("Shared")


class ReportingFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Quote(models.Model):
    """One vendor's answer to one RFQ on the standard quote template (docs/domain.md §3).

    `revision` is 0 while a draft and counts submissions and changes after submission;
    simple-history keeps every version with who, when and what changed.
    """

    rfq = models.ForeignKey(
        Rfq, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("RFQ")
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("vendor")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    entered_by_procurement = models.BooleanField(_("entered by procurement"), default=False)

    # Pricing model and rates.
    pricing_model = models.CharField(
        _("pricing model"), max_length=20, choices=PricingModel.choices, blank=True
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (€)"), null=True, blank=True, validators=NON_NEGATIVE, **RATE
    )
    per_ticket_rate = models.DecimalField(
        _("rate per ticket (€)"), null=True, blank=True, validators=NON_NEGATIVE, **RATE
    )
    monthly_fee = models.DecimalField(
        _("monthly fee (€)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    agents_offered = models.PositiveIntegerField(_("agents offered"), null=True, blank=True)

    # Onboarding and training.
    onboarding_fee = models.DecimalField(
        _("onboarding fee (€)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    onboarding_hours_per_agent = models.DecimalField(
        _("onboarding hours per agent"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    # Issue 24: priced like the onboarding hours, at the training rate (docs/domain.md §2) —
    # never a field that looks priced and is not.
    training_hours_per_agent = models.DecimalField(
        _("training hours per agent"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_(
            "Training on top of the onboarding hours; priced like them at the training rate "
            "(else the hourly rate) for every agent."
        ),
    )
    # docs/domain.md §2: prices the onboarding hours under every pricing model (else the hourly
    # rate); onboarding hours with neither rate are refused, never priced at €0.
    onboarding_hourly_rate = models.DecimalField(
        _("training rate an hour (€)"), null=True, blank=True, validators=NON_NEGATIVE, **RATE
    )
    # Further fees: [{"label": "reporting module", "amount": "250.00", "per": "month"}, …];
    # monthly ones join the fixed monthly part, one-time ones fall in month 1.
    other_fees = models.JSONField(_("other fees"), default=list, blank=True)

    # Technology.
    licences_per_agent_month = models.DecimalField(
        _("licences per agent a month (€)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    integration_one_time = models.DecimalField(
        _("integration, one-time (€)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    api_work_paid_by = models.CharField(
        _("API work paid by"), max_length=10, choices=Party.choices, blank=True
    )
    maintenance_paid_by = models.CharField(
        _("maintenance paid by"), max_length=10, choices=Party.choices, blank=True
    )

    # Management, reporting and QA.
    management_fee_per_month = models.DecimalField(
        _("management and QA fee a month (€)"),
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        **MONEY,
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"), max_length=10, choices=ReportingFrequency.choices, blank=True
    )
    qa_samples_per_month = models.PositiveIntegerField(
        _("QA sample (interactions a month)"), null=True, blank=True
    )

    # SLA.
    sla_email_response_minutes = models.DecimalField(
        _("e-mail response time (min)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    sla_chat_response_minutes = models.DecimalField(
        _("chat response time (min)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    sla_phone_response_minutes = models.DecimalField(
        _("phone answer time (min)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    min_availability_pct = models.DecimalField(
        _("minimum availability (%)"), null=True, blank=True, **PCT
    )
    penalties = models.TextField(_("penalties for non-compliance"), blank=True)
    disaster_recovery = models.TextField(_("disaster recovery"), blank=True)
    scale_up_days = models.PositiveIntegerField(_("scale-up time (days)"), null=True, blank=True)

    # Commercial terms.
    minimum_term_months = models.PositiveIntegerField(
        _("minimum term (months)"), null=True, blank=True
    )
    volume_commitment = models.TextField(_("volume commitments"), blank=True)
    performance_based_pricing = models.TextField(_("performance-based pricing"), blank=True)

    # Exit.
    notice_period_days = models.PositiveIntegerField(
        _("notice period (days)"), null=True, blank=True
    )
    exit_fee = models.DecimalField(
        _("exit fee (€)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    data_return = models.TextField(_("data return procedure"), blank=True)
    knowledge_base_owner = models.CharField(
        _("knowledge base owned by"), max_length=10, choices=Party.choices, blank=True
    )
    escalation_routes = models.TextField(_("escalation routes"), blank=True)

    # GDPR and security. None = not answered (a gap); False = answered no.
    dpa = models.BooleanField(_("data processing agreement (DPA)"), null=True, blank=True)
    data_location = models.CharField(_("data location"), max_length=200, blank=True)
    encryption_at_rest = models.BooleanField(_("encryption at rest"), null=True, blank=True)
    encryption_in_transit = models.BooleanField(_("encryption in transit"), null=True, blank=True)
    access_levels = models.TextField(_("access levels"), blank=True)
    audit_rights = models.BooleanField(_("audit rights"), null=True, blank=True)
    incident_response_plan = models.BooleanField(_("incident response plan"), null=True, blank=True)
    cert_iso27001 = models.BooleanField(_("ISO 27001"), default=False)
    cert_soc2 = models.BooleanField(_("SOC 2"), default=False)
    other_certifications = models.CharField(_("other certifications"), max_length=300, blank=True)

    offer_document = models.FileField(
        _("offer document (PDF)"), upload_to="offers/%Y/%m/", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["rfq", "vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "vendor"], name="quote_one_per_vendor_per_rfq")
        ]
        indexes = [
            # The quote list's order (a page of 25 read in order, issue 22).
            models.Index(fields=["-updated_at", "-id"], name="quote_newest"),
            # The newest submitted quotes (the procurement home, issue 22): read and stop.
            models.Index(
                fields=["-submitted_at", "-id"],
                name="quote_submitted_newest",
                condition=models.Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} — {self.rfq.reference} (rev. {self.revision})"

    @property
    def is_submitted(self) -> bool:
        return self.status == QuoteStatus.SUBMITTED


class RiskItem(models.Model):
    """docs/domain.md §4: risk = Σ probability × impact."""

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="risks", verbose_name=_("quote")
    )
    name = models.CharField(_("risk"), max_length=200)
    probability_pct = models.DecimalField(_("probability (%)"), **PCT)
    impact = models.DecimalField(_("impact (€)"), validators=NON_NEGATIVE, **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["quote", "id"]

    def __str__(self) -> str:
        return self.name


class TestCase(models.Model):
    """Pilot step 2 (cost article): one identical test case every invited vendor answers,
    e.g. "a customer asks for a refund 40 days after delivery"."""

    __test__ = False  # not a pytest test class

    rfq = models.ForeignKey(
        Rfq, on_delete=models.CASCADE, related_name="test_cases", verbose_name=_("RFQ")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test case")
        verbose_name_plural = _("test cases")
        ordering = ["rfq", "position", "id"]

    def __str__(self) -> str:
        return self.title


class TestCaseAnswer(models.Model):
    """A vendor's answer to one test case in its quote, and the buyer's blind 1–5 rating."""

    __test__ = False  # not a pytest test class

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="test_case_answers", verbose_name=_("quote")
    )
    test_case = models.ForeignKey(
        TestCase, on_delete=models.CASCADE, related_name="answers", verbose_name=_("test case")
    )
    answer = models.TextField(_("answer"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test case answer")
        verbose_name_plural = _("test case answers")
        ordering = ["quote", "test_case__position", "test_case_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "test_case"], name="test_case_answer_one_per_quote"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                name="test_case_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id} — {self.test_case}"


class AwardStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AwardProposal(models.Model):
    """Procurement proposes, a manager approves or rejects: the only way an RFQ is awarded
    (a second pair of eyes). The comparison as it stood is kept for the award memo."""

    rfq = models.ForeignKey(
        Rfq, on_delete=models.CASCADE, related_name="award_proposals", verbose_name=_("RFQ")
    )
    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, related_name="award_proposals", verbose_name=_("quote")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.PENDING
    )
    reason = models.TextField(_("why this quote"))
    # Required when the quote is excluded (a must-have open) or not the best value.
    override_reason = models.TextField(_("reason for departing from the comparison"), blank=True)
    is_best_value = models.BooleanField(_("best value when proposed"), default=False)
    is_excluded = models.BooleanField(_("excluded when proposed"), default=False)
    # The comparison row of the quote when proposed: scores, TCO, shortfalls, risks.
    snapshot = models.JSONField(_("comparison when proposed"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rfq"],
                condition=Q(status="pending"),
                name="award_one_pending_per_rfq",
            ),
            models.UniqueConstraint(
                fields=["rfq"],
                condition=Q(status="approved"),
                name="award_one_approved_per_rfq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rfq.reference} → {self.quote.vendor}"
