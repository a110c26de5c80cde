"""Redis down: staff still sign in (password, then the code) and stay signed in; sessions live in the database.

Redis "goes down" by pointing the cache at an address where nothing listens, as the other
Redis-down tests do; the tests that need Redis up first use the shared Redis (DB 8 unless
TG_SESSION_TEST_REDIS_URL says otherwise, keys under a prefix unique to the test, deleted after)
and are skipped when it is not reachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tuyengiao.accounts.testing import current_totp_code, totp_device_for
from tuyengiao.core import sessions

pytestmark = pytest.mark.django_db

REDIS_DOWN = "redis://127.0.0.1:6390/0"  # nothing listens there
REDIS_UP = os.environ.get("TG_SESSION_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
ENGINE = "tuyengiao.core.sessions"
PASSWORD = "Mật-khẩu-biên-tập-2026"
ADMIN = "/admin/"


def redis_cache(location: str, prefix: str) -> dict:
    return {"default": {"BACKEND": "tuyengiao.core.cache.ResilientRedisCache", "LOCATION": location, "KEY_PREFIX": prefix}}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    """A Biên tập viên: in the Editors group, so the admin (and the second sign-in step) applies."""
    user = django_user_model.objects.create_user(username="bientap", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = REDIS_DOWN
    settings.CACHES = redis_cache(REDIS_DOWN, "tgsess-down")
    settings.SESSION_ENGINE = ENGINE


@pytest.fixture
def redis_up(settings):
    """The shared Redis under a fresh prefix; `down()` and `up()` switch the site's cache between it and nothing."""
    import redis

    client = redis.Redis.from_url(REDIS_UP, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_UP}")
    prefix = f"tgsess-{uuid.uuid4().hex[:12]}"

    class Switch:
        redis = client

        def up(self):
            settings.REDIS_URL = REDIS_UP
            settings.CACHES = redis_cache(REDIS_UP, prefix)

        def down(self):
            settings.REDIS_URL = REDIS_DOWN
            settings.CACHES = redis_cache(REDIS_DOWN, prefix)

        def cached_sessions(self) -> int:
            return len(list(client.scan_iter(f"{prefix}:*{sessions.CachedDBStore.cache_key_prefix}*")))

    switch = Switch()
    settings.SESSION_ENGINE = ENGINE
    switch.up()
    yield switch
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_settings_keep_sessions_in_the_database_with_or_without_redis():
    def engine(**env) -> str:
        environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"} | env
        return subprocess.run(
            [sys.executable, "-c", "import tuyengiao.settings as s; print(s.SESSION_ENGINE)"],
            cwd=django_settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert engine(REDIS_URL=REDIS_UP) == ENGINE  # Django's cached_db, cache capped (core/sessions.py)
    assert engine() == "django.contrib.sessions.backends.db"


def test_with_redis_down_an_editor_signs_in_with_password_and_code_and_stays_signed_in(redis_down, editor):
    device = totp_device_for(editor)
    client = Client()

    response = client.post(reverse("wagtailadmin_login"), {"username": "bientap", "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302
    second_step = client.get(ADMIN)
    assert second_step["Location"].startswith(reverse("two_factor:verify"))
    response = client.post(reverse("two_factor:verify"), {"code": current_totp_code(device), "next": ADMIN})
    assert response["Location"] == ADMIN

    for _ in range(3):  # stays signed in, request after request
        response = client.get(ADMIN)
        assert response.status_code == 200
        assert "bientap" in response.content.decode()
    assert Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_a_session_made_while_redis_was_up_survives_redis_going_down(redis_up, editor):
    client = Client()
    client.force_login(editor)  # signed in, both steps, while Redis is up
    assert client.get(ADMIN).status_code == 200
    assert redis_up.cached_sessions() == 1  # the session is cached in Redis…

    redis_up.down()

    for _ in range(3):  # …and kept in the database, which answers alone now
        response = client.get(ADMIN)
        assert response.status_code == 200
        assert "bientap" in response.content.decode()
    client.post(reverse("wagtailadmin_logout"))
    assert client.get(ADMIN).status_code == 302


def test_a_sign_out_while_redis_is_down_is_not_undone_when_redis_comes_back(redis_up, editor, monkeypatch):
    """Redis returns with the copy it held (a network cut): that copy must not sign the old cookie in again."""
    monkeypatch.setattr(sessions, "CACHE_SECONDS", 1)
    client = Client()
    client.force_login(editor)
    assert client.get(ADMIN).status_code == 200
    old_cookie = client.cookies["sessionid"].value

    redis_up.down()
    client.post(reverse("wagtailadmin_logout"))  # the row goes; deleting Redis's copy cannot
    assert not Session.objects.filter(session_key=old_cookie).exists()
    redis_up.up()

    time.sleep(1.2)  # CACHE_SECONDS: Django's cached_db would keep the copy for the session's two weeks
    stolen = Client()
    stolen.cookies["sessionid"] = old_cookie
    assert stolen.get(ADMIN).status_code == 302
