"""Who may open which procurement page: the owner 200, another vendor 404, the wrong role
403, anonymous users to sign-in. Vendor B's user asks for vendor A's objects by id."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from procurement import services
from procurement.models import Invitation
from tests.procurement.factories import RfqFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rfq, quote_a, vendor_b, procurement_user):
    """Vendor A invited with a submitted quote (offer PDF, a risk); vendor B has its own
    invitation elsewhere, so it is a real vendor with objects of its own."""
    services.quote_update(
        quote=quote_a,
        by=procurement_user,
        data={},
        offer_document=SimpleUploadedFile("offer.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    risk = quote_a.risks.create(name="Data leak", probability_pct=Decimal("5"), impact=1000)
    other = RfqFactory(title="Other round")
    Invitation.objects.create(rfq=other, vendor=vendor_b, invited_by=other.owner)
    history_id = quote_a.history.latest().history_id
    return {
        "rfq": rfq.pk,
        "quote": quote_a.pk,
        "risk": risk.pk,
        "invitation": quote_a.rfq.invitations.get().pk,
        "history": history_id,
        "vendor": quote_a.vendor_id,
    }


P, M, A, B = "procurement", "manager", "vendor_a", "vendor_b"
INTERNAL_READ = {P: 200, M: 200, A: 403, B: 403}
PROCUREMENT_ONLY = {P: 200, M: 403, A: 403, B: 403}
QUOTE_READ = {P: 200, M: 200, A: 200, B: 404}

# (url name, argument keys, expected status per client) for GET.
GET_PAGES = [
    ("procurement:rfq_list", [], INTERNAL_READ),
    ("procurement:quote_list", [], INTERNAL_READ),
    ("procurement:rfq_detail", ["rfq"], INTERNAL_READ),
    ("procurement:rfq_create", [], PROCUREMENT_ONLY),
    ("procurement:rfq_update", ["rfq"], PROCUREMENT_ONLY),
    ("procurement:rfq_cancel", ["rfq"], PROCUREMENT_ONLY),
    ("procurement:quote_enter", ["rfq"], PROCUREMENT_ONLY),
    ("procurement:vendor_list", [], PROCUREMENT_ONLY),
    ("procurement:vendor_create", [], PROCUREMENT_ONLY),
    ("procurement:vendor_detail", ["vendor"], PROCUREMENT_ONLY),
    ("procurement:vendor_update", ["vendor"], PROCUREMENT_ONLY),
    ("procurement:vendor_user_create", ["vendor"], PROCUREMENT_ONLY),
    ("procurement:risk_update", ["risk"], PROCUREMENT_ONLY),
    ("procurement:quote_detail", ["quote"], QUOTE_READ),
    ("procurement:quote_history", ["quote"], QUOTE_READ),
    ("procurement:quote_revision", ["quote", "history"], QUOTE_READ),
    ("procurement:quote_document", ["quote"], QUOTE_READ),
    ("procurement:quote_edit", ["quote"], {P: 200, M: 403, A: 200, B: 404}),
    ("procurement:portal", [], {P: 403, M: 403, A: 200, B: 200}),
    ("procurement:portal_rfq", ["rfq"], {P: 403, M: 403, A: 200, B: 404}),
    ("procurement:portal_quote", ["rfq"], {P: 403, M: 403, A: 302, B: 404}),
    ("procurement:portal_decline", ["rfq"], {P: 403, M: 403, A: 200, B: 404}),
]

# POST-only actions: the wrong role is refused before anything happens.
POST_ACTIONS = [
    ("procurement:rfq_invite", ["rfq"]),
    ("procurement:invitation_resend", ["rfq", "invitation"]),
    ("procurement:risk_create", ["quote"]),
    ("procurement:risk_delete", ["risk"]),
]


@pytest.fixture
def clients(procurement_client, manager_client, vendor_a_client, vendor_b_client):
    return {P: procurement_client, M: manager_client, A: vendor_a_client, B: vendor_b_client}


def _url(name, keys, world, extra=()):
    return reverse(name, args=[world[k] for k in keys] + list(extra))


@pytest.mark.parametrize(("name", "keys", "expected"), GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_each_page_answers_each_role(world, clients, name, keys, expected):
    url = _url(name, keys, world)
    for who, status in expected.items():
        response = clients[who].get(url)
        assert response.status_code == status, (who, url, response.status_code)


@pytest.mark.parametrize(("name", "keys", "expected"), GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_anonymous_users_are_sent_to_sign_in(world, name, keys, expected):
    url = _url(name, keys, world)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "keys"), POST_ACTIONS, ids=[a[0] for a in POST_ACTIONS])
def test_managers_and_vendors_cannot_post_procurement_actions(world, clients, name, keys):
    url = _url(name, keys, world)
    for who in (M, A, B):
        assert clients[who].post(url, {}).status_code == 403, (who, url)


@pytest.mark.parametrize("action", ["open", "close"])
def test_managers_and_vendors_cannot_move_an_rfq(world, clients, action):
    url = reverse("procurement:rfq_transition", args=[world["rfq"], action])
    for who in (M, A, B):
        assert clients[who].post(url).status_code == 403
    from procurement.models import Rfq

    assert Rfq.objects.get(pk=world["rfq"]).status == "open"


def test_the_offer_document_is_served_as_a_pdf_to_its_readers_only(world, clients):
    url = reverse("procurement:quote_document", args=[world["quote"]])
    response = clients[A].get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert clients[B].get(url).status_code == 404


def test_the_comparison_link_resolves(world, clients):
    response = clients[P].get(reverse("procurement:rfq_detail", args=[world["rfq"]]))
    comparison = reverse("costing:comparison", args=[world["rfq"]])
    assert f'href="{comparison}"' in response.content.decode()
    assert clients[P].get(comparison).status_code == 200
