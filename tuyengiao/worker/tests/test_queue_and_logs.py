"""Where jobs run, what nginx may keep, and the view log read exactly once (rotation included)."""

from __future__ import annotations

import os
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tuyengiao.core.scheduler import start_scheduler
from tuyengiao.portal import viewcounts
from tuyengiao.portal.models import ArticleViewTotal
from tuyengiao.worker import queue, viewlog

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/8"


@pytest.fixture
def sent(monkeypatch):
    """Tasks sent to the broker (none is really sent)."""
    messages = []
    monkeypatch.setattr(queue, "_send", lambda name, args, fallback=None: messages.append((name, args)))
    return messages


def test_without_a_broker_jobs_run_in_the_web_process(settings, sent, category, django_capture_on_commit_callbacks):
    from tuyengiao.conftest import make_article
    from tuyengiao.search.engine import ranked_page_ids

    settings.CELERY_BROKER_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(category, title="Khai mạc lớp bồi dưỡng lý luận chính trị")
    assert sent == []
    assert article.pk in ranked_page_ids("bồi dưỡng lý luận")  # indexed inline, as before


def test_with_a_broker_the_index_is_updated_by_the_worker_after_the_commit(
    settings, sent, category, django_capture_on_commit_callbacks
):
    from tuyengiao.conftest import make_article
    from tuyengiao.search.engine import ranked_page_ids

    settings.CELERY_BROKER_URL = REDIS_URL
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = make_article(category, title="Hội nghị quán triệt nghị quyết chuyên đề")
        article.unpublish()
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert ("tuyengiao.search.index_pages", [[article.pk]]) in sent
    assert sent[-1] == ("tuyengiao.search.remove_pages", [[article.pk]])
    assert article.pk not in ranked_page_ids("quán triệt nghị quyết")  # not done in the request


def test_when_the_broker_is_unreachable_the_index_is_updated_here(
    settings, monkeypatch, category, django_capture_on_commit_callbacks
):
    from tuyengiao.conftest import make_article
    from tuyengiao.search.engine import ranked_page_ids
    from tuyengiao.worker.celery_app import app

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_BROKER_URL = REDIS_URL
    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(category, title="Tọa đàm kỷ niệm ngày thành lập ngành tuyên giáo")
    assert article.pk in ranked_page_ids("tọa đàm kỷ niệm")


def test_with_a_broker_the_web_process_starts_no_scheduler(settings):
    settings.CELERY_BROKER_URL = REDIS_URL
    assert start_scheduler() is None


def test_periodic_jobs_run_on_the_worker_with_a_heartbeat():
    from tuyengiao.worker.celery_app import app

    schedule = app.conf.beat_schedule
    assert {"tuyengiao.publish_scheduled", "tuyengiao.flush_view_counts", "tuyengiao.heartbeat"} <= set(schedule)
    assert schedule["tuyengiao.heartbeat"]["schedule"] <= 30
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


# --- what nginx's front cache may keep ----------------------------------------------


def test_front_cache_keeps_anonymous_article_pages_only(settings, article, django_user_model):
    settings.FRONT_CACHE_URL = "http://127.0.0.1:8138"
    settings.FRONT_CACHE_SECONDS = 600
    for _ in range(2):  # rendered, then from the app's own cache
        response = Client().get(article.url)
        assert (response["X-Tg-Article"], response["X-Accel-Expires"]) == (str(article.pk), "600")
        assert not response.cookies  # nothing personal in what nginx keeps (and nothing counted here)
    assert "X-Accel-Expires" not in Client().get(article.url + "?print=1")
    assert "X-Accel-Expires" not in Client().get(article.url, {"trang": 2})
    editor = Client()
    editor.force_login(django_user_model.objects.create_user("bientap2", password="x" * 12))
    response = editor.get(article.url)
    assert response["X-Tg-Article"] == str(article.pk)  # editors' views are counted by nginx too
    assert "X-Accel-Expires" not in response
    assert Client().get("/khong-co-trang-nay/")["X-Accel-Expires"] == "60"  # 404s briefly
    assert ArticleViewTotal.objects.filter(page=article).count() == 0  # Python counted nothing


