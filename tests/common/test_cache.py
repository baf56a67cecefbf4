"""`common.cache.RedisCache` (issue 22): Django's Redis cache, one client object per pool
instead of one per call — and still a working cache, against a real Redis."""

import os

import pytest
import redis

from common.cache import RedisCache
from tests.support import require_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        require_service(False, f"Redis at {REDIS_URL}")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-common-cache"})
    yield backend
    backend.clear()


def test_it_is_a_working_cache(cache):
    cache.set("a", {"n": 1}, 30)
    assert cache.add("a", "other", 30) is False
    assert cache.get_many(["a", "missing"]) == {"a": {"n": 1}}
    assert cache.add("n", 1, 30) is True
    assert cache.incr("n") == 2
    cache.delete("a")
    assert cache.get("a") is None


def test_every_call_shares_one_client_per_pool(cache, monkeypatch):
    cache.get("warm")
    built = []
    real_init = redis.Redis.__init__
    monkeypatch.setattr(
        redis.Redis, "__init__", lambda self, *a, **k: built.append(1) or real_init(self, *a, **k)
    )
    for _ in range(5):
        cache.get_many(["x", "y"])
        cache.set("x", 1, 30)
    assert built == []
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)
