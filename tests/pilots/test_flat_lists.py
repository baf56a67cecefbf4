"""The pilot list and the navigation badge stay flat in data size (issue 15)."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.evaluation.alerts import alert_acknowledge, alert_open, alerts_close
from pilots.models import Alert, AlertKind
from tests.factories import VendorFactory
from tests.pilots.kpi_entry_helpers import NOW, START, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_vendor_filter_lists_no_vendors_but_the_chosen_one(manager_client, vendor_a):
    make_pilot(vendor_a, start=START)
    others = [VendorFactory(name=f"Quiet Vendor {n:02d}") for n in range(30)]
    html = manager_client.get(reverse("pilots:pilot_list")).content.decode()
    assert "Quiet Vendor" not in html
    assert reverse("procurement:vendor_options") in html  # the search box instead
    chosen = manager_client.get(reverse("pilots:pilot_list"), {"vendor": others[3].pk})
    html = chosen.content.decode()
    assert f'<option value="{others[3].pk}" selected>Quiet Vendor 03</option>' in html
    assert "Quiet Vendor 04" not in html
    assert chosen.context["page"].paginator.count == 0  # the filter still applies


def test_the_pilot_form_accepts_a_vendor_it_did_not_list(procurement_client, vendor_a):
    others = [VendorFactory(name=f"Quiet Vendor {n:02d}") for n in range(5)]
    page = procurement_client.get(reverse("pilots:pilot_create")).content.decode()
    assert "Quiet Vendor" not in page
    form = procurement_client.get(reverse("pilots:pilot_create")).context["form"]
    assert form.fields["vendor"].clean(str(others[2].pk)) == others[2]


# --- The alert badge -----------------------------------------------------------------------


def _badge(client) -> tuple[str | None, int]:
    """The badge's number on a page, and how many times the page counted open alerts."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("procurement:rfq_list")).content.decode()
    counted = [
        q for q in queries if q["sql"].startswith("SELECT COUNT(*)") and "pilots_alert" in q["sql"]
    ]
    found = re.search(r'id="alert-badge">(\d+)<', html)
    return (found.group(1) if found else None), len(counted)


def test_the_badge_is_counted_once_then_cached_until_alerts_change(
    manager_client, manager, vendor_a
):
    pilot = make_pilot(vendor_a, start=START)
    Alert.objects.create(pilot=pilot, kind=AlertKind.MISSING_DAY, key="a")
    assert _badge(manager_client) == ("1", 1)
    assert _badge(manager_client) == ("1", 0)  # cached
    alert_open(pilot_id=pilot.pk, kind=AlertKind.MISSING_DAY, key="b")
    assert _badge(manager_client) == ("2", 1)
    alerts_close(pilot_ids=[pilot.pk], key="a")
    assert _badge(manager_client) == ("1", 1)
    checkpoint = Alert.objects.create(pilot=pilot, kind=AlertKind.CHECKPOINT_REACHED, key="30")
    assert _badge(manager_client) == ("2", 1)
    alert_acknowledge(alert=checkpoint, by=manager)  # closes it
    assert _badge(manager_client) == ("1", 1)
    Alert.objects.filter(closed_at__isnull=True).delete()
    assert _badge(manager_client) == (None, 1)


def test_vendors_never_count_alerts(vendor_a_client, vendor_a):
    Alert.objects.create(pilot=make_pilot(vendor_a, start=START), kind="missing_day", key="a")
    with CaptureQueriesContext(connection) as queries:
        html = vendor_a_client.get(reverse("pilots:vendor_pilot_list")).content.decode()
    assert "alert-badge" not in html
    assert not [q for q in queries if "pilots_alert" in q["sql"]]
