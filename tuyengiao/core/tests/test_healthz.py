"""/healthz: the database, Redis and the worker, as JSON, for load balancers and monitoring."""

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from tuyengiao.core.health import WORKER_HEARTBEAT_KEY

REDIS_UP = "redis://127.0.0.1:6379/7"
REDIS_DOWN = "redis://127.0.0.1:6390/0"


def healthz(**headers):
    return Client().get("/healthz", **headers)


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "healthz"}}
    yield
    cache.clear()


def test_healthy_site_answers_200_with_every_part_ok_and_is_never_cached(db, no_redis):
    response = healthz()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "not_configured"
    assert body["worker"] == "absent"  # no worker configured: fine


def test_database_down_answers_503_without_the_error_text(db, no_redis):
    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "10.0.0.5" failed: password authentication failed')

    with connection.execute_wrapper(refuse):
        response = healthz()

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "error"
    assert "10.0.0.5" not in response.content.decode()
    assert "password" not in response.content.decode()


def test_redis_configured_is_checked(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REDIS_URL = REDIS_UP
    up = healthz()
    settings.REDIS_URL = REDIS_DOWN
    down = healthz()

    assert (up.status_code, up.json()["redis"]) == (200, "ok")
    assert (down.status_code, down.json()["redis"]) == (503, "error")
    assert "6390" not in down.content.decode()


@pytest.mark.parametrize(
    ("age", "status", "code"),
    [(5, "ok", 200), (60, "ok", 200), (200, "stale", 503)],
)
def test_worker_heartbeat(db, no_redis, age, status, code):
    cache.set(WORKER_HEARTBEAT_KEY, time.time() - age, None)

    response = healthz()

    assert response.status_code == code
    assert response.json()["worker"] == status
    assert response.json()["worker_heartbeat_age_seconds"] == pytest.approx(age, abs=10)


def test_worker_heartbeat_written_straight_to_redis_is_read(db, settings):
    import redis

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REDIS_URL = REDIS_UP
    client = redis.Redis.from_url(REDIS_UP)
    client.set(WORKER_HEARTBEAT_KEY, str(int(time.time())), ex=60)
    try:
        response = healthz()
    finally:
        client.delete(WORKER_HEARTBEAT_KEY)

    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


def test_a_missing_worker_fails_the_check_when_one_is_required(db, no_redis, settings):
    settings.WORKER_REQUIRED = True

    response = healthz()

    assert response.status_code == 503
    assert response.json()["worker"] == "absent"


def test_healthz_answers_local_http_probes_when_https_is_enforced(db, no_redis, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get("/healthz").status_code == 200
    assert Client().get("/robots.txt").status_code == 301  # everything else goes to HTTPS


def test_a_configured_celery_worker_is_expected(db, no_redis, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/7"

    assert healthz().json()["worker"] == "absent"
    assert healthz().status_code == 503

    cache.set(WORKER_HEARTBEAT_KEY, int(time.time()), None)  # what tuyengiao.worker.jobs.heartbeat writes
    assert healthz().status_code == 200
