"""A worker killed mid-job (kill -9): the job runs again on another worker with no duplicate effect.

Each test starts real Celery workers (`faulty_worker.py`) on Redis (DB 8 unless
TG_WORKER_TEST_REDIS_URL says otherwise; keys under a prefix unique to the test, deleted after;
skipped when Redis is not reachable) against a copy of the test database (SQLite) or the test
database itself (PostgreSQL). The first worker stops dead inside the job, the test kills it with
SIGKILL, a second worker gets the job's message back after the broker's visibility timeout.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tuyengiao.conftest import make_article
from tuyengiao.portal import viewcounts
from tuyengiao.portal.models import ArticleDailyViews, ArticleViewTotal
from tuyengiao.search import services as search_services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_URL = os.environ.get("TG_WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
VISIBILITY_SECONDS = 3
WAIT_SECONDS = 90


def wait_until(condition, *, what: str, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


class WorkerDatabase:
    """What the workers write to, read back the way the worker sees it."""

    def __init__(self, tmp_path: Path):
        self.path = None
        if connection.vendor == "sqlite":
            # The test database may be in memory: give the workers a file copy of it.
            self.path = tmp_path / "worker.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            db = connection.settings_dict
            auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def query(self, sql: str, params: tuple):
        if self.path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return cursor.fetchone()
        with sqlite3.connect(self.path, timeout=10) as db:
            return db.execute(sql, params).fetchone()

    def view_total(self, page_id: int) -> int:
        table = ArticleViewTotal._meta.db_table
        row = self.query(f"SELECT count FROM {table} WHERE page_id = ?", (page_id,))  # noqa: S608 - a model's table
        return row[0] if row else 0

    def views_on(self, page_id: int, day) -> int:
        table = ArticleDailyViews._meta.db_table
        sql = f"SELECT count FROM {table} WHERE page_id = ? AND day = ?"  # noqa: S608 - a model's table
        row = self.query(sql, (page_id, day.isoformat()))
        return row[0] if row else 0

    def search_documents(self, page_id: int) -> tuple[int, float]:
        """How many index documents the article has, and when the latest was written."""
        count, indexed_at = self.query(
            "SELECT count(*), max(indexed_at) FROM tgsearch_document WHERE page_id = ?", (page_id,)
        )
        return count, float(indexed_at or 0)


class Workers:
    def __init__(self, tmp_path: Path, prefix: str, database: WorkerDatabase):
        self.marker = tmp_path / "paused"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tuyengiao.settings",
            "DATABASE_URL": database.url,
            "REDIS_URL": REDIS_URL,
            "CELERY_BROKER_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
            "VIEW_COUNT_CLAIM_SECONDS": "2",
            "TG_FAULT_MARKER": str(self.marker),
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("TEST_DATABASE_NAME", None)
        self.procs: list[subprocess.Popen] = []

    def start(self, point: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tuyengiao.worker.tests.faulty_worker"],
            cwd=django_settings.BASE_DIR,
            env={**self.env, "TG_FAULT_POINT": point},
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL to the worker and its pool process: nothing runs a clean-up."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def paused(self, proc: subprocess.Popen) -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the worker exited with status {proc.returncode}")
        return self.marker.exists()

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc)


@pytest.fixture
def worker_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"tgworker-{uuid.uuid4().hex[:12]}"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def harness(worker_redis, settings, tmp_path):
    """Views buffered and tasks sent under the test's prefix; `start` workers once the data is in place."""
    client, prefix = worker_redis
    settings.REDIS_URL = REDIS_URL
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_VISIBILITY_TIMEOUT = VISIBILITY_SECONDS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
            "KEY_PREFIX": prefix,
        }
    }
    from celery import Celery

    from tuyengiao.worker.celery_app import configure

    sender = Celery("tuyengiao-test", set_as_current=False)
    configure(sender)

    class Harness:
        redis = client
        workers: Workers | None = None
        database: WorkerDatabase | None = None

        def start_workers(self) -> Workers:
            """Snapshot the database for the workers (SQLite) and return their launcher."""
            self.database = WorkerDatabase(tmp_path)
            self.workers = Workers(tmp_path, prefix, self.database)
            return self.workers

        def send(self, task: str, *args) -> None:
            sender.send_task(task, args=list(args))

    harness = Harness()
    yield harness
    if harness.workers:
        harness.workers.stop_all()
    sender.close()


@pytest.mark.parametrize("point", ["flush-before-commit", "flush-after-commit"])
def test_a_flush_killed_mid_job_runs_again_and_counts_each_view_once(harness, category, point):
    from django.utils import timezone

    article = make_article(category)
    workers = harness.start_workers()
    db = harness.database
    for _ in range(7):
        viewcounts.record_view(page_id=article.pk)
    buffer = viewcounts.redis_buffer()

    first = workers.start(point)
    harness.send("tuyengiao.flush_view_counts")
    wait_until(lambda: workers.paused(first), what="the first worker to stop inside the flush")
    workers.kill(first)

    # Killed before its commit, nothing is in the database; after it, the batch is. Either way
    # the batch is still in Redis, waiting for the job to run again.
    assert db.view_total(article.pk) == (0 if point == "flush-before-commit" else 7)
    assert harness.redis.hlen(buffer.claims_key) == 1

    workers.start(point)  # the job's message comes back after the visibility timeout
    wait_until(lambda: harness.redis.hlen(buffer.claims_key) == 0, what="the killed flush's batch to be adopted")
    wait_until(lambda: db.views_on(article.pk, timezone.localdate()) == 7, what="today's views to be flushed")
    assert db.view_total(article.pk) == 7

    # One more view and flush: the worker carries on from the exact total.
    viewcounts.record_view(page_id=article.pk)
    harness.send("tuyengiao.flush_view_counts")
    wait_until(lambda: db.view_total(article.pk) == 8, what="the next flush")
    assert viewcounts.current_view_count(page_id=article.pk) == 8
    time.sleep(VISIBILITY_SECONDS + 1)  # nothing comes back later to add the batch again
    assert db.view_total(article.pk) == 8
    assert db.views_on(article.pk, timezone.localdate()) == 8


@pytest.mark.parametrize("point", ["index-before-commit", "index-after-commit"])
def test_indexing_killed_mid_job_runs_again_and_indexes_the_article_once(harness, category, point):
    article = make_article(category, title="Hội nghị tổng kết công tác tuyên giáo năm 2026")
    search_services.remove_pages([article.pk])  # published before the worker existed: index it there
    workers = harness.start_workers()
    db = harness.database
    assert db.search_documents(article.pk)[0] == 0

    first = workers.start(point)
    harness.send("tuyengiao.search.index_pages", [article.pk])
    wait_until(lambda: workers.paused(first), what="the first worker to stop inside the indexing")
    workers.kill(first)
    count, first_indexed_at = db.search_documents(article.pk)
    assert count == (0 if point == "index-before-commit" else 1)

    workers.start(point)
    wait_until(
        lambda: db.search_documents(article.pk)[1] > first_indexed_at, what="the job to run again on the second worker"
    )
    time.sleep(VISIBILITY_SECONDS + 1)
    count, _ = db.search_documents(article.pk)
    assert count == 1
