"""docs/domain.md §6, last bullet: the latest contract standing follows the vendor into sourcing;
a poor latest month warns when the vendor is invited, it never blocks."""

import pytest
from django.urls import reverse

from procurement.standing import standing_warnings, vendor_standings
from tests.contracts.factories import ContractFactory
from tests.contracts.test_alerts import close_month

pytestmark = pytest.mark.django_db


def test_the_latest_contract_month_is_the_vendors_standing():
    contract = ContractFactory()
    close_month(contract, 1, "good")
    close_month(contract, 2, "poor")

    [note] = vendor_standings([contract.vendor_id])[contract.vendor_id]
    assert note.source == "contract" and note.warns
    assert "February 2027" in str(note.text) and "Poor" in str(note.text)
    assert [contract.vendor.name in w for w in standing_warnings([contract.vendor])] == [True]

    # A better month afterwards clears the warning.
    close_month(contract, 3, "watch")
    [note] = vendor_standings([contract.vendor_id])[contract.vendor_id]
    assert not note.warns and "Watch" in str(note.text)


def test_the_vendor_page_shows_the_contract_standing(procurement_client):
    contract = ContractFactory()
    close_month(contract, 1, "poor")

    html = procurement_client.get(
        reverse("procurement:vendor_detail", args=[contract.vendor_id])
    ).content.decode()
    assert "Latest contract month" in html and "Poor" in html


def test_standings_of_many_vendors_cost_one_query_for_contracts(django_assert_max_num_queries):
    contracts = [ContractFactory() for _ in range(5)]
    for contract in contracts:
        close_month(contract, 1, "good")
    with django_assert_max_num_queries(2):  # one per provider (pilots, contracts)
        standings = vendor_standings([c.vendor_id for c in contracts])
    assert all(any(n.source == "contract" for n in standings[c.vendor_id]) for c in contracts)
