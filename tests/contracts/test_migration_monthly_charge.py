"""The migration to `monthly_charge` (docs/domain.md §6): an existing contract takes the quote's
monthly vendor charge for its channel where the quote gives one, else 0.

By hand: the cost article's quote, 500 e-mails a month at 10 minutes → 83.33 h × €18 =
€1,500.00 a month; the buyer's own €200 management is no vendor charge."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ProcurementUserFactory, VendorFactory
from tests.pilots.kpi_entry_helpers import make_awarded_quote

BEFORE = [("contracts", "0001_contract_models")]
AFTER = [("contracts", "0002_monthly_charge_periods_alerts")]


@pytest.mark.django_db(transaction=True)
def test_existing_contracts_take_their_charge_from_the_quote_else_0():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("contracts", "Contract")
        buyer = ProcurementUserFactory()
        vendor = VendorFactory()
        quote = make_awarded_quote(vendor, buyer)
        quote.rfq.own_management_per_month = Decimal("200")
        quote.rfq.save(update_fields=["own_management_per_month"])
        common = {
            "vendor_id": vendor.pk,
            "channel": "email",
            "start_date": date(2026, 1, 1),
            "months": 12,
            "status": "running",
            "created_by_id": buyer.pk,
            "target_csat_pct": Decimal("85"),
            "target_frt_minutes": Decimal("60"),
            "target_aht_minutes": Decimal("10"),
            "target_fcr_pct": Decimal("70"),
            "target_cost_per_ticket": Decimal("3.33"),
        }
        with_quote = old.objects.create(quote_id=quote.pk, monthly_cost=Decimal("1700"), **common)
        without = old.objects.create(monthly_cost=Decimal("999"), **common)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("contracts", "Contract")
        assert new.objects.get(pk=with_quote.pk).monthly_charge == Decimal("1500.00")
        assert new.objects.get(pk=without.pk).monthly_charge == Decimal("0.00")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
