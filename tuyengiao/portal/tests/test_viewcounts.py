"""View counts as readers and editors notice them: once per browser a day, exact, current behind the cache.

Tests taking the `counting` fixture run twice: counting straight in the database, and buffered in
Redis (DB 14, a key prefix unique to the test, only those keys deleted afterwards; skipped when
Redis is not reachable on 127.0.0.1:6379).
"""

import datetime
import re
import threading
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from tuyengiao.conftest import make_article
from tuyengiao.portal import pagecache, selectors, viewcounts
from tuyengiao.portal.models import ArticleDailyViews, ArticlePage, ArticleViewTotal

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_views(settings):
    """View counts and the article cache in Redis DB 14 under a fresh key prefix; its keys deleted after."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"tgtest-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
            "KEY_PREFIX": prefix,
        }
    }
    yield client
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["database", "redis"])
def counting(request, settings):
    """'database' or 'redis': where views are counted for this run of the test."""
    if request.param == "database":
        settings.REDIS_URL = ""
        yield "database"
    else:
        request.getfixturevalue("redis_views")
        yield "redis"


def stored_total(article) -> int:
    """The all-time total in the database once the Redis buffer (if any) is flushed."""
    viewcounts.flush_view_counts()
    return ArticleViewTotal.objects.filter(page=article).values_list("count", flat=True).first() or 0


def stored_today(article) -> int:
    viewcounts.flush_view_counts()
    row = ArticleDailyViews.objects.filter(page=article, day=timezone.localdate()).first()
    return row.count if row else 0


def shown_count(response) -> int:
    match = re.search(r"data-view-count>([\d.]+)<", response.content.decode())
    assert match, "the page shows no view count"
    return int(match.group(1).replace(".", ""))


# --- once per browser per article per day -----------------------------------


@pytest.mark.django_db
def test_a_browser_is_counted_once_a_day_and_every_new_browser_counts(counting, article):
    reader = Client()
    assert shown_count(reader.get(article.url)) == 1
    assert shown_count(reader.get(article.url)) == 1  # same browser, same day: not counted again
    assert stored_total(article) == 1

    assert shown_count(Client().get(article.url)) == 2
    assert shown_count(reader.get(article.url)) == 2  # the first reader sees the other's view
    assert stored_total(article) == 2
    assert stored_today(article) == 2


@pytest.mark.django_db
def test_yesterdays_cookie_does_not_stop_todays_count(counting, article):
    reader = Client()
    reader.get(article.url)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    reader.cookies[viewcounts.COOKIE_NAME] = f"{yesterday:%Y%m%d}.{article.pk}"
    reader.get(article.url)
    assert stored_total(article) == 2
    assert reader.cookies[viewcounts.COOKIE_NAME].value.startswith(f"{timezone.localdate():%Y%m%d}.")


@pytest.mark.django_db
def test_cookie_keeps_a_bounded_number_of_the_latest_articles(article):
    today = timezone.localdate()
    many = list(range(100_000, 100_000 + 2 * viewcounts.MAX_IDS_IN_COOKIE))
    reader = Client()
    reader.cookies[viewcounts.COOKIE_NAME] = viewcounts.build_cookie(many, day=today)
    reader.get(article.url)
    value = reader.cookies[viewcounts.COOKIE_NAME].value
    kept = viewcounts.parse_cookie(value, day=today)
    assert len(kept) == viewcounts.MAX_IDS_IN_COOKIE
    assert len(value) < 4000  # browsers drop cookies over 4 KB
    assert kept[-1] == article.pk  # the article just read is remembered …
    reader.get(article.url)
    assert stored_total(article) == 1  # … so reading it again is not counted


@pytest.mark.django_db
def test_anonymous_views_write_no_session_and_never_touch_the_page(counting, article, settings):
    revisions = article.revisions.count()
    latest_revision_id = article.latest_revision_id
    last_published_at = article.last_published_at
    for _ in range(3):
        response = Client().get(article.url)
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert stored_total(article) == 3
    assert Session.objects.count() == 0
    article.refresh_from_db()
    assert article.revisions.count() == revisions
    assert article.latest_revision_id == latest_revision_id
    assert article.last_published_at == last_published_at
    assert not article.has_unpublished_changes


# --- current counts behind the article cache --------------------------------


@pytest.mark.django_db
def test_guests_see_a_current_count_on_cached_html(counting, article):
    first = Client().get(article.url)
    assert "X-Article-Cache" not in first  # rendered, and now cached
    for _ in range(3):
        Client().get(article.url)
    later = Client().get(article.url)
    assert later["X-Article-Cache"] == "hit"
    assert shown_count(later) == 5
    assert stored_total(article) == 5


@pytest.mark.django_db
def test_cached_count_continues_from_the_stored_total(counting, article):
    ArticleViewTotal.objects.create(page=article, count=12_345)
    Client().get(article.url)
    hit = Client().get(article.url)
    assert hit["X-Article-Cache"] == "hit"
    assert shown_count(hit) == 12_347
    assert "12.347" in hit.content.decode()  # Vietnamese thousands separator
    assert stored_total(article) == 12_347


@pytest.mark.django_db
def test_publishing_an_edit_replaces_the_cached_html(counting, article):
    Client().get(article.url)
    assert Client().get(article.url)["X-Article-Cache"] == "hit"
    draft = article.get_latest_revision_as_object()
    draft.title = "Hội nghị báo cáo viên tháng 8 (cập nhật)"
    draft.save_revision().publish()
    fresh = Client().get(article.url)
    assert "X-Article-Cache" not in fresh
    assert "Hội nghị báo cáo viên tháng 8 (cập nhật)" in fresh.content.decode()
    again = Client().get(article.url)
    assert again["X-Article-Cache"] == "hit"
    assert "Hội nghị báo cáo viên tháng 8 (cập nhật)" in again.content.decode()
    assert shown_count(again) == 4


@pytest.mark.django_db
def test_a_render_of_the_old_version_is_not_stored_after_publishing(counting, article):
    request = RequestFactory().get(article.url)
    request.article_cache_generation = pagecache.generation()  # as the middleware does before rendering
    pagecache.invalidate(article.pk)  # the article is published meanwhile
    pagecache.store(request, page_id=article.pk, html="<h1>Tiêu đề cũ</h1>", content_type="text/html")
    assert pagecache.get(request) is None
    pagecache.store(RequestFactory().get(article.url), page_id=article.pk, html="<h1>x</h1>", content_type="text/html")
    assert pagecache.get(request) is not None


@pytest.mark.django_db
def test_readers_with_a_session_or_a_query_string_get_a_rendered_page(counting, article, settings):
    Client().get(article.url)
    reader = Client()
    reader.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert "X-Article-Cache" not in reader.get(article.url)
    assert "X-Article-Cache" not in Client().get(article.url + "?utm_source=zalo")
    assert stored_total(article) == 3


# --- exact under concurrency -------------------------------------------------


def start_thread(target, errors: list) -> threading.Thread:
    """Run `target` in a thread with its own database connection; exceptions go to `errors`."""

    def run():
        try:
            target()
        except Exception as error:  # a thread's exception would otherwise be lost
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


THREADS = 8
VIEWS_PER_THREAD = 25


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_views_are_all_counted_in_the_database(settings, category):
    settings.REDIS_URL = ""
    article = make_article(category)

    def read():
        for _ in range(VIEWS_PER_THREAD):
            viewcounts.record_view(page_id=article.pk)

    errors = []
    for thread in [start_thread(read, errors) for _ in range(THREADS)]:
        thread.join()
    assert not errors, errors
    assert stored_total(article) == THREADS * VIEWS_PER_THREAD
    assert stored_today(article) == THREADS * VIEWS_PER_THREAD


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_views_are_exact_through_redis_while_flushes_run(redis_views, category):
    article = make_article(category)
    ArticleViewTotal.objects.create(page=article, count=1000)
    reading = threading.Event()
    shown_by_thread = []

    def read():
        shown = [viewcounts.record_view(page_id=article.pk) for _ in range(VIEWS_PER_THREAD)]
        shown_by_thread.append(shown)

    def flush_while_reading():
        while not reading.is_set():
            viewcounts.flush_view_counts()

    errors = []
    flusher = start_thread(flush_while_reading, errors)
    for thread in [start_thread(read, errors) for _ in range(THREADS)]:
        thread.join()
    reading.set()
    flusher.join()
    assert not errors, errors
    total = THREADS * VIEWS_PER_THREAD
    assert stored_total(article) == 1000 + total
    assert stored_today(article) == total
    # Each reader saw a count including their own view; a thread's counts only went up; the last is the total.
    every_count = [count for shown in shown_by_thread for count in shown]
    assert min(every_count) >= 1001
    assert max(every_count) == 1000 + total
    assert all(shown == sorted(set(shown)) for shown in shown_by_thread)
    assert viewcounts.current_view_count(page_id=article.pk) == 1000 + total


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_count_seeded_while_a_flush_commits_is_still_exact(redis_views, category, monkeypatch):
    article = make_article(category)
    for _ in range(5):
        viewcounts.record_view(page_id=article.pk)
    buffer = viewcounts.redis_buffer()
    buffer.client.delete(buffer.shown_key(article.pk))  # the shown total expired
    seeded, readers, errors = [], [], []
    commit = viewcounts.add_views_to_database

    def seed_before_commit(*, totals, daily):
        if totals:
            # The batch is claimed from the buffer but not yet in the database: a seed now must wait.
            reader = start_thread(lambda: seeded.append(viewcounts.current_view_count(page_id=article.pk)), errors)
            readers.append(reader)
            reader.join(timeout=0.05)
        commit(totals=totals, daily=daily)

    monkeypatch.setattr(viewcounts, "add_views_to_database", seed_before_commit)
    assert viewcounts.flush_view_counts() == 10  # 5 in the totals, 5 in today's hash
    for reader in readers:
        reader.join()
    assert not errors, errors
    assert seeded == [5]
    assert viewcounts.record_view(page_id=article.pk) == 6


# --- Redis down ---------------------------------------------------------------


@pytest.mark.django_db
def test_views_are_counted_in_the_database_when_redis_is_down(settings, article):
    settings.REDIS_URL = CLOSED_PORT_URL
    viewcounts.record_view(page_id=article.pk)
    response = Client().get(article.url)
    assert response.status_code == 200
    assert shown_count(response) == 2
    assert shown_count(Client().get(article.url)) == 3
    settings.REDIS_URL = ""
    assert stored_total(article) == 3


@pytest.mark.django_db
def test_a_failed_flush_keeps_the_batch_for_the_next_one(redis_views, article, monkeypatch):
    for _ in range(3):
        viewcounts.record_view(page_id=article.pk)

    def database_down(**increments):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(viewcounts, "add_views_to_database", database_down)
    with pytest.raises(RuntimeError):
        viewcounts.flush_view_counts()
    monkeypatch.undo()
    viewcounts.record_view(page_id=article.pk)
    assert stored_total(article) == 4
    assert stored_today(article) == 4
    assert viewcounts.current_view_count(page_id=article.pk) == 4


@pytest.mark.django_db
def test_views_of_a_deleted_article_do_not_block_the_others(redis_views, category):
    kept = make_article(category, slug="bai-giu-lai")
    deleted = make_article(category, slug="bai-bi-xoa")
    for page in (kept, deleted, kept):
        viewcounts.record_view(page_id=page.pk)
    deleted.delete()
    assert viewcounts.flush_view_counts() == 6  # 3 views in the totals, 3 in today's hash
    assert stored_total(kept) == 2
    assert stored_today(kept) == 2
    assert not redis_views.keys(viewcounts.redis_buffer().prefix + "*parked")  # nothing left to retry


# --- most read ------------------------------------------------------------------


@pytest.mark.django_db
def test_most_read_ranks_views_inside_the_last_seven_days(home, category):
    today = timezone.localdate()
    old_hit = make_article(category, title="Tin cũ nhiều lượt xem", slug="tin-cu")
    steady = make_article(category, title="Tin đọc đều", slug="tin-deu")
    fresh = make_article(category, title="Tin mới", slug="tin-moi")
    unread = make_article(category, title="Tin chưa ai đọc", slug="tin-chua-doc")
    ArticleDailyViews.objects.create(page=old_hit, day=today - datetime.timedelta(days=10), count=5000)
    ArticleDailyViews.objects.create(page=old_hit, day=today - datetime.timedelta(days=7), count=900)
    ArticleDailyViews.objects.create(page=steady, day=today - datetime.timedelta(days=6), count=30)
    ArticleDailyViews.objects.create(page=steady, day=today, count=30)
    ArticleDailyViews.objects.create(page=fresh, day=today, count=45)

    ranked = selectors.most_read(root=home, days=7)
    assert [a.title for a in ranked] == ["Tin đọc đều", "Tin mới"]
    assert unread.pk not in [a.pk for a in ranked]
    assert ArticlePage.objects.filter(pk=old_hit.pk).exists()
