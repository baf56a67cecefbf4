"""The hardening tests' cast: anonymous, every role, and a second vendor (the outsider), each
with a session client; plus one real object of every kind, owned by vendor A, so URL and API
parameters can be filled with ids that exist."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import ManagerFactory

ROLES = ("anonymous", "procurement", "manager", "admin", "vendor", "other_vendor")


@pytest.fixture
def cast(procurement_user, manager, admin_role_user, vendor_a_user, vendor_b_user) -> dict:
    """role -> (user or None). "vendor" owns the objects below; "other_vendor" does not."""
    return {
        "anonymous": None,
        "procurement": procurement_user,
        "manager": manager,
        "admin": admin_role_user,
        "vendor": vendor_a_user,
        "other_vendor": vendor_b_user,
    }


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def objects(cast, vendor_a) -> dict:
    """One object of every kind, vendor A's where a vendor owns it (ids for URL parameters)."""
    from accounts.services import api_token_issue
    from pilots.models import Alert, KpiEntry, Pilot, Scorecard
    from procurement.models import Invitation, Quote, Rfq, RfqChannel, RiskItem

    buyer = cast["procurement"]
    rfq = Rfq.objects.create(
        title="Customer service NL",
        reference="RFQ-ACCESS-1",
        owner=buyer,
        status="open",
        quote_deadline=timezone.now() + timedelta(days=14),
    )
    RfqChannel.objects.create(
        rfq=rfq, channel="email", volume_per_month=500, aht_minutes=Decimal("10")
    )
    invitation = Invitation.objects.create(rfq=rfq, vendor=vendor_a, invited_by=buyer)
    quote = Quote.objects.create(
        rfq=rfq,
        vendor=vendor_a,
        status="submitted",
        revision=1,
        submitted_at=timezone.now(),
        submitted_by=cast["vendor"],
        pricing_model="hourly",
        hourly_rate=Decimal("18"),
        onboarding_fee=Decimal("2000"),
    )
    risk = RiskItem.objects.create(
        quote=quote, name="Data leak", probability_pct=Decimal("10"), impact=Decimal("5000")
    )
    start = timezone.localdate() - timedelta(days=70)
    pilot = Pilot.objects.create(
        vendor=vendor_a,
        quote=quote,
        channel="email",
        start_date=start,
        length_days=90,
        status="running",
        target_aht_minutes=Decimal("10"),
        target_cost_per_ticket=Decimal("3.33"),
        created_by=buyer,
    )
    day: date = start + timedelta(days=1)
    entry = KpiEntry.objects.create(
        pilot=pilot,
        day=day,
        tickets=20,
        csat_responses=10,
        csat_positive=9,
        frt_minutes=Decimal("30"),
        aht_minutes=Decimal("9"),
        fcr_resolved=16,
        cost=Decimal("60"),
        entered_by=cast["vendor"],
    )
    scorecard = Scorecard.objects.create(
        pilot=pilot,
        checkpoint_day=30,
        window_from=start,
        window_to=start + timedelta(days=29),
        kpis={},
        met_count=0,
        data_coverage_pct=Decimal("3.33"),
    )
    alert = Alert.objects.create(pilot=pilot, kind="missing_day", key=str(day))
    token, _raw = api_token_issue(user=buyer, name="access table")
    # Never signed in: a sign-in changes last_login, which invalidates a reset link.
    reset_user = ManagerFactory(email="forgot@example.com")
    return {
        "rfq": rfq,
        "invitation": invitation,
        "quote": quote,
        "risk": risk,
        "history_id": quote.history.order_by("history_id").first().history_id,
        "checkpoint_day": scorecard.checkpoint_day,
        "action": "close",
        "pilot": pilot,
        "day": day,
        "entry": entry,
        "scorecard": scorecard,
        "alert": alert,
        "token": token,
        "vendor": vendor_a,
        "user": cast["vendor"],
        "reset_user": reset_user,
    }
