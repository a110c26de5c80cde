"""Faults a production site meets: Redis down, the database lost mid-request, an import killed mid-way."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import ArticlePage, ArticleViewTotal, Comment, CommentStatus

BASE_DIR = Path(django_settings.BASE_DIR)
REDIS_DOWN = "redis://127.0.0.1:6390/0"  # nothing listens there
ERROR_PAGE_TEXT = "Hệ thống đang gặp sự cố"


# --- Redis down ---------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = REDIS_DOWN
    settings.CACHES = {
        "default": {
            "BACKEND": "tuyengiao.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_DOWN,
            "KEY_PREFIX": "tgops-faults",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def test_with_redis_down_pages_are_served_and_views_counted_in_the_database(article, redis_down):
    home_url, category_url, article_url = article.get_parent().get_parent().url, article.get_parent().url, article.url

    for _ in range(3):  # three readers, each a new browser
        response = Client().get(article_url)
        assert response.status_code == 200
        assert article.title in response.content.decode()
    assert Client().get(home_url).status_code == 200
    assert Client().get(category_url).status_code == 200

    assert ArticleViewTotal.objects.get(page_id=article.pk).count == 3
    assert "3" in Client().get(reverse("view_count_json", args=[article.pk])).content.decode()


def test_the_same_pages_fail_with_djangos_own_redis_cache(article, redis_down, settings):
    """Why settings use tuyengiao.core.cache: Wagtail reads site paths from the cache on every page."""
    url = article.url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_DOWN},
    }
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500


# --- the database lost mid-request -------------------------------------------


def _fail_when(predicate):
    """An execute wrapper that makes matching SQL fail as a dropped database connection does."""

    def wrapper(execute, sql, params, many, context):
        if predicate(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def test_database_lost_mid_request_shows_the_vietnamese_error_page_and_saves_nothing(article):
    Group.objects.get(name="Moderators").permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=["change_comment"])
    )
    moderator = get_user_model().objects.create_user("kiemduyet")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client = Client(raise_request_exception=False)
    client.force_login(moderator)
    waiting = Comment.objects.create(page=article, name="Người đọc", body="Ý kiến", status=CommentStatus.PENDING)
    log_entries = ModelLogEntry.objects.count()

    # Approving writes two rows in one transaction: the comment, then the audit log entry.
    # The database goes away between the two.
    with connection.execute_wrapper(_fail_when(lambda sql: sql.startswith('INSERT INTO "wagtailcore_modellogentry"'))):
        response = client.post(
            reverse("wagtailsnippets_portal_comment:moderate", args=[waiting.pk]), {"status": "approved"}
        )

    assert response.status_code == 500
    assert ERROR_PAGE_TEXT in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CommentStatus.PENDING
    assert waiting.moderated_at is None
    assert ModelLogEntry.objects.count() == log_entries


def test_database_gone_for_a_reader_shows_the_vietnamese_error_page(article):
    url = article.get_parent().url
    with connection.execute_wrapper(_fail_when(lambda sql: True)):
        response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    assert ERROR_PAGE_TEXT in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


# --- kill -9 during import_articles ------------------------------------------


def _standalone_database_url(tmp_path: Path) -> str:
    """A URL another process can open, holding this test's (committed) data."""
    if connection.vendor == "sqlite":
        # The test database lives in memory: copy it to a file with SQLite's backup API.
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def _article_count(database_url: str) -> int:
    if database_url.startswith("sqlite:///"):
        database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return database.execute("SELECT count(*) FROM portal_articlepage").fetchone()[0]
        finally:
            database.close()
    return ArticlePage.objects.count()


def _write_jsonl(path: Path, lines: int) -> None:
    body = "<p>" + "Nội dung bài viết về công tác tuyên giáo ở cơ sở. " * 40 + "</p>"
    with path.open("w", encoding="utf-8") as handle:
        for number in range(lines):
            row = {
                "title": f"Bài nhập thử số {number}",
                "lead": "Tin từ hệ thống cũ.",
                "body": body,
                "published_at": "2024-03-05T08:30:00+07:00",
                "byline": "Tin, ảnh: Lê Thuý",
                "tags": ["chuyển đổi số"],
                "category": "tin-hoat-dong",
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _manage(database_url: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_FORMAT": "text"}
    env.pop("REDIS_URL", None)
    env.pop("TEST_DATABASE_NAME", None)
    return subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR, env=env, text=True, **kwargs
    )


def test_kill_9_during_import_leaves_nothing_half_imported(
    transactional_db, django_db_serialized_rollback, category, tmp_path
):
    make_article(category, title="Bài có sẵn")
    database_url = _standalone_database_url(tmp_path)
    before = _article_count(database_url)
    source = tmp_path / "articles.jsonl"
    _write_jsonl(source, 3000)

    process = _manage(database_url, "import_articles", str(source), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    progress = []
    try:
        # The importer reports each batch of 1000 articles written (inside its one transaction).
        for line in process.stderr:
            progress.append(line)
            if "1000/3000" in line:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(progress)
    assert any("1000/3000" in line for line in progress), "".join(progress)

    assert _article_count(database_url) == before

    # The same file imports completely afterwards: nothing of the killed run is in the way.
    rerun = _manage(database_url, "import_articles", str(source), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert _article_count(database_url) == before + 3000
    if connection.vendor == "postgresql":
        assert Page.objects.filter(title="Bài nhập thử số 2999").count() == 1


def test_the_cache_acts_as_an_empty_one_while_redis_is_down(redis_down):
    from django.core.cache import cache

    cache.set("tg:x", 1)
    assert cache.get("tg:x", "none") == "none"

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"Redis tried again at once ({name})")

    # After a failure Redis is left alone for a while: no connection attempt per call.
    cache._cache = Untouchable()
    assert cache.get_many(["tg:x"]) == {}
    assert cache.add("tg:lock", "1") is False  # a lock is never taken while Redis is down
    assert "tg:x" not in cache
    with pytest.raises(ValueError):
        cache.incr("tg:counter")
