import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def heartbeats_now(transactional_db):
    """A worker and beat that were heard from just now."""
    from common import heartbeats

    heartbeats.record(heartbeats.WORKER)
    heartbeats.record(heartbeats.BEAT)


def test_healthz_is_200_when_database_broker_worker_and_beat_are_up(
    client, settings, heartbeats_now
):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
        "status": "ok",
    }


def test_healthz_is_503_with_the_broker_down(client, settings, heartbeats_now):
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_with_the_database_down(client, monkeypatch, heartbeats_now):
    from config import views

    monkeypatch.setattr(views, "broker_ok", lambda: True)

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.heartbeats, "last_seen", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["worker"] == "down"  # unknown without the database: not served


def test_healthz_is_503_when_no_worker_serves_the_queue(client, settings, transactional_db):
    from datetime import timedelta

    from django.utils import timezone

    from common import heartbeats

    settings.CELERY_BROKER_URL = "memory://"
    assert client.get("/healthz").json()["worker"] == "down"  # never heard from
    long_ago = timezone.now() - timedelta(seconds=settings.HEARTBEAT_WINDOW_SECONDS + 1)
    heartbeats.record(heartbeats.WORKER, at=long_ago)
    heartbeats.record(heartbeats.BEAT)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "down",
        "beat": "ok",
        "status": "down",
    }
    heartbeats.record(heartbeats.WORKER)  # the worker ran `common.heartbeat`
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_within_two_seconds_when_database_and_broker_hang(
    client, settings, monkeypatch, heartbeats_now
):
    import threading
    import time

    from config import views

    release = threading.Event()

    def hangs(*args, **kwargs):
        release.wait(30)  # a database that accepted the connection and never answers
        return {}

    # A broker address nothing answers (TEST-NET-1, RFC 5737): the connect hangs.
    settings.CELERY_BROKER_URL = "redis://192.0.2.1:6379/0"
    monkeypatch.setattr(views.heartbeats, "last_seen", hangs)
    started = time.monotonic()
    try:
        response = client.get("/healthz")
    finally:
        release.set()
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    assert response.json() == {
        "database": "down",
        "broker": "down",
        "worker": "down",
        "beat": "down",
        "status": "down",
    }


def test_the_worker_and_beat_write_their_heartbeats(transactional_db, monkeypatch):
    import sys

    from common import heartbeats
    from common.tasks import heartbeat

    celery_app = sys.modules["config.celery_app"]
    monkeypatch.setattr(celery_app, "_in_beat", False)
    heartbeat.apply()  # what the worker runs each minute
    celery_app._beat_init()  # what beat does when it starts
    seen = heartbeats.last_seen()
    assert heartbeats.alive(seen, heartbeats.WORKER) and heartbeats.alive(seen, heartbeats.BEAT)


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k7#Vq2!pZr9xW4mT8sLb1nF6hJ3dC0yG5eU*aQ&oI@vN$wR%tY^",
        "ALLOWED_HOSTS": "vendorpilot.example.com",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _locked(path: Path) -> dict[str, str]:
    """name -> version of every pin in a lock file (each with its hashes)."""
    pins, text = {}, path.read_text()
    for block in text.split("\n"):
        if block and not block[0].isspace() and "==" in block and not block.startswith("#"):
            name, version = block.split(" ")[0].split("==")
            pins[canonical(name)] = version
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {canonical(re.split(r"[\s<>=!~;\[]", r.strip(), maxsplit=1)[0]) for r in requirements}


def test_the_lock_files_pin_every_dependency_with_hashes():
    """`make run`/`make test` install requirements*.lock: a dependency added to
    pyproject.toml without `make lock` would be missing on a fresh machine."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra_in = [
        line
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    runtime = _requirement_names(project["dependencies"] + extra_in)
    dev = runtime | _requirement_names(project["optional-dependencies"]["dev"])
    for lock, wanted in (("requirements.lock", runtime), ("requirements-dev.lock", dev)):
        pins = _locked(ROOT / lock)
        assert wanted - set(pins) == set(), f"{lock} lacks {wanted - set(pins)}: run make lock"
        text = (ROOT / lock).read_text()
        blocks = [b for b in re.split(r"\n(?=\S)", text) if "==" in b and not b.startswith("#")]
        assert all("--hash=sha256:" in b for b in blocks), f"{lock}: a pin without a hash"
    # The test tools are not installed by `make run`.
    assert "pytest" not in _locked(ROOT / "requirements.lock")
