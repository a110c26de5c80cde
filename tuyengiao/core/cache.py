"""Django's Redis cache backend, made to survive a Redis outage.

With Django's own `RedisCache` every cache call raises while Redis is down, and Wagtail reads
the site root paths from the cache to build any page URL — so a Redis outage took the whole
portal down, although the view counts (`portal/viewcounts.py`) and the article HTML cache
(`portal/pagecache.py`) already fall back to the database. This backend answers as an empty
cache instead: reads miss, writes are dropped, `add` reports "not added" (so the scheduler's
lock is not taken and no two processes run the jobs at once), and Redis is left alone for
`RETRY_SECONDS` after an error so an outage costs one failed connection per process and period,
not one per call. Connections also get timeouts (Django's default is to wait for the OS).

Sessions are kept in the database and only cached here (`core/sessions.py`), so signing in to
the admin still works while Redis is down.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_MISSING = object()
_lock = threading.Lock()
# Per Redis location, shared by the threads of a process (each has its own cache object).
_down_until: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {"socket_connect_timeout": 1, "socket_timeout": 2, **self._options}
        self._location = server if isinstance(server, str) else ",".join(server)

    def _call(self, name: str, fallback, *args, **kwargs):
        if _down_until.get(self._location, 0.0) > time.monotonic():
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError:
            with _lock:
                _down_until[self._location] = time.monotonic() + RETRY_SECONDS
            logger.warning("Redis cache unavailable (%s); used as empty for %s s", name, RETRY_SECONDS, exc_info=True)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._call("incr", _MISSING, key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found (Redis unavailable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
