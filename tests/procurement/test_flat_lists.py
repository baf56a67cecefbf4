"""Lists that stay flat in data size (issue 15): the page is taken before anything is
counted, the counts are per row of the page, the vendor pickers list no vendors, and the
vendor API answers a page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement import selectors
from procurement.forms import INVITE_PICKER_LIMIT
from procurement.models import InvitationStatus
from tests.factories import VendorFactory
from tests.procurement.factories import InvitationFactory, QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db


def _rfqs_with_invitations(owner, count: int) -> None:
    for _ in range(count):
        rfq = RfqFactory(owner=owner, status="open")
        QuoteFactory(rfq=rfq, vendor=VendorFactory())
        InvitationFactory(rfq=rfq, status=InvitationStatus.DECLINED)


def test_the_rfq_list_counts_each_row(procurement_user):
    rfq = RfqFactory(owner=procurement_user, status="open")
    QuoteFactory(rfq=rfq, vendor=VendorFactory())  # invited, submitted
    QuoteFactory(rfq=rfq, vendor=VendorFactory(), status="draft")  # invited, not submitted
    InvitationFactory(rfq=rfq, status=InvitationStatus.DECLINED)
    empty = RfqFactory(owner=procurement_user)
    rows = {r.pk: r for r in selectors.rfq_list(user=procurement_user)}
    assert (rows[rfq.pk].invited_count, rows[rfq.pk].declined_count) == (2, 1)
    assert rows[rfq.pk].submitted_count == 1
    assert (rows[empty.pk].invited_count, rows[empty.pk].submitted_count) == (0, 0)


@pytest.mark.parametrize("url_name", ["procurement:rfq_list", "procurement:vendor_list"])
def test_the_page_count_joins_no_invitations(url_name, procurement_client, procurement_user):
    """The paginator's COUNT(*) reads the listed table only: the per-row counts are not
    computed for every row before the page is taken (they were a GROUP BY over a join)."""
    _rfqs_with_invitations(procurement_user, 3)
    with CaptureQueriesContext(connection) as queries:
        assert procurement_client.get(reverse(url_name)).status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    assert counts
    assert not [sql for sql in counts if "procurement_invitation" in sql or "GROUP BY" in sql]


@pytest.mark.parametrize("url_name", ["procurement:rfq_list", "procurement:vendor_list"])
def test_the_lists_run_the_same_queries_for_3_or_40_rows(
    url_name, procurement_client, procurement_user, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert procurement_client.get(reverse(url_name)).status_code == 200
        return len(captured)

    _rfqs_with_invitations(procurement_user, 3)
    with django_assert_max_num_queries(9):
        small = queries()
    _rfqs_with_invitations(procurement_user, 37)
    with django_assert_max_num_queries(small):
        queries()


# --- The vendor pickers' search --------------------------------------------------------------


def test_the_vendor_search_answers_at_most_20_matching_options(manager_client):
    for n in range(25):
        VendorFactory(name=f"Porto Contact {n:02d}")
    VendorFactory(name="Lisbon Support")
    response = manager_client.get(
        reverse("procurement:vendor_options"), {"q": "porto", "empty": "All"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<option") == 21  # "All" and the first 20 by name
    assert '<option value="">All</option>' in html
    assert "Porto Contact 00" in html and "Porto Contact 20" not in html
    assert "Lisbon" not in html


def test_the_vendor_search_escapes_what_it_echoes(manager_client):
    html = manager_client.get(
        reverse("procurement:vendor_options"), {"q": "zz", "empty": "<b>x</b>"}
    ).content.decode()
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_a_vendor_user_cannot_search_vendors(vendor_a_client):
    assert vendor_a_client.get(reverse("procurement:vendor_options")).status_code == 403


# --- The RFQ page's invite picker ------------------------------------------------------------


def _invite_boxes(html: str) -> list[str]:
    picker = html[html.index('id="invite-vendors"') :]
    return re.findall(r'name="vendors" value="(\d+)"', picker[: picker.index("</form>")])


def test_the_invite_picker_shows_a_page_of_vendors_and_searches_the_rest(
    procurement_client, procurement_user
):
    rfq = RfqFactory(owner=procurement_user, status="draft")
    vendors = [VendorFactory(name=f"Vendor {n:02d}") for n in range(30)]
    porto = VendorFactory(name="Zuid Porto Contact")  # by name after the first 24
    url = reverse("procurement:rfq_detail", args=[rfq.pk])

    html = procurement_client.get(url).content.decode()
    shown = _invite_boxes(html)
    assert len(shown) == INVITE_PICKER_LIMIT and str(porto.pk) not in shown
    assert "Showing 24 of 31 vendors: search to find the others." in html

    found = procurement_client.get(url, {"vendor_q": "porto"}).content.decode()
    assert _invite_boxes(found) == [str(porto.pk)] and 'id="invite-more"' not in found
    # A ticked vendor stays on screen (and ticked) while the search moves on.
    kept = procurement_client.get(
        url, {"vendor_q": "porto", "vendors": [str(vendors[3].pk)]}
    ).content.decode()
    assert _invite_boxes(kept) == [str(vendors[3].pk), str(porto.pk)]  # by name
    assert re.search(rf'value="{vendors[3].pk}"[^>]*checked', kept)
    none = procurement_client.get(url, {"vendor_q": "<b>zz</b>"}).content.decode()
    assert (
        _invite_boxes(none) == [] and "No vendor to invite matches “&lt;b&gt;zz&lt;/b&gt;”." in none
    )

    # A vendor not on screen is still a valid choice: the field checks every invitable one.
    response = procurement_client.post(
        reverse("procurement:rfq_invite", args=[rfq.pk]), {"vendors": [porto.pk, vendors[29].pk]}
    )
    assert response.status_code == 302
    assert set(rfq.invitations.values_list("vendor_id", flat=True)) == {porto.pk, vendors[29].pk}


def test_the_rfq_page_runs_the_same_queries_for_30_or_300_vendors(
    procurement_client, procurement_user
):
    rfq = RfqFactory(owner=procurement_user, status="draft")
    url = reverse("procurement:rfq_detail", args=[rfq.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert procurement_client.get(url).status_code == 200
        return len(captured)

    VendorFactory.create_batch(30)
    queries()  # the first request fills the alert badge's short cache
    few = queries()
    VendorFactory.create_batch(270)
    assert queries() == few


# --- The vendor API ------------------------------------------------------------------------


def test_the_vendor_api_answers_a_page_and_the_total(api_as, procurement_user):
    for n in range(7):
        VendorFactory(name=f"Vendor {n}")
    client = api_as(procurement_user)
    body = client.get("/api/v1/vendors?limit=3&offset=3").json()
    assert body["count"] == 7
    assert [v["name"] for v in body["items"]] == ["Vendor 3", "Vendor 4", "Vendor 5"]
    assert client.get("/api/v1/vendors?limit=0").status_code == 422
