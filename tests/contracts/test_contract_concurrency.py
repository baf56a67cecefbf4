"""Two requests for a contract from the same pilot at the same moment (a double click, two
buyers): one contract, the other answered "This pilot already has a contract." — never a
500 from the database's one-contract-per-pilot constraint."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from contracts import services
from contracts.models import Contract
from pilots.models import Decision, PilotStatus
from tests.factories import ProcurementUserFactory
from tests.pilots.factories import PilotFactory
from tests.support import require_postgresql


@pytest.mark.django_db(transaction=True)
def test_two_contracts_for_one_pilot_at_once_make_one():
    require_postgresql("concurrent writers need PostgreSQL (SQLite runs one writer at a time)")
    buyer = ProcurementUserFactory()
    pilot = PilotFactory(status=PilotStatus.DECIDED, decision=Decision.SCALE_UP)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = services.contract_create(
                by=buyer,
                pilot=pilot,
                start_date=date(2027, 2, 1),
                months=12,
                targets=dict(pilot.targets),
                monthly_charge=Decimal("3100.00"),  # the pilot has no quote to take it from
            )
        except Exception as exc:  # noqa: BLE001 - recorded: the assertions name it
            outcomes[index] = exc
        finally:
            connection.close()

    for _round in range(5):
        Contract.objects.all().delete()
        outcomes[:] = [None, None]
        barrier.reset()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(isinstance(o, Contract) for o in outcomes) == 1, outcomes
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(refused) == 1, outcomes
        assert refused[0].message_dict == {"pilot": ["This pilot already has a contract."]}
        assert Contract.objects.filter(pilot=pilot).count() == 1
