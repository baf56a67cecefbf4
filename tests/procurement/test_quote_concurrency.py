"""Issue 15: the same quote submitted twice at once (a double click in the portal, an API
retry) makes one quote and answers both requests, never a 500. Two threads, each with its
own PostgreSQL connection."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from procurement.models import Invitation, Quote
from tests.conftest import ApiClient
from tests.procurement.factories import RfqFactory
from tests.procurement.test_quote_pages import _template
from tests.support import require_postgresql

ROUNDS = 6


def _at_once(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as exc:  # the test names it below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def postgres():
    require_postgresql("row locks need PostgreSQL (SQLite runs one writer at a time)")


def _invited_rfq(procurement_user, vendor):
    rfq = RfqFactory(owner=procurement_user, channels=[("email", 500, "10"), ("chat", 900, "10")])
    Invitation.objects.create(rfq=rfq, vendor=vendor, invited_by=procurement_user)
    return rfq


@pytest.mark.django_db(transaction=True)
def test_the_same_api_submit_twice_at_once_makes_one_quote(
    postgres, procurement_user, vendor_a_user
):
    body = {"pricing_model": "hourly", "hourly_rate": "18", "sla_email_response_minutes": "60"}
    for _round in range(ROUNDS):
        rfq = _invited_rfq(procurement_user, vendor_a_user.vendor)
        clients = [ApiClient(vendor_a_user), ApiClient(vendor_a_user)]
        url = f"/api/v1/rfqs/{rfq.pk}/quotes"
        responses = _at_once(*(lambda c=c, url=url: c.post(url, body) for c in clients))
        assert sorted(r.status_code for r in responses) == [200, 201], responses
        quote = Quote.objects.get(rfq=rfq)
        assert quote.revision == 1  # the second, identical, made no revision
        assert {r.json()["id"] for r in responses} == {quote.pk}


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_submit_in_the_portal_makes_one_quote(
    postgres, procurement_user, vendor_a_user
):
    for _round in range(ROUNDS):
        rfq = _invited_rfq(procurement_user, vendor_a_user.vendor)
        clients = [Client(), Client()]
        for client in clients:
            client.force_login(vendor_a_user)
        url = reverse("procurement:portal_quote", args=[rfq.pk])
        responses = _at_once(*(lambda c=c, url=url: c.post(url, _template()) for c in clients))
        quote = Quote.objects.get(rfq=rfq)
        detail = reverse("procurement:quote_detail", args=[quote.pk])
        assert [(r.status_code, r["Location"]) for r in responses] == [(302, detail)] * 2
        assert quote.status == "submitted" and quote.revision == 1


@pytest.mark.django_db
def test_a_second_portal_submit_after_the_first_committed_answers_the_same_quote_page(
    procurement_user, vendor_a_user
):
    """The double click's slow half: it reaches the server once the first submit has
    committed (what made the two-thread test above flaky). Same content, same answer."""
    rfq = _invited_rfq(procurement_user, vendor_a_user.vendor)
    client = Client()
    client.force_login(vendor_a_user)
    url = reverse("procurement:portal_quote", args=[rfq.pk])
    first = client.post(url, _template())
    quote = Quote.objects.get(rfq=rfq)
    detail = reverse("procurement:quote_detail", args=[quote.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    second = client.post(url, _template())
    assert (second.status_code, second["Location"]) == (302, detail)
    quote.refresh_from_db()
    assert (quote.status, quote.revision) == ("submitted", 1)
    assert Quote.objects.filter(rfq=rfq).count() == 1
