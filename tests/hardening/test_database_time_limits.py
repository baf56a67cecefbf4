"""Issue 21 item 7: database time limits. A KPI PUT hung 60 s behind a locked row until
gunicorn killed the worker and the client got gunicorn's HTML "Internal Server Error".

PostgreSQL connections carry `statement_timeout` and `lock_timeout` (settings, configurable
by environment); a request that meets one answers 503 within seconds, JSON naming what
happened for the API and the product's page otherwise, with nothing saved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone
from psycopg import errors as psycopg_errors

from common.views import server_error
from tests.support import require_postgresql

KPIS = {
    "tickets": 40,
    "csat_responses": 20,
    "csat_positive": 18,
    "frt_minutes": "30.00",
    "aht_minutes": "9.00",
    "fcr_resolved": 32,
    "cost": "120.00",
}


def _settings_options(module: str, **env) -> str:
    code = (
        "import json, django.conf, os;"
        f"os.environ['DJANGO_SETTINGS_MODULE'] = {module!r};"
        "from django.conf import settings;"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": "postgres://vp@db.example:5432/vp",
        "SECRET_KEY": "x" * 50,
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["options"]


def test_production_sets_a_statement_and_a_lock_timeout_on_postgresql():
    options = _settings_options("config.settings.production")
    assert "-c statement_timeout=30000" in options
    assert "-c lock_timeout=5000" in options


def test_the_time_limits_come_from_the_environment():
    options = _settings_options(
        "config.settings.production",
        DATABASE_STATEMENT_TIMEOUT_MS="12000",
        DATABASE_LOCK_TIMEOUT_MS="750",
    )
    assert "-c statement_timeout=12000" in options and "-c lock_timeout=750" in options


def _wrapped(driver_error: Exception) -> OperationalError:
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("driver_error", "kind", "words"),
    [
        (psycopg_errors.QueryCanceled("statement timeout"), "statement", "statement timeout"),
        (psycopg_errors.LockNotAvailable("lock timeout"), "lock", "lock timeout"),
    ],
)
def test_the_api_names_the_time_limit_in_json(rf, driver_error, kind, words):
    request = rf.put("/api/v1/pilots/1/kpis/2026-01-01")
    try:
        raise _wrapped(driver_error)
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["timeout"] == kind and words in body["detail"]
    assert "Nothing was saved" in body["detail"]


@pytest.mark.django_db
def test_a_page_answers_the_products_page(rf):
    request = rf.post("/pilots/1/kpis/")
    try:
        raise _wrapped(psycopg_errors.QueryCanceled("statement timeout"))
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing was saved" in page and "took too long" in page
    assert "Internal Server Error" not in page


@pytest.fixture
def short_lock_timeout():
    """This thread's connection reconnects with a 200 ms lock_timeout, through the same
    OPTIONS the settings use."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("options")
    options["options"] = "-c lock_timeout=200 -c statement_timeout=5000"
    connection.close()
    yield
    if before is None:
        options.pop("options", None)
    else:
        options["options"] = before
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_kpi_put_behind_a_locked_pilot_answers_503_json_quickly_and_saves_nothing(
    vendor_a_user, short_lock_timeout
):
    require_postgresql("a real lock held by another connection")
    from pilots.models import KpiEntry, Pilot
    from tests.conftest import ApiClient
    from tests.pilots.factories import PilotFactory

    today = timezone.localdate()
    pilot = PilotFactory(
        vendor=vendor_a_user.vendor,
        start_date=today - timedelta(days=31),
        length_days=60,
        status="running",
        target_cost_per_ticket=Decimal("3.33"),
    )
    api = ApiClient(vendor_a_user)
    api.client.raise_request_exception = False
    locked, release = threading.Event(), threading.Event()

    def hold_the_pilot_row():
        try:
            with transaction.atomic():
                Pilot.objects.select_for_update().get(pk=pilot.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_pilot_row)
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        response = api.put(f"/api/v1/pilots/{pilot.pk}/kpis/{pilot.start_date.isoformat()}", KPIS)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["timeout"] == "lock"
    assert "lock timeout" in response.json()["detail"]
    assert elapsed < 10, "the PUT waited for the lock instead of giving up"
    assert not KpiEntry.objects.filter(pilot=pilot).exists()
