"""Issue 24 item 6: "Training hours per agent" on the quote template is priced, like the
onboarding hours, at the training rate (docs/domain.md §2: onboarding_hourly_rate, else
hourly_rate) — no field that looks priced and is not."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from costing.comparison import estimate_for_quote
from procurement.services.quotes import _check_submittable
from tests.costing.factories import QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db


def test_training_hours_are_priced_at_the_hourly_rate():
    # The cost article's €20,000 plus 40 training hours × 1 agent × €18 = €720 once.
    quote = QuoteFactory(rfq=RfqFactory(), training_hours_per_agent=Decimal(40))
    result = estimate_for_quote(quote=quote, rfq=quote.rfq, months=12)
    assert f"{result.outsourced.one_time:.2f}" == "2720.00"
    assert f"{result.outsourced.tco:.2f}" == "20720.00"


def test_training_hours_add_to_the_onboarding_hours_at_the_training_rate():
    # (20 onboarding + 16 training) hours × 2 agents × €6 = €432, plus the €500 fee.
    quote = QuoteFactory(
        rfq=RfqFactory(),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
        agents_offered=2,
        onboarding_fee=Decimal(500),
        onboarding_hours_per_agent=Decimal(20),
        training_hours_per_agent=Decimal(16),
        onboarding_hourly_rate=Decimal(6),
    )
    result = estimate_for_quote(quote=quote, rfq=quote.rfq, months=12)
    assert f"{result.outsourced.one_time:.2f}" == "932.00"


def test_training_hours_without_any_rate_cannot_be_submitted():
    quote = QuoteFactory.build(
        rfq=RfqFactory(),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
        training_hours_per_agent=Decimal(24),
    )
    with pytest.raises(ValidationError) as error:
        _check_submittable(quote)
    assert "onboarding_hourly_rate" in error.value.message_dict
