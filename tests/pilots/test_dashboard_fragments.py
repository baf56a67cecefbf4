"""The dashboard's cached HTML fragments (issue 22): kept per pilot, data, language and role,
so a second view renders little — and an edit, a new or e-mailed scorecard, another language
or another role's view never gets a fragment made for something else."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilots.models import PilotStatus, Scorecard
from tests.pilots.factories import KpiEntryFactory
from tests.pilots.kpi_entry_helpers import NOW, START, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):  # 10 March 2026: day 10 of a pilot from 1 March
        yield


@pytest.fixture
def pilot(vendor_a, vendor_a_user):
    pilot = make_pilot(vendor_a, start=START, length=30, status=PilotStatus.RUNNING)
    KpiEntryFactory(pilot=pilot, day=START, entered_by=vendor_a_user, csat_responses=10,
                    csat_positive=9, tickets=10, fcr_resolved=5)  # fmt: skip
    return pilot


def page(client, pilot) -> tuple[str, dict]:
    response = client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert response.status_code == 200
    return response.content.decode(), response.context


def without_csrf(html: str) -> str:
    return re.sub(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1…", html)


def panel(html: str) -> str:
    match = re.search(r'<div class="card mb-4 vp-scorecards-panel".*?</table>', html, re.S)
    assert match
    return match.group(0)


def scorecard(pilot, **fields) -> Scorecard:
    return Scorecard.objects.create(
        pilot=pilot, checkpoint_day=30, window_from=START, window_to=START + timedelta(days=29),
        kpis={}, met_count=4, data_coverage_pct=Decimal("96.67"), verdict=None, **fields,
    )  # fmt: skip


def test_a_second_view_takes_the_fragments_from_the_cache(manager_client, pilot):
    html, context = page(manager_client, pilot)
    for name, parts in (
        ("pilot-dash-top", [context["dash_key"], Role.MANAGER]),
        ("pilot-dash-scorecards", [context["scorecards_key"], Role.MANAGER]),
        ("pilot-dash-bottom", [context["dash_key"], Role.MANAGER, pilot.quote_id]),
    ):
        assert cache.get(make_template_fragment_key(name, parts)), name
    # The same page again (the CSRF token is masked afresh on every response).
    assert without_csrf(page(manager_client, pilot)[0]) == without_csrf(html)


def test_a_new_and_then_e_mailed_scorecard_shows_at_once(manager_client, pilot):
    scorecard_url = reverse("pilots:scorecard_detail", args=[pilot.pk, 30])
    assert scorecard_url not in panel(page(manager_client, pilot)[0])

    card = scorecard(pilot)
    html = panel(page(manager_client, pilot)[0])
    assert f'href="{scorecard_url}"' in html and "not yet" in html

    card.emailed_at = timezone.now()
    card.save()
    html = panel(page(manager_client, pilot)[0])
    assert "not yet" not in html and "10 Mar 2026" in html


def test_each_role_gets_its_own_fragments(vendor_a_client, manager_client, pilot):
    entry_link = reverse("pilots:kpi_entry", args=[pilot.pk]) + "?day="
    # The vendor fills the cache first: the manager never gets its entry links...
    assert entry_link in page(vendor_a_client, pilot)[0]
    assert entry_link not in page(manager_client, pilot)[0]
    # ...and the vendor never gets the manager's fragments (without them).
    cache.clear()
    assert entry_link not in page(manager_client, pilot)[0]
    assert entry_link in page(vendor_a_client, pilot)[0]


def test_another_vendor_never_reaches_a_cached_dashboard(vendor_a_client, vendor_b_client, pilot):
    page(vendor_a_client, pilot)
    response = vendor_b_client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert response.status_code == 404
    assert b"kpi-table" not in response.content


def test_each_language_gets_its_own_fragments(vendor_a_user, vendor_a_client, pilot):
    english, _ = page(vendor_a_client, pilot)
    vendor_a_user.language = "nl"
    vendor_a_user.save()
    dutch, _ = page(vendor_a_client, pilot)
    assert "Checkpoints and scorecards" in english and "90.00%" in english
    assert "Checkpoints and scorecards" not in dutch and "90,00%" in dutch
    assert "Ontbrekende dagen" in dutch


def test_a_new_entry_shows_at_once_in_every_fragment(vendor_a_client, vendor_a_user, pilot):
    html, _ = page(vendor_a_client, pilot)
    assert "1 of 9 days entered" in html
    KpiEntryFactory(pilot=pilot, day=START + timedelta(days=1), entered_by=vendor_a_user)
    html, _ = page(vendor_a_client, pilot)
    assert "2 of 9 days entered" in html  # the top fragment
    assert 'id="daily-table"' in html and "2 entries" in html  # the bottom fragment
