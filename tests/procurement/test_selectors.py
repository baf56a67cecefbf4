"""Scoping: a vendor sees its own invitations and quote only; drafts stay sealed."""

import pytest
from django.http import Http404

from procurement import selectors
from procurement.filters import QuoteFilter
from procurement.models import Invitation
from tests.procurement.factories import QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db


def test_a_vendor_lists_only_the_opened_rfqs_it_is_invited_to(
    rfq, invitation_a, vendor_a, vendor_a_user, procurement_user
):
    RfqFactory()  # not invited
    draft = RfqFactory(status="draft")
    Invitation.objects.create(rfq=draft, vendor=vendor_a, invited_by=procurement_user)
    assert list(selectors.rfqs_for_user(vendor_a_user)) == [rfq]
    with pytest.raises(Http404):
        selectors.get_rfq_for_user(vendor_a_user, draft.pk)


def test_internal_users_see_every_rfq(rfq, manager, procurement_user):
    draft = RfqFactory(status="draft")
    assert set(selectors.rfqs_for_user(manager)) == {rfq, draft}


def test_a_vendor_never_gets_another_vendors_quote(quote_a, quote_b, rfq, vendor_b_user):
    assert list(selectors.quotes_for_rfq(rfq=rfq, user=vendor_b_user)) == [quote_b]
    with pytest.raises(Http404):
        selectors.get_quote_for_user(vendor_b_user, quote_a.pk)


def test_a_vendors_unsent_draft_is_sealed_from_procurement(
    draft_a, quote_b, rfq, procurement_user, vendor_a_user
):
    assert list(selectors.quotes_for_rfq(rfq=rfq, user=procurement_user)) == [quote_b]
    with pytest.raises(Http404):
        selectors.get_quote_for_user(procurement_user, draft_a.pk)
    assert selectors.get_quote_for_user(vendor_a_user, draft_a.pk) == draft_a


def test_a_draft_procurement_entered_itself_is_visible_to_it(
    rfq, vendor_a, invitation_a, procurement_user
):
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a, draft=True, entered_by_procurement=True)
    assert selectors.get_quote_for_user(procurement_user, quote.pk) == quote


def test_the_invitation_state_follows_the_quote(
    rfq, invitation_a, invitation_b, draft_a, procurement_user, vendor_a_user
):
    states = {
        i.vendor.name: i.state
        for i in selectors.invitations_for_rfq(rfq=rfq, user=procurement_user)
    }
    assert states == {"Alpha Contact": "draft", "Beta Support": "invited"}
    # A vendor gets only its own row.
    own = list(selectors.invitations_for_rfq(rfq=rfq, user=vendor_a_user))
    assert [i.vendor_id for i in own] == [invitation_a.vendor_id]


def test_submitted_quotes_for_comparison_fetch_what_the_engine_needs_in_three_queries(
    rfq, quote_b, draft_a, django_assert_num_queries
):
    quote_b.risks.create(name="Data leak", probability_pct=5, impact=1000)
    with django_assert_num_queries(3):
        quotes = list(selectors.submitted_quotes_for_comparison(rfq))
        for quote in quotes:
            _ = (quote.vendor.region, quote.rfq.term_months, list(quote.risks.all()))
            _ = list(quote.rfq.channels.all())
    assert {q.pk for q in quotes} == {quote_b.pk}  # vendor A's draft is not compared


def test_rate_flag_filter_matches_the_engines_bands(
    rfq, vendor_a, vendor_b, invitation_a, invitation_b, procurement_user
):
    cheap = QuoteFactory(rfq=rfq, vendor=vendor_a, hourly_rate=9)  # nearshore band €12–25/h
    fair = QuoteFactory(rfq=rfq, vendor=vendor_b, hourly_rate=6)  # offshore band €4–8/h

    def flagged(flag):
        quotes = selectors.quote_list(user=procurement_user)
        return list(QuoteFilter({"rate_flag": flag}, queryset=quotes).qs)

    assert flagged("below_market") == [cheap]
    assert flagged("above_market") == []
    assert fair not in flagged("any") and cheap in flagged("any")
