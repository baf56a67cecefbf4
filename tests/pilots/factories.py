from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from pilots.models import KpiEntry, Pilot
from tests.factories import ProcurementUserFactory, VendorFactory, VendorUserFactory


class PilotFactory(DjangoModelFactory):
    class Meta:
        model = Pilot

    vendor = factory.SubFactory(VendorFactory)
    channel = "email"
    start_date = date(2026, 1, 1)
    length_days = 90
    target_csat_pct = Decimal("85")
    target_frt_minutes = Decimal("60")
    target_aht_minutes = Decimal("10")
    target_fcr_pct = Decimal("70")
    target_cost_per_ticket = Decimal("3.33")
    created_by = factory.SubFactory(ProcurementUserFactory)


class KpiEntryFactory(DjangoModelFactory):
    """A good day: every KPI within the default targets above."""

    class Meta:
        model = KpiEntry

    pilot = factory.SubFactory(PilotFactory)
    day = factory.LazyAttribute(lambda o: o.pilot.start_date)
    tickets = 20
    csat_responses = 10
    csat_positive = 9
    frt_minutes = Decimal("30")
    aht_minutes = Decimal("9")
    fcr_resolved = 16
    cost = Decimal("60.00")
    qa_sampled = 2
    entered_by = factory.LazyAttribute(lambda o: VendorUserFactory(vendor=o.pilot.vendor))
