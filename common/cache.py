"""Django's Redis cache with one client object per connection pool (issue 22).

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call,
and each build fills a table of some 170 response callbacks: about 0.15 ms of Python on
every call, which a signed-in request makes at least once (its session). A `redis.Redis`
is safe to share between threads (the pool hands each command its own connection) and
across a fork (the pool notices the new process and opens new connections), so one per
pool serves every call. `CACHE_URL` selects this backend (config/settings/base.py).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
