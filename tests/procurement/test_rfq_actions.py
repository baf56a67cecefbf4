"""rfq_actions: the buttons a page shows follow the same life cycle the services guard."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from procurement.models import Rfq, RfqStatus
from procurement.selectors import RfqActions, rfq_actions

EXPECTED = {
    # status: the actions procurement may take
    RfqStatus.DRAFT: {"edit", "open", "cancel", "invite"},
    RfqStatus.OPEN: {"edit", "close", "cancel", "invite", "resend_invitations", "enter_quote"},
    RfqStatus.CLOSED: {"cancel", "enter_quote", "award"},
    RfqStatus.AWARDED: {"start_pilot"},
    RfqStatus.CANCELLED: set(),
}


def allowed(actions: RfqActions) -> set[str]:
    return {name for name, value in vars(actions).items() if value}


@pytest.mark.parametrize("status", list(RfqStatus))
def test_procurement_may_do_what_the_status_allows(status):
    rfq = Rfq(status=status, awarded_quote_id=7 if status == RfqStatus.AWARDED else None)
    assert allowed(rfq_actions(rfq, User(role=Role.PROCUREMENT))) == EXPECTED[status]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VENDOR])
@pytest.mark.parametrize("status", list(RfqStatus))
def test_managers_and_vendors_may_do_nothing(role, status):
    assert allowed(rfq_actions(Rfq(status=status), User(role=role))) == set()


@pytest.mark.django_db
def test_the_rfq_page_shows_only_the_allowed_buttons(procurement_client, rfq):
    Rfq.objects.filter(pk=rfq.pk).update(status=RfqStatus.CLOSED)
    html = procurement_client.get(reverse("procurement:rfq_detail", args=[rfq.pk])).text
    assert 'id="award-form"' in html and 'id="close-rfq"' not in html
    assert reverse("procurement:rfq_update", args=[rfq.pk]) not in html
