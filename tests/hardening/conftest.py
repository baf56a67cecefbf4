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


def _scorecard(pilot, *, checkpoint_day: int):
    """A day-30 scorecard as the app builds it (the evaluation's builder once merged, else
    the pure rules of pilots/kpis.py), so pages and API render a real one."""
    from pilots import kpis
    from pilots.models import Scorecard
    from pilots.selectors import kpi_totals

    window_to = pilot.date_of_day(checkpoint_day)
    totals = kpi_totals(pilot_ids=[pilot.pk], date_to=window_to).get(pilot.pk, kpis.KpiTotals())
    try:
        from pilots.evaluation.scorecards import scorecard_build
    except ImportError:
        targets = {
            kpis.CSAT: pilot.target_csat_pct,
            kpis.FRT: pilot.target_frt_minutes,
            kpis.AHT: pilot.target_aht_minutes,
            kpis.FCR: pilot.target_fcr_pct,
            kpis.COST: pilot.target_cost_per_ticket,
        }
        result = kpis.evaluate(
            totals=totals, targets=targets, window_days=checkpoint_day, decision=False
        )
        card = Scorecard(
            pilot=pilot,
            checkpoint_day=checkpoint_day,
            window_from=pilot.start_date,
            window_to=window_to,
            kpis={key: r.as_dict() for key, r in result.kpis.items()},
            met_count=result.met_count,
            data_coverage_pct=kpis.q2(result.data_coverage_pct),
            verdict=result.verdict,
            details={"decision": False, "missed": []},
        )
    else:
        card = scorecard_build(pilot=pilot, checkpoint_day=checkpoint_day, totals=totals)
    card.save()
    return card


@pytest.fixture
def objects(cast, vendor_a) -> dict:
    """One object of every kind, vendor A's where a vendor owns it (ids for URL parameters)."""
    from accounts.services import api_token_issue
    from pilots.models import Alert, KpiEntry, Pilot
    from procurement.models import (
        AwardProposal,
        Invitation,
        Quote,
        Rfq,
        RfqChannel,
        RiskItem,
        TestCase,
        TestCaseAnswer,
    )

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
    test_case = TestCase.objects.create(rfq=rfq, title="Refund after 40 days", position=1)
    TestCaseAnswer.objects.create(quote=quote, test_case=test_case, answer="Store credit")
    award = AwardProposal.objects.create(
        rfq=rfq, quote=quote, reason="Best value", proposed_by=buyer
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
    scorecard = _scorecard(pilot, checkpoint_day=30)
    alert = Alert.objects.create(pilot=pilot, kind="missing_day", key=str(day))
    token, _raw = api_token_issue(user=buyer, name="access table")
    contract, review_action = _contract(vendor_a, buyer=buyer, quote=quote, start=start)
    # Never signed in: a sign-in changes last_login, which invalidates a reset link.
    reset_user = ManagerFactory(email="forgot@example.com")
    webhook_endpoint, webhook_delivery = _webhook()
    return {
        "rfq": rfq,
        "invitation": invitation,
        "quote": quote,
        "risk": risk,
        "test_case": test_case,
        "award": award,
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
        "contract": contract,
        "review_action": review_action,
        "webhook_endpoint": webhook_endpoint,
        "webhook_delivery": webhook_delivery,
    }


def _webhook():
    """An endpoint with one delivered event (the replay page asks about it)."""
    from webhooks.models import Delivery, Endpoint

    endpoint = Endpoint.objects.create(url="http://127.0.0.1:9/hook", events=["alert.opened"])
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_type="alert.opened", body="{}", status="delivered", attempts=1
    )
    return endpoint, delivery


def _contract(vendor, *, buyer, quote, start: date):
    """Vendor A's contract with a review action."""
    from contracts.models import Contract, Review, ReviewAction

    contract = Contract.objects.create(
        vendor=vendor,
        quote=quote,
        channel="email",
        start_date=start,
        months=12,
        target_aht_minutes=Decimal("10"),
        target_cost_per_ticket=Decimal("3.33"),
        created_by=buyer,
    )
    review = Review.objects.create(
        contract=contract, date=start, kind="coaching", attendees="Bea", created_by=buyer
    )
    action = ReviewAction.objects.create(
        review=review, text="Update the macros", owner="Bea", due_date=start + timedelta(days=7)
    )
    return contract, action