def test_without_front_cache_python_counts_and_nginx_keeps_nothing(settings, article):
    settings.FRONT_CACHE_URL = ""
    settings.REDIS_URL = ""
    response = Client().get(article.url)
    assert "X-Accel-Expires" not in response and "X-Tg-Article" not in response
    assert ArticleViewTotal.objects.get(page=article).count == 1


# --- the view log ----------------------------------------------------------------------


@pytest.fixture
def view_log(settings, tmp_path):
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"tgviewlog-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
            "KEY_PREFIX": prefix,
        }
    }
    settings.VIEW_LOG_PATH = str(tmp_path / "views.log")
    yield tmp_path / "views.log"
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def line(page_id: int, browser: str, *, at: float | None = None) -> str:
    return f"{at or timezone.now().timestamp():.3f} {page_id} {browser}\n"


def total(article) -> int:
    viewcounts.flush_view_counts()
    return ArticleViewTotal.objects.filter(page=article).values_list("count", flat=True).first() or 0


def test_each_logged_view_is_counted_once_across_rotation_and_half_written_lines(view_log, article):
    a, b, c = (uuid.uuid4().hex for _ in range(3))
    view_log.write_text(line(article.pk, a) + line(article.pk, b) + line(article.pk, a) + "garbage\n")
    with view_log.open("a") as log:  # a cookie someone edited: one more browser, counted once
        log.write(line(article.pk, "not-ours") + line(article.pk, "not-ours"))
    with view_log.open("a") as log:
        log.write(line(article.pk, c)[:10])  # nginx is still writing this one
    assert viewlog.ingest() == 3
    assert viewlog.ingest() == 0
    with view_log.open("a") as log:
        log.write(line(article.pk, c)[10:])  # …now complete
        log.write(line(article.pk, uuid.uuid4().hex))
    # logrotate renames the file (nginx writes on to it until it reopens), then a new file starts.
    os.rename(view_log, f"{view_log}.1")
    with open(f"{view_log}.1", "a") as log:
        log.write(line(article.pk, uuid.uuid4().hex))
    view_log.write_text(line(article.pk, uuid.uuid4().hex) + line(article.pk, b))
    assert viewlog.ingest() == 4  # c, two new browsers in the old file, one in the new; b again is not
    assert viewlog.ingest() == 0
    assert total(article) == 7


def test_a_browser_counts_again_the_next_day(view_log, article):
    browser = uuid.uuid4().hex
    today = timezone.now().timestamp()
    view_log.write_text(line(article.pk, browser, at=today - 86400) + line(article.pk, browser, at=today) * 2)
    assert viewlog.ingest() == 2
    assert total(article) == 2


def test_two_ingesters_at_once_count_each_line_once(view_log, article):
    view_log.write_text("".join(line(article.pk, uuid.uuid4().hex) for _ in range(50)))
    cursor = viewcounts.log_cursor()
    inode = view_log.stat().st_ino
    views = viewlog.parse(view_log.read_bytes())
    end = f"{inode}:{view_log.stat().st_size}"
    assert viewcounts.ingest_views(cursor_from=cursor, cursor_to=end, views=views) == {article.pk: 50}
    assert viewcounts.ingest_views(cursor_from=cursor, cursor_to=end, views=views) is None  # the other one
    assert viewlog.ingest() == 0
    assert total(article) == 50


def test_a_lost_log_position_never_counts_the_log_twice(view_log, article):
    view_log.write_text("".join(line(article.pk, uuid.uuid4().hex) for _ in range(3)))
    assert viewlog.ingest() == 3
    buffer = viewcounts.redis_buffer()
    buffer.client.delete(buffer.log_cursor_key)  # Redis restarted without its data
    with view_log.open("a") as log:
        log.write(line(article.pk, uuid.uuid4().hex))
    assert viewlog.ingest() == 0  # skipped to the end: the 3 flushed views are not counted again
    with view_log.open("a") as log:
        log.write(line(article.pk, uuid.uuid4().hex))
    assert viewlog.ingest() == 1
    assert total(article) == 4
