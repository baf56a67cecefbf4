from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from contracts.models import Contract, Review, ReviewAction
from tests.factories import ProcurementUserFactory, VendorFactory


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    vendor = factory.SubFactory(VendorFactory)
    channel = "email"
    start_date = date(2027, 1, 17)
    months = 12
    target_csat_pct = Decimal("85")
    target_frt_minutes = Decimal("60")
    target_aht_minutes = Decimal("10")
    target_fcr_pct = Decimal("70")
    target_cost_per_ticket = Decimal("3.33")
    # € 100 a day in a 31-day month: pro rata credits stay round by hand.
    monthly_charge = Decimal("3100.00")
    credit_pct_per_missed_kpi = Decimal("5")
    credit_cap_pct = Decimal("15")
    created_by = factory.SubFactory(ProcurementUserFactory)


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    contract = factory.SubFactory(ContractFactory)
    date = date(2027, 2, 3)
    kind = "monthly_review"
    attendees = "Bea Buyer, Max Manager, Ana Agent"
    notes = "Internal: the vendor's FCR is slipping; consider the exit clause."
    created_by = factory.SubFactory(ProcurementUserFactory)


class ReviewActionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewAction

    review = factory.SubFactory(ReviewFactory)
    text = "Refresh the FAQ macros"
    owner = "Ana Agent"
    due_date = date(2027, 2, 17)
