"""Every revision stays readable, with who, when and the changed fields."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from procurement import selectors, services
from tests.procurement.conftest import NOW
from tests.procurement.factories import COMPLETE_TEMPLATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(rfq, vendor_a, invitation_a, vendor_a_user, procurement_user):
    """Draft (rev. 0) → submitted (rev. 1) → vendor lowers its rate (rev. 2) → procurement
    corrects the exit fee it received by e-mail (rev. 3)."""
    from datetime import timedelta

    with time_machine.travel(NOW, tick=False):
        services.quote_save_draft(
            rfq=rfq, vendor=vendor_a, by=vendor_a_user, data={"pricing_model": "hourly"}
        )
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        quote = services.quote_submit(
            rfq=rfq, vendor=vendor_a, by=vendor_a_user, data=COMPLETE_TEMPLATE
        )
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.quote_update(
            quote=quote,
            by=vendor_a_user,
            data={"hourly_rate": Decimal("16.50"), "penalties": "10% per missed month"},
        )
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        services.quote_update(quote=quote, by=procurement_user, data={"exit_fee": Decimal("1500")})
    quote.refresh_from_db()
    return quote


def test_the_vendor_reads_every_version_with_who_when_and_what(revised, vendor_a_user):
    entries = selectors.quote_history(quote=revised, user=vendor_a_user)
    assert [e.revision for e in entries] == [0, 1, 2, 3]
    assert [e.who for e in entries][:3] == [vendor_a_user] * 3
    assert entries[3].entered_by_procurement is True
    assert [e.when.date().isoformat() for e in entries] == [
        "2026-03-02",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
    ]
    second = {c.field: (c.old, c.new) for c in entries[2].changes}
    assert second == {
        "hourly_rate": (Decimal("18.0000"), Decimal("16.5000")),
        "penalties": ("5% per missed month", "10% per missed month"),
    }
    assert {c.field for c in entries[3].changes} == {"exit_fee"}
    assert "status" in {c.field for c in entries[1].changes}  # draft → submitted


def test_procurement_reads_the_submitted_revisions_not_the_drafts(revised, procurement_user):
    entries = selectors.quote_history(quote=revised, user=procurement_user)
    assert [e.revision for e in entries] == [1, 2, 3]
    assert entries[0].changes == []  # the first version procurement sees


def test_the_history_page_lists_each_revision_and_its_changes(revised, procurement_client):
    html = procurement_client.get(
        reverse("procurement:quote_history", args=[revised.pk])
    ).content.decode()
    for revision in (1, 2, 3):
        assert f'data-revision="{revision}"' in html
    assert 'data-revision="0"' not in html
    row = html.split('data-revision="2"')[1].split("</tr>")[0]
    assert "Hourly rate (€)" in row
    assert "€18.00 → €16.50" in row
    row3 = html.split('data-revision="3"')[1].split("</tr>")[0]
    assert "Bea Buyer" in row3
    assert "entered by procurement" in row3
    assert "€0.00 → €1,500.00" in row3


def test_the_vendor_sees_procurement_as_a_role_not_a_name(revised, vendor_a_client):
    html = vendor_a_client.get(
        reverse("procurement:quote_history", args=[revised.pk])
    ).content.decode()
    row3 = html.split('data-revision="3"')[1].split("</tr>")[0]
    assert "Bea Buyer" not in row3
    assert "Procurement" in row3
    assert 'data-revision="0"' in html  # its own draft


def test_an_old_revision_is_readable_as_it_was(revised, procurement_client, procurement_user):
    first = selectors.quote_history(quote=revised, user=procurement_user)[0]
    url = reverse("procurement:quote_revision", args=[revised.pk, first.history_id])
    html = procurement_client.get(url).content.decode()
    assert "revision 1" in html
    assert '<dd class="col-sm-6" data-field="hourly_rate">€18.00</dd>' in html
    assert "The current revision is 3." in html


def test_procurement_cannot_open_a_vendors_draft_version(
    revised, vendor_a_user, procurement_client
):
    draft = selectors.quote_history(quote=revised, user=vendor_a_user)[0]
    url = reverse("procurement:quote_revision", args=[revised.pk, draft.history_id])
    assert procurement_client.get(url).status_code == 404


def test_another_vendor_cannot_read_the_history(revised, vendor_b_client, vendor_a_user):
    entry = selectors.quote_history(quote=revised, user=vendor_a_user)[1]
    for url in (
        reverse("procurement:quote_history", args=[revised.pk]),
        reverse("procurement:quote_revision", args=[revised.pk, entry.history_id]),
    ):
        assert vendor_b_client.get(url).status_code == 404
