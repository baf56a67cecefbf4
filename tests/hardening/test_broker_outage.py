"""Drill (a) in CI: Redis stopped while a vendor enters KPIs through the API.

A private redis-server on a free loopback port is the broker (the shared one is never
stopped). With it stopped, every KPI PUT still succeeds and is saved; once it is back, the
sweep (`evaluate_pilots`, docs/api.md) evaluates what was entered during the outage.
The long version with gunicorn and a real worker: benchmarks/drills/redis_down.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command, get_commands
from django.urls import Resolver404, resolve
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from benchmarks.support import free_port, port_open
from tests.conftest import require_service
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KPIS = {
    "tickets": 40,
    "csat_responses": 20,
    "csat_positive": 18,
    "frt_minutes": "30.00",
    "aht_minutes": "9.00",
    "fcr_resolved": 32,
    "cost": "120.00",
}


def _use_broker(url: str) -> None:
    from config.celery_app import app

    app.conf.broker_url = url
    # Celery reads the CELERY_BROKER_URL environment variable before its configuration (CI
    # sets it), so switch that too.
    os.environ["CELERY_BROKER_URL"] = url
    # Connections and producers are pooled per app: drop them so the new URL is used.
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def private_redis():
    """(start, stop) of a throwaway redis-server; the app's broker points at it."""
    from config.celery_app import app

    require_service(shutil.which("redis-server") is not None, "redis-server")
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    state: dict = {}

    def start():
        state["proc"] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not port_open(port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop():
        state["proc"].terminate()
        state["proc"].wait(timeout=10)

    original = app.conf.broker_url
    start()
    _use_broker(f"redis://127.0.0.1:{port}/0")
    try:
        yield start, stop
    finally:
        if state["proc"].poll() is None:
            stop()
        _use_broker(original)


def test_kpis_are_saved_with_redis_down_and_the_sweep_catches_up(
    private_redis, vendor_a_user, api_as
):
    from config.celery_app import app
    from pilots.models import KpiEntry, Scorecard

    start, stop = private_redis
    stop()
    # The outage is real: publishing fails (after kombu's retries).
    with pytest.raises(BrokerError):
        app.send_task("drill.ping", retry=False)

    try:
        resolve("/api/v1/pilots/1/kpis/2026-01-01")
    except Resolver404:
        require_service(False, "PUT /api/v1/pilots/{id}/kpis/{date}")
    today = timezone.localdate()
    pilot = PilotFactory(
        vendor=vendor_a_user.vendor,
        start_date=today - timedelta(days=31),
        length_days=60,
        status="running",
        target_cost_per_ticket=Decimal("3.33"),
    )
    api = api_as(vendor_a_user)
    days = [pilot.start_date + timedelta(days=i) for i in range(30)]
    for day in days:
        started = time.monotonic()
        response = api.put(f"/api/v1/pilots/{pilot.pk}/kpis/{day.isoformat()}", KPIS)
        assert response.status_code in (200, 201), (day, response.status_code, response.content)
        assert time.monotonic() - started < 5, "a KPI PUT hung on the missing broker"
    assert KpiEntry.objects.filter(pilot=pilot).count() == len(days)

    start()
    require_service("evaluate_pilots" in get_commands(), "the evaluate_pilots command")
    call_command("evaluate_pilots", date=today.isoformat())
    scorecard = Scorecard.objects.get(pilot=pilot, checkpoint_day=30)
    assert scorecard.data_coverage_pct == Decimal("100.00")
    assert KpiEntry.objects.filter(pilot=pilot).count() == len(days)
