# ruff: noqa: F811 - fixtures imported from the procurement and pilot tests
"""Each service emits its event (common.events) in its own transaction, with ids and key
fields: a quote submitted and revised, an award approved, a scorecard ready and its alert,
a contract month closed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from common import events
from contracts.closing import contracts_close_due_months
from contracts.models import ContractPeriod
from pilots.evaluation.sweep import sweep
from procurement import services
from procurement.models import Rfq
from tests.contracts.factories import ContractFactory
from tests.pilots.conftest import day_after, pilot_with_days  # noqa: F401
from tests.procurement.conftest import draft_a, frozen_time, invitation_a, quote_a, rfq  # noqa: F401
from tests.procurement.factories import award

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """A listener like webhooks', that keeps what it hears."""
    got: list[tuple[str, dict]] = []

    def listener(event_type, items):
        got.extend((event_type, item) for item in items)

    events.listeners.register(listener)
    yield got
    events.listeners._callbacks.remove(listener)


def test_a_submitted_and_a_revised_quote_are_events(
    heard,
    rfq,
    vendor_a,
    vendor_a_user,
    draft_a,  # noqa: F811
):
    quote = services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={})
    services.quote_update(quote=quote, by=vendor_a_user, data={"hourly_rate": Decimal("19")})
    submitted = [item for kind, item in heard if kind == "quote.submitted"]
    assert [(i["quote_id"], i["rfq_id"], i["vendor_id"], i["revision"]) for i in submitted] == [
        (quote.pk, rfq.pk, vendor_a.pk, 1),
        (quote.pk, rfq.pk, vendor_a.pk, 2),
    ]
    # Submitting the same quote again (a double click) is no new event.
    services.quote_submit(rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={})
    assert len([k for k, _i in heard if k == "quote.submitted"]) == 2


def test_an_approved_award_is_an_event(heard, rfq, quote_a, procurement_user):  # noqa: F811
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    rfq.refresh_from_db()
    proposal = award(rfq=rfq, quote=quote_a, by=procurement_user)
    approved = [item for kind, item in heard if kind == "award.approved"]
    assert len(approved) == 1
    assert {
        k: approved[0][k] for k in ("award_proposal_id", "rfq_id", "quote_id", "vendor_id")
    } == {
        "award_proposal_id": proposal.pk,
        "rfq_id": rfq.pk,
        "quote_id": quote_a.pk,
        "vendor_id": quote_a.vendor_id,
    }


def test_a_scorecard_and_its_checkpoint_alert_are_events(heard, pilot_with_days):  # noqa: F811
    pilot = pilot_with_days(30, length_days=60)
    sweep(as_of=day_after(pilot, 30))
    cards = [item for kind, item in heard if kind == "scorecard.ready"]
    assert len(cards) == 1
    assert (cards[0]["pilot_id"], cards[0]["checkpoint_day"], cards[0]["decision"]) == (
        pilot.pk,
        30,
        False,
    )
    assert cards[0]["met_count"] == 5  # the fixture's good days meet all five targets
    alerts = [item for kind, item in heard if kind == "alert.opened"]
    assert {
        "scope": "pilot",
        "pilot_id": pilot.pk,
        "kind": "checkpoint_reached",
        "key": "30",
    } in alerts
    # The same sweep again makes nothing, so it tells nothing.
    count = len(heard)
    sweep(as_of=day_after(pilot, 30))
    assert len([k for k, _i in heard[count:] if k == "scorecard.ready"]) == 0


def test_a_closed_contract_month_is_an_event(heard):
    contract = ContractFactory(start_date=date(2027, 1, 17), months=12, status="running")
    contracts_close_due_months(as_of=date(2027, 2, 1))
    closed = [item for kind, item in heard if kind == "contract_month.closed"]
    assert [(i["contract_id"], i["month"]) for i in closed] == [(contract.pk, "2027-01-01")]
    period = ContractPeriod.objects.get(contract=contract)
    assert closed[0]["contract_period_id"] == period.pk
    assert (closed[0]["standing"], closed[0]["credit"]) == (period.standing, str(period.credit))
