"""Two award proposals for one RFQ at the same moment (a double click, two buyers): one
waits for approval, the other is refused; and two managers approving at once award once."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from procurement import services
from procurement.models import AwardProposal
from tests.factories import ManagerFactory, ProcurementUserFactory, VendorFactory
from tests.procurement.factories import QuoteFactory, RfqFactory
from tests.support import require_postgresql

BEST = services.AwardAssessment(is_best_value=True, is_excluded=False)


def _race(work, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = work(index)
        except ValidationError as exc:
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def closed_rfq(db):
    buyer = ProcurementUserFactory()
    rfq = RfqFactory(owner=buyer, status="closed")
    quotes = [QuoteFactory(rfq=rfq, vendor=VendorFactory()) for _ in range(2)]
    return rfq, quotes, buyer


@pytest.mark.django_db(transaction=True)
def test_two_proposals_at_once_leave_one_pending(closed_rfq):
    require_postgresql("row locks need PostgreSQL (SQLite runs one writer at a time)")
    rfq, quotes, buyer = closed_rfq
    outcomes = _race(
        lambda i: services.award_propose(
            rfq=rfq, quote=quotes[i], by=buyer, reason="Best value", assessment=BEST
        )
    )
    assert sum(isinstance(o, AwardProposal) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert AwardProposal.objects.filter(rfq=rfq, status="pending").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_approving_at_once_award_once(closed_rfq):
    require_postgresql("row locks need PostgreSQL (SQLite runs one writer at a time)")
    rfq, quotes, buyer = closed_rfq
    managers = [ManagerFactory(), ManagerFactory()]
    proposal = services.award_propose(
        rfq=rfq, quote=quotes[0], by=buyer, reason="Best value", assessment=BEST
    )
    mail.outbox.clear()
    outcomes = _race(lambda i: services.award_approve(proposal=proposal, by=managers[i]))
    assert sum(isinstance(o, AwardProposal) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    rfq.refresh_from_db()
    assert (rfq.status, rfq.awarded_quote) == ("awarded", quotes[0])
    assert AwardProposal.objects.get().history.filter(status="approved").count() == 1
