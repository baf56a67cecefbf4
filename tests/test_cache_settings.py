"""CACHE_URL (issue 22): a shared Redis cache for every web process, and sessions read from it;
without it, a memory cache per process and sessions in the database only."""

import os

from tests.support import settings_probe

PROBE = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.USER_CACHE]))"
)


def settings_with(env: dict) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "CACHE_URL"} | env
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    if "CACHE_URL" not in env:
        environ["CACHE_URL"] = ""
    return settings_probe(PROBE, environ)


def test_without_cache_url_sessions_stay_in_the_database():
    assert settings_with({}) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        False,
    ]


def test_with_cache_url_the_cache_is_redis_and_sessions_read_from_it():
    assert settings_with({"CACHE_URL": "redis://127.0.0.1:6379/9"}) == [
        "common.cache.RedisCache",
        "accounts.sessions",
        True,
    ]
