"""Procurement factories: an open RFQ with an e-mail channel, invitations, quotes, risks."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from procurement import services
from procurement.models import Invitation, Quote, Rfq, RfqChannel, RiskItem
from tests.factories import ManagerFactory, ProcurementUserFactory, VendorFactory


class RfqFactory(DjangoModelFactory):
    class Meta:
        model = Rfq
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Customer service round {n}")
    reference = factory.Sequence(lambda n: f"RFQ-T-{n:04d}")
    owner = factory.SubFactory(ProcurementUserFactory)
    status = "open"
    quote_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @factory.post_generation
    def channels(obj, create, extracted, **kwargs):  # noqa: N805
        """`RfqFactory(channels=[("email", 500, "10")])`; default: e-mail 500/month AHT 10."""
        if not create:
            return
        rows = extracted if extracted is not None else [("email", 500, "10")]
        for channel, volume, aht in rows:
            RfqChannel.objects.create(
                rfq=obj, channel=channel, volume_per_month=volume, aht_minutes=Decimal(aht)
            )


class RfqChannelFactory(DjangoModelFactory):
    class Meta:
        model = RfqChannel

    rfq = factory.SubFactory(RfqFactory, channels=[])
    channel = "email"
    volume_per_month = 500
    aht_minutes = Decimal("10")


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    rfq = factory.SubFactory(RfqFactory)
    vendor = factory.SubFactory(VendorFactory)
    invited_by = factory.LazyAttribute(lambda o: o.rfq.owner)


# Every point of the three checklists answered (docs/domain.md §3).
COMPLETE_TEMPLATE = {
    "pricing_model": "hourly",
    "hourly_rate": Decimal("18"),
    "agents_offered": 1,
    "onboarding_fee": Decimal("2000"),
    "training_hours_per_agent": Decimal("40"),
    "onboarding_hourly_rate": Decimal("0"),  # training included in the onboarding fee
    "reporting_frequency": "weekly",
    "qa_samples_per_month": 50,
    "sla_email_response_minutes": Decimal("60"),
    "min_availability_pct": Decimal("99"),
    "penalties": "5% per missed month",
    "disaster_recovery": "Second site",
    "scale_up_days": 14,
    "notice_period_days": 90,
    "exit_fee": Decimal("0"),
    "data_return": "CSV within 30 days",
    "knowledge_base_owner": "client",
    "escalation_routes": "Team lead, account manager",
    "dpa": True,
    "data_location": "EU",
    "encryption_at_rest": True,
    "encryption_in_transit": True,
    "access_levels": "Role-based",
    "audit_rights": True,
    "incident_response_plan": True,
    "cert_iso27001": True,
}


class QuoteFactory(DjangoModelFactory):
    """A submitted quote (revision 1) on the complete template; its vendor is invited."""

    class Meta:
        model = Quote

    rfq = factory.SubFactory(RfqFactory)
    vendor = factory.SubFactory(VendorFactory)
    status = "submitted"
    revision = 1
    submitted_at = factory.LazyFunction(timezone.now)
    pricing_model = "hourly"
    hourly_rate = Decimal("18")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation, _ = Invitation.objects.get_or_create(
            rfq=kwargs["rfq"],
            vendor=kwargs["vendor"],
            defaults={"invited_by": kwargs["rfq"].owner},
        )
        return super()._create(model_class, *args, **kwargs)

    class Params:
        complete = factory.Trait(**COMPLETE_TEMPLATE)
        draft = factory.Trait(status="draft", revision=0, submitted_at=None)


class RiskItemFactory(DjangoModelFactory):
    class Meta:
        model = RiskItem

    quote = factory.SubFactory(QuoteFactory)
    name = "Quality loss"
    probability_pct = Decimal("20")
    impact = Decimal("10000")


def award(*, rfq, quote, by, manager=None):
    """Award the only way there is (issue 12): procurement proposes, a manager approves."""
    proposal = services.award_propose(
        rfq=rfq,
        quote=quote,
        by=by,
        reason="Best value",
        assessment=services.AwardAssessment(is_best_value=True, is_excluded=False),
    )
    return services.award_approve(proposal=proposal, by=manager or ManagerFactory())
