from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from kpis.rules import s2
from pilots.selectors import get_pilot_for_user, kpi_totals
from tests.pilots.factories import KpiEntryFactory, PilotFactory


@pytest.mark.django_db
def test_kpi_totals_are_summed_in_one_query(django_assert_num_queries):
    pilot = PilotFactory()
    KpiEntryFactory(
        pilot=pilot,
        day=pilot.start_date,
        tickets=10,
        csat_responses=10,
        csat_positive=9,
        fcr_resolved=5,
    )
    KpiEntryFactory(
        pilot=pilot,
        day=pilot.start_date + timedelta(days=1),
        tickets=100,
        csat_responses=100,
        csat_positive=80,
        frt_minutes=Decimal("40"),
        fcr_resolved=50,
    )
    with django_assert_num_queries(1):
        totals = kpi_totals(pilot_ids=[pilot.id])[pilot.id]
    pooled = totals.pooled()
    assert s2(pooled["csat_pct"]) == "80.91"
    assert pooled["frt_minutes"] == (Decimal(30 * 10) + Decimal(40 * 100)) / 110
    assert totals.days_with_entry == 2


@pytest.mark.django_db
def test_kpi_totals_respect_the_window():
    pilot = PilotFactory(start_date=date(2026, 1, 1))
    for offset in range(5):
        KpiEntryFactory(pilot=pilot, day=date(2026, 1, 1) + timedelta(days=offset))
    totals = kpi_totals(pilot_ids=[pilot.id], date_from=date(2026, 1, 2), date_to=date(2026, 1, 3))
    assert totals[pilot.id].days_with_entry == 2


@pytest.mark.django_db
def test_a_vendor_cannot_reach_another_vendors_pilot(
    vendor_a, vendor_a_user, vendor_b_user, manager
):
    pilot = PilotFactory(vendor=vendor_a)
    assert get_pilot_for_user(vendor_a_user, pilot.pk) == pilot
    assert get_pilot_for_user(manager, pilot.pk) == pilot
    with pytest.raises(Http404):
        get_pilot_for_user(vendor_b_user, pilot.pk)
