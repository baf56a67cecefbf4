"""A second real Celery worker next to `celery_worker` (tests/pilots/conftest.py), on the same
Redis broker, test database and SMTP server: two workers taking the same jobs at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.pilots.conftest import (  # noqa: F401 - fixtures used by this folder's tests
    ROOT,
    WORKER_QUEUE,
    Worker,
    celery_worker,
    redis_broker,
    smtp_server,
    smtp_settings,
)


@pytest.fixture
def second_celery_worker(celery_worker, redis_broker, smtp_server, tmp_path):  # noqa: F811
    from django.conf import settings as django_settings

    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": (
            f"postgres://{db.get('USER') or 'postgres'}"
            f"{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
            f"@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": redis_broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": smtp_server.url,
        "EMAIL_TIMEOUT": "5",
        "SITE_URL": "https://vendorpilot.example",
        "LOG_LEVEL": "INFO",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "OUTBOX_MAX_ATTEMPTS": "4",
        "OUTBOX_BATCH_SIZE": "3",  # small batches: two workers interleave
    }
    log_path = tmp_path / "worker-2.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "-Q", WORKER_QUEUE, "--hostname", f"second-{os.getpid()}@localhost",
             "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    worker = Worker(process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the second Celery worker did not start:\n{worker.log()[-3000:]}")
            time.sleep(0.1)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
