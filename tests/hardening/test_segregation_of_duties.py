"""Issue 21 item 6: nobody approves or rejects an award they proposed, an admin included.
The page hides the buttons and says why; the decision pages answer 403 with the reason."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from procurement import services
from procurement.models import AwardProposal, Rfq
from procurement.services import AwardAssessment
from tests.procurement.factories import QuoteFactory, RfqFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

BEST = AwardAssessment(is_best_value=True, is_excluded=False)


@pytest.fixture
def proposal(admin_role_user, vendor_a):
    rfq = RfqFactory(owner=admin_role_user)
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a, status="submitted")
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    rfq.refresh_from_db()
    return services.award_propose(
        rfq=rfq, quote=quote, by=admin_role_user, reason="Best value", assessment=BEST
    )


def test_an_admin_cannot_approve_its_own_proposal(proposal, admin_role_user):
    with pytest.raises(PermissionDenied, match="another manager must approve"):
        services.award_approve(proposal=proposal, by=admin_role_user)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and proposal.rfq.status == "closed"


def test_an_admin_cannot_reject_its_own_proposal(proposal, admin_role_user):
    with pytest.raises(PermissionDenied):
        services.award_reject(proposal=proposal, by=admin_role_user, note="Changed my mind")
    assert AwardProposal.objects.get(pk=proposal.pk).status == "pending"


def test_another_manager_approves_it(proposal, manager):
    services.award_approve(proposal=proposal, by=manager)
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by == manager
    assert proposal.rfq.status == "awarded"


def test_the_page_hides_the_buttons_from_the_proposer_and_says_why(
    proposal, admin_role_user, manager
):
    url = reverse("procurement:award_proposal", args=[proposal.pk])
    own = client_for(admin_role_user).get(url).content.decode()
    assert 'id="approve-link"' not in own and 'id="reject-link"' not in own
    assert "You proposed this award, so another manager must approve or reject it" in own
    other = client_for(manager).get(url).content.decode()
    assert 'id="approve-link"' in other and "You proposed this award" not in other


@pytest.mark.parametrize("name", ["procurement:award_approve", "procurement:award_reject"])
def test_the_decision_pages_answer_403_with_the_reason(proposal, admin_role_user, name):
    client = client_for(admin_role_user)
    url = reverse(name, args=[proposal.pk])
    page = client.get(url)
    assert page.status_code == 403
    assert "You proposed this award" in page.content.decode()
    posted = client.post(url, {"note": "Looks fine"})
    assert posted.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending" and proposal.decided_by is None
