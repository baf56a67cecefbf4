"""CACHE_URL (issue 22): a shared Redis cache for every web process, and sessions read from it;
without it, a memory cache per process and sessions in the database only."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.USER_CACHE]))"
)


def settings_with(env: dict) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "CACHE_URL"} | env
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + PROBE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_cache_url_sessions_stay_in_the_database():
    assert settings_with({}) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        False,
    ]


def test_with_cache_url_the_cache_is_redis_and_sessions_read_from_it():
    assert settings_with({"CACHE_URL": "redis://127.0.0.1:6379/9"}) == [
        "django.core.cache.backends.redis.RedisCache",
        "accounts.sessions",
        True,
    ]
