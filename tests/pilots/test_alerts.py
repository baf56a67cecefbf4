"""Alerts (docs/domain.md §5): opened by the sweep for a missing day, a KPI off target over the
last 7 days and a checkpoint reached; one open alert per cause; closed when the cause is
gone. The alerts page and `GET /api/v1/alerts`."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from pilots.evaluation.alerts import alert_open
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import Alert, AlertKind, KpiEntry, Pilot, PilotStatus
from tests.factories import VendorUserFactory
from tests.pilots.conftest import GOOD_DAY, add_days
from tests.pilots.factories import PilotFactory

START = date(2026, 1, 1)


def open_alerts(pilot, kind=None):
    alerts = Alert.objects.filter(pilot=pilot, closed_at__isnull=True)
    if kind:
        alerts = alerts.filter(kind=kind)
    return alerts


@pytest.mark.django_db
def test_a_missing_day_opens_an_alert_and_a_late_entry_closes_it_at_the_next_sweep():
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    add_days(pilot, [1, 2, 4, 5])  # day 3 (3 January) is missing
    pilots_evaluate_due(as_of=date(2026, 1, 6))  # days 1–5 are over
    (alert,) = open_alerts(pilot, AlertKind.MISSING_DAY)
    assert alert.key == "2026-01-03"
    # The sweep again: still one alert for that day (one open alert per cause).
    pilots_evaluate_due(as_of=date(2026, 1, 6))
    assert open_alerts(pilot, AlertKind.MISSING_DAY).count() == 1
    # The vendor enters day 3 late; the next sweep closes the alert.
    add_days(pilot, [3], late=True)
    pilots_evaluate_due(as_of=date(2026, 1, 7))
    alert.refresh_from_db()
    assert alert.closed_at is not None
    # Day 6 is over now and has no entry: that is a new cause.
    assert [a.key for a in open_alerts(pilot, AlertKind.MISSING_DAY)] == ["2026-01-06"]


@pytest.mark.django_db
def test_today_is_not_missing_yet_and_days_after_the_pilot_are_never_missing():
    pilot = PilotFactory(start_date=START, length_days=30, status=PilotStatus.RUNNING)
    add_days(pilot, range(1, 31))
    pilots_evaluate_due(as_of=date(2026, 1, 10))
    assert not open_alerts(pilot, AlertKind.MISSING_DAY).exists()
    pilots_evaluate_due(as_of=date(2026, 3, 1))
    assert not open_alerts(pilot, AlertKind.MISSING_DAY).exists()


@pytest.mark.django_db
def test_a_kpi_missing_its_target_over_the_last_7_days_opens_and_closes_an_alert():
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    add_days(pilot, range(1, 8))
    add_days(pilot, range(8, 15), csat_positive=7)  # 70% CSAT all week
    pilots_evaluate_due(as_of=date(2026, 1, 15))
    (alert,) = open_alerts(pilot, AlertKind.KPI_OFF_TARGET)
    assert alert.key == "csat_pct"
    assert alert.params == {"value": "70.00", "target": "85.00"}
    # A good week brings it back: the alert closes.
    add_days(pilot, range(15, 22))
    pilots_evaluate_due(as_of=date(2026, 1, 22))
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert not open_alerts(pilot, AlertKind.KPI_OFF_TARGET).exists()


@pytest.mark.django_db
def test_the_week_is_pooled_and_the_alert_value_is_refreshed():
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    add_days(pilot, range(1, 8), frt_minutes=90)  # FRT 90 min > 60
    pilots_evaluate_due(as_of=date(2026, 1, 8))
    (alert,) = open_alerts(pilot, AlertKind.KPI_OFF_TARGET)
    assert (alert.key, alert.params["value"]) == ("frt_minutes", "90.00")
    add_days(pilot, [8], frt_minutes=20, tickets=20)
    pilots_evaluate_due(as_of=date(2026, 1, 9))  # days 2–8: (6 × 90 + 20) / 7 = 80
    alert.refresh_from_db()
    assert alert.closed_at is None
    assert alert.params["value"] == "80.00"
    assert open_alerts(pilot).filter(kind=AlertKind.KPI_OFF_TARGET).count() == 1


@pytest.mark.django_db
def test_a_checkpoint_reached_alert_carries_the_verdict_and_closes_on_acknowledge(
    manager_client, manager
):
    pilot = PilotFactory(start_date=START, length_days=60, status=PilotStatus.RUNNING)
    add_days(pilot, range(1, 61))
    pilots_evaluate_due(as_of=date(2026, 3, 2))
    alerts = {a.key: a for a in open_alerts(pilot, AlertKind.CHECKPOINT_REACHED)}
    assert set(alerts) == {"30", "60"}
    assert alerts["60"].params == {"met_count": 5, "verdict": "scale_up"}
    assert alerts["30"].params == {"met_count": 5, "verdict": None}
    response = manager_client.post(reverse("pilots:alert_acknowledge", args=[alerts["60"].pk]))
    assert response.status_code == 302
    alerts["60"].refresh_from_db()
    assert alerts["60"].acknowledged_by == manager
    assert alerts["60"].closed_at is not None


@pytest.mark.django_db
def test_acknowledging_a_missing_day_does_not_close_it(manager_client):
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 2))
    (alert,) = open_alerts(pilot, AlertKind.MISSING_DAY)
    manager_client.post(reverse("pilots:alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.closed_at is None  # the cause is still there


@pytest.mark.django_db
def test_one_open_alert_per_cause_is_enforced_by_the_database():
    pilot = PilotFactory()
    alert_open(pilot_id=pilot.pk, kind=AlertKind.MISSING_DAY, key="2026-01-03")
    alert_open(pilot_id=pilot.pk, kind=AlertKind.MISSING_DAY, key="2026-01-03")
    assert Alert.objects.filter(pilot=pilot).count() == 1
    with pytest.raises(IntegrityError):
        Alert.objects.create(pilot=pilot, kind=AlertKind.MISSING_DAY, key="2026-01-03")


@pytest.mark.django_db
def test_stopped_pilots_stop_raising_day_and_kpi_alerts():
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 4))
    assert open_alerts(pilot, AlertKind.MISSING_DAY).count() == 3
    Pilot.objects.filter(pk=pilot.pk).update(status=PilotStatus.DECIDED, decision="stop")
    pilots_evaluate_due(as_of=date(2026, 1, 5))
    assert not open_alerts(pilot).exists()


@pytest.mark.django_db
def test_the_alert_refresh_runs_constant_queries_per_batch(django_assert_max_num_queries):
    from pilots.evaluation.alerts import alerts_refresh

    def run(count):
        Alert.objects.all().delete()
        for i in range(count):
            pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
            add_days(pilot, [n for n in range(1, 15) if n != i % 7 + 1], csat_positive=i % 10)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            alerts_refresh(as_of=date(2026, 1, 15))
        return len(captured.captured_queries)

    few = run(3)
    KpiEntry.objects.all().delete()
    Pilot.objects.all().delete()
    many = run(30)
    assert few == many


# --- The page ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("procurement_client", 200),
        ("manager_client", 200),
        ("admin_role_client", 200),
        ("vendor_a_client", 403),
        ("vendor_b_client", 403),
    ],
)
def test_who_may_see_the_alerts_page(request, client_name, status):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse("pilots:alert_list")).status_code == status


@pytest.mark.django_db
def test_vendors_cannot_acknowledge(vendor_a_client, vendor_a):
    pilot = PilotFactory(vendor=vendor_a, start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 2))
    alert = Alert.objects.get(pilot=pilot)
    response = vendor_a_client.post(reverse("pilots:alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.mark.django_db
def test_acknowledge_is_post_only(manager_client):
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 2))
    alert = Alert.objects.get(pilot=pilot)
    assert (
        manager_client.get(reverse("pilots:alert_acknowledge", args=[alert.pk])).status_code == 405
    )
    assert (
        manager_client.post(reverse("pilots:alert_acknowledge", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_the_page_lists_newest_first_and_filters_open_and_closed(manager_client):
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 3))  # days 1 and 2 missing
    first, second = Alert.objects.order_by("key")
    Alert.objects.filter(pk=first.pk).update(opened_at=second.opened_at - timedelta(hours=1))
    html = manager_client.get(reverse("pilots:alert_list")).content.decode()
    assert html.index("2 Jan 2026") < html.index("1 Jan 2026")
    assert "No KPI entry for 2 Jan 2026." in html
    add_days(pilot, [1])
    pilots_evaluate_due(as_of=date(2026, 1, 3))
    open_html = manager_client.get(reverse("pilots:alert_list")).content.decode()
    closed_html = manager_client.get(
        reverse("pilots:alert_list"), {"status": "closed"}
    ).content.decode()
    assert "1 Jan 2026." not in open_html
    assert "No KPI entry for 1 Jan 2026." in closed_html
    assert "2 Jan 2026." not in closed_html


@pytest.mark.django_db
def test_the_page_runs_a_constant_number_of_queries(manager_client, django_assert_max_num_queries):
    author = VendorUserFactory()
    for _ in range(40):
        pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING, vendor=author.vendor)
        KpiEntry.objects.create(pilot=pilot, day=START, entered_by=author, **GOOD_DAY)
    pilots_evaluate_due(as_of=date(2026, 1, 5))
    assert Alert.objects.count() == 120
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("pilots:alert_list"))
    assert response.status_code == 200


# --- The API and the badge ---------------------------------------------------------------------


@pytest.mark.django_db
def test_api_alerts_are_open_ones_newest_first(api_as, manager, procurement_user):
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 3))
    older, newer = Alert.objects.order_by("key")
    Alert.objects.filter(pk=older.pk).update(opened_at=newer.opened_at - timedelta(hours=1))
    closed = Alert.objects.create(
        pilot=pilot, kind=AlertKind.KPI_OFF_TARGET, key="csat_pct", closed_at=newer.opened_at
    )
    response = api_as(manager).get("/api/v1/alerts")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    body = response.json()["items"]
    # Ids name the room: a pilot's alert and a contract's never share one.
    assert [a["id"] for a in body] == [f"pilot-{newer.pk}", f"pilot-{older.pk}"]
    assert f"pilot-{closed.pk}" not in [a["id"] for a in body]
    assert body[0]["kind"] == "missing_day"
    assert body[0]["object"] == {"type": "pilot", "id": pilot.pk}
    assert body[0]["message"] == "No KPI entry for 2 Jan 2026."
    assert api_as(procurement_user).get("/api/v1/alerts").status_code == 200
    # A page at a time, in SQL: an alert storm does not grow the answer.
    page = api_as(manager).get("/api/v1/alerts?limit=1&offset=1").json()
    assert page["count"] == 2 and [a["id"] for a in page["items"]] == [f"pilot-{older.pk}"]
    assert api_as(manager).get("/api/v1/alerts?limit=0").status_code == 422


@pytest.mark.django_db
def test_api_alerts_are_not_for_vendors(api_as, vendor_a_user):
    assert api_as(vendor_a_user).get("/api/v1/alerts").status_code == 403
    assert api_as(None).get("/api/v1/alerts").status_code == 401


@pytest.mark.django_db
def test_the_badge_counts_open_alerts(manager_client):
    PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    pilots_evaluate_due(as_of=date(2026, 1, 4))
    html = manager_client.get(reverse("pilots:alert_list")).content.decode()
    assert '<span class="badge text-bg-danger" id="alert-badge">3</span>' in html


@pytest.mark.django_db
def test_a_kpi_is_judged_only_once_a_full_week_is_over():
    pilot = PilotFactory(start_date=START, status=PilotStatus.RUNNING)
    add_days(pilot, range(1, 8), csat_positive=5)  # 50% CSAT from day 1
    pilots_evaluate_due(as_of=date(2026, 1, 7))  # six days over
    assert not open_alerts(pilot, AlertKind.KPI_OFF_TARGET).exists()
    pilots_evaluate_due(as_of=date(2026, 1, 8))  # seven days over
    assert [a.key for a in open_alerts(pilot, AlertKind.KPI_OFF_TARGET)] == ["csat_pct"]
