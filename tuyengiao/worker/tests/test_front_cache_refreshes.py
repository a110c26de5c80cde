"""What nginx's front cache is asked to refresh when readers' pages change: each URL once per transaction.

nginx itself is not involved here (test_front_cache.py runs it): the URLs sent to the refresh
server, or to the worker, are recorded. Each test is one database transaction, so the portal the
fixtures build is "committed" first (`portal`), and each step's commit is played by
`django_capture_on_commit_callbacks(execute=True)`.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tuyengiao.conftest import make_article
from tuyengiao.portal import services
from tuyengiao.portal.models import CategoryPage, Comment, CommentStatus
from tuyengiao.worker import frontcache, queue

pytestmark = pytest.mark.django_db

HOME = "http://testserver/"


@pytest.fixture
def refreshed(settings, monkeypatch):
    """Each batch of URLs nginx's refresh server would be asked for (nothing is sent)."""
    settings.FRONT_CACHE_URL = "http://127.0.0.1:8362"
    settings.CELERY_BROKER_URL = ""
    batches: list[list[str]] = []
    monkeypatch.setattr(frontcache, "refresh", lambda urls: batches.append(list(urls)))
    return batches


@pytest.fixture
def sub(refreshed, home, category, django_capture_on_commit_callbacks):
    """A subcategory, with the home page and the category fixture's pages committed before the test."""
    with django_capture_on_commit_callbacks(execute=True):
        sub = CategoryPage(title="Báo cáo viên", slug="bao-cao-vien")
        category.add_child(instance=sub)
        sub.save_revision().publish()
    refreshed.clear()
    return sub


def test_publishing_refreshes_the_article_its_home_page_and_every_category_above_it(
    refreshed, home, category, sub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(sub, title="Tin của chuyên mục con", slug="tin-con")
    assert refreshed == [sorted([article.full_url, HOME, category.full_url, sub.full_url])]
    assert article.full_url == "http://testserver/tin-hoat-dong/bao-cao-vien/tin-con/"


def test_many_changes_in_one_transaction_refresh_each_url_once(
    refreshed, home, category, sub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = make_article(category, title="Tin thứ nhất", slug="tin-1")
        second = make_article(sub, title="Tin thứ hai", slug="tin-2")
        first.unpublish()
    assert refreshed == [sorted([first.full_url, second.full_url, HOME, category.full_url, sub.full_url])]


def test_with_a_worker_the_refresh_is_one_task_after_the_commit(
    refreshed, settings, monkeypatch, home, category, sub, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/11"
    sent = []
    monkeypatch.setattr(queue, "_send", lambda name, args, fallback=None: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = make_article(category, title="Tin thứ nhất", slug="tin-1")
            second = make_article(category, title="Tin thứ hai", slug="tin-2")
        assert sent == []  # nothing before the commit
    urls = sorted([first.full_url, second.full_url, HOME, category.full_url])
    assert [args for name, args in sent if name == "tuyengiao.front_cache.refresh"] == [[urls]]
    assert refreshed == []  # the worker refreshes, not the web process


def test_unpublishing_moving_and_deleting_refresh_the_listings_too(
    refreshed, home, category, sub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = CategoryPage(title="Xây dựng Đảng", slug="xay-dung-dang")
        home.add_child(instance=other)
        other.save_revision().publish()
        article = make_article(sub, title="Tin sẽ gỡ", slug="tin-go")
        moving = make_article(sub, title="Tin chuyển", slug="tin-chuyen")
    url = article.full_url

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert refreshed.pop() == sorted([url, HOME, category.full_url, sub.full_url])

    old_url = moving.full_url
    with django_capture_on_commit_callbacks(execute=True):
        moving.move(other, pos="last-child")
    moving.refresh_from_db()
    # Its old URL (now 404) and new URL, the categories it left and joined, the home page: once each.
    assert refreshed.pop() == sorted([old_url, moving.full_url, HOME, category.full_url, sub.full_url, other.full_url])

    with django_capture_on_commit_callbacks(execute=True):
        moving.delete()
    assert refreshed.pop() == sorted([moving.full_url, HOME, other.full_url])


def test_an_approved_comment_refreshes_only_its_article(refreshed, sub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(sub, title="Tin có bình luận", slug="tin-binh-luan")
    refreshed.clear()
    comment = Comment.objects.create(page=article, name="Thu Hà", body="Rất bổ ích.", status=CommentStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, status=CommentStatus.APPROVED)
    assert refreshed == [[article.full_url]]  # listings show no comments


def test_after_a_rolled_back_savepoint_the_next_change_is_still_refreshed(
    refreshed, home, category, sub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_article(category, title="Tin không được lưu", slug="tin-huy")
            raise RuntimeError("rolled back")
        kept = make_article(category, title="Tin được lưu", slug="tin-luu")
    assert refreshed == [sorted([kept.full_url, HOME, category.full_url])]
