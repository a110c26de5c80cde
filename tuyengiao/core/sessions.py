"""Sessions kept in the database and cached in Redis, so signing in works while Redis is down.

With REDIS_URL set, settings choose this engine: Django's `cached_db` (each save writes the
database row, reads come from the cache when it holds the session) on the project's resilient
cache (`core/cache.py`). While Redis is unreachable that cache answers as an empty one, so
sessions are read from and written to the database alone: staff can still sign in (password,
then the code) and stay signed in, and sessions made before the outage go on working.

One change to Django's engine: the cached copy lives at most CACHE_SECONDS instead of the
session's whole age (two weeks). During an outage the cache's writes are dropped, so a sign-out
deletes the row but not the copy in Redis; when Redis comes back with its data (a network cut,
not a restart that empties it) that copy would sign the old cookie in again. With the cap it
is gone at most CACHE_SECONDS after the sign-out. The price: one database read per session
every CACHE_SECONDS. (The async methods are Django's, uncapped: the project runs under WSGI.)
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

CACHE_SECONDS = 300
logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    def _cache_timeout(self, expiry_age: int) -> int:
        return max(0, min(expiry_age, CACHE_SECONDS))

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # as Django's: some caches raise on odd keys
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache.set(self.cache_key, data, self._cache_timeout(self.get_expiry_age(expiry=row.expire_date)))
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_timeout(self.get_expiry_age()))
        except Exception:  # as Django's: the row is saved, the cache can wait
            logger.exception("Error saving to cache (%s)", self._cache)
