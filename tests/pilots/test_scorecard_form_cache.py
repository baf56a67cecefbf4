"""The empty decision form on the scorecard page is rendered by crispy once per language and
then kept (issue 22); a form sent back with errors is always rendered afresh, with them."""

import pytest
from django.urls import reverse

from tests.pilots.test_scorecard_pages import DECISION, detail_url, quoted_pilot  # noqa: F401


def decision_section(html: str) -> str:
    return html[html.index('id="decision"') :]


@pytest.mark.django_db
def test_the_empty_form_is_kept_per_language(manager, manager_client, quoted_pilot):  # noqa: F811
    english = decision_section(manager_client.get(detail_url(quoted_pilot)).content.decode())
    manager.language = "nl"
    manager.save()
    dutch = decision_section(manager_client.get(detail_url(quoted_pilot)).content.decode())

    assert "Knowledge transfer (1 = poor, 5 = excellent)" in english
    assert "Knowledge transfer (1 = poor, 5 = excellent)" not in dutch
    assert 'name="knowledge_transfer_rating"' in dutch


@pytest.mark.django_db
def test_a_form_with_errors_shows_them_and_the_next_view_is_clean(manager_client, quoted_pilot):  # noqa: F811
    manager_client.get(detail_url(quoted_pilot))  # the empty form is cached
    bad = {**DECISION, "note": "", "responsiveness_rating": "7"}
    response = manager_client.post(reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), bad)
    html = decision_section(response.content.decode())
    assert response.status_code == 400
    assert "is-invalid" in html and "This field is required." in html

    clean = decision_section(manager_client.get(detail_url(quoted_pilot)).content.decode())
    assert "is-invalid" not in clean and "This field is required." not in clean
