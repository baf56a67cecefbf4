"""The demo round: the cost article's webshop, three quotes, the nearshore one awarded."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from costing.awards import assess_quote
from procurement.demo import NEARSHORE, OFFSHORE, ONSHORE, seed_cast, seed_procurement
from procurement.models import Invitation, Quote, Rfq

pytestmark = pytest.mark.django_db


def test_the_demo_round_is_realistic_and_safe_to_run_twice():
    cast = seed_cast()
    first = seed_procurement(cast, assess_quote)
    second = seed_procurement(seed_cast(), assess_quote)

    assert Rfq.objects.count() == 1
    assert Quote.objects.count() == 3
    assert Invitation.objects.count() == 3
    rfq = second["rfq"]
    assert rfq.pk == first["rfq"].pk
    assert rfq.status == "awarded"
    # Cost article baseline: €2,500 gross + 35%, 160 productive hours, one FTE.
    assert (rfq.ih_gross_salary_month, rfq.ih_employer_costs_pct) == (
        Decimal("2500"),
        Decimal("35"),
    )
    assert (rfq.ih_productive_hours_per_fte_month, rfq.ih_fte) == (Decimal("160"), Decimal("1"))
    email = rfq.channels.get(channel="email")
    assert (email.volume_per_month, email.aht_minutes) == (500, Decimal("10"))
    assert rfq.channels.filter(channel="chat").exists()

    quotes = second["quotes"]
    assert set(quotes) == {NEARSHORE, OFFSHORE, ONSHORE}
    assert all(q.status == "submitted" for q in quotes.values())
    nearshore = quotes[NEARSHORE]
    assert (nearshore.pricing_model, nearshore.hourly_rate, nearshore.onboarding_fee) == (
        "hourly",
        Decimal("18"),
        Decimal("2000"),
    )
    assert second["awarded_quote"] == nearshore == rfq.awarded_quote
    assert quotes[OFFSHORE].pricing_model == "per_ticket"
    assert quotes[OFFSHORE].revision == 2
    assert quotes[ONSHORE].pricing_model == "mixed"
    assert quotes[ONSHORE].entered_by_procurement is True
    assert all(q.risks.exists() for q in quotes.values())
    # Best value (issue 12): weights, must-haves, two test cases answered and rated blind,
    # and the award went through a proposal a manager approved.
    assert sum(rfq.weights.values()) == 100 and rfq.weights["test_cases"] > 0
    assert "dpa" in rfq.must_haves
    assert rfq.test_cases.count() == 2
    for quote in quotes.values():
        assert [a.rating is not None for a in quote.test_case_answers.all()] == [True, True]
    [proposal] = rfq.award_proposals.all()
    assert (proposal.status, proposal.quote) == ("approved", nearshore)
    assert proposal.decided_by.is_manager
    assert second["lines"][0].startswith("RFQ RFQ-DEMO-WEBSHOP")
    assert any("9 gaps" in line for line in second["lines"])
    assert any("below the market band" in line for line in second["lines"])
    assert not any("below_market" in line or "per_ticket" in line for line in second["lines"])
    assert not any(" 1 gaps" in line for line in second["lines"])  # issue 24: "1 gap"


def test_seed_demo_prints_the_round(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Lisbon Contact Partners (Nearshore): hourly €18.00; revision 1; 0 gaps" in out
    assert "awarded" in out
