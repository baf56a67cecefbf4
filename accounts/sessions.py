"""Sessions from the shared cache with the database behind it (Django's `cached_db`), read
together with the users' generation (`accounts.user_cache`) in one round trip: a signed-in
request then reads the session and learns whether its user, kept in this process, is still
current, with one cache call and no query. `SESSION_ENGINE = "accounts.sessions"` when
`CACHE_URL` names a shared cache (config/settings/base.py)."""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

from . import user_cache


class SessionStore(CachedDbStore):
    users_generation: str | None = None

    def load(self):
        try:
            keys = [self.cache_key]
            if user_cache.enabled():
                keys.append(user_cache.GENERATION_KEY)
            values = self._cache.get_many(keys)
        except Exception:
            # As Django's cached_db: an invalid key (or an unreachable cache) resets to the DB.
            values = {}
        self.users_generation = values.get(user_cache.GENERATION_KEY)
        data = values.get(self.cache_key) if values else None
        if data is None:
            s = self._get_session_from_db()
            if s:
                data = self.decode(s.session_data)
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
            else:
                data = {}
        return data
