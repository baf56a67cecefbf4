"""From an awarded quote, procurement starts the pilot with the quote's targets prefilled."""

import pytest
from django.urls import reverse

from procurement.services import rfq_close
from tests.procurement.factories import award


@pytest.mark.django_db
def test_an_awarded_rfq_offers_procurement_to_start_a_pilot_with_the_quote(
    procurement_client, manager_client, procurement_user, rfq, quote_a
):
    rfq_close(rfq=rfq, by=procurement_user)
    award(rfq=rfq, quote=quote_a, by=procurement_user)
    html = procurement_client.get(reverse("procurement:rfq_detail", args=[rfq.pk])).content.decode()
    link = f"{reverse('pilots:pilot_create')}?quote={quote_a.pk}"
    assert f'id="start-pilot" href="{link}"' in html
    # Managers read the RFQ but do not create pilots.
    manager_html = manager_client.get(
        reverse("procurement:rfq_detail", args=[rfq.pk])
    ).content.decode()
    assert 'id="start-pilot"' not in manager_html
    form = procurement_client.get(link)
    assert form.status_code == 200
    assert form.context["form"].initial.get("quote") in (quote_a.pk, quote_a)


@pytest.mark.django_db
def test_no_pilot_link_before_the_award(procurement_client, rfq, quote_a):
    html = procurement_client.get(reverse("procurement:rfq_detail", args=[rfq.pk])).content.decode()
    assert 'id="start-pilot"' not in html
