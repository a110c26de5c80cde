"""Readers' data: e-mail never shown, client addresses only as keyed hashes, both purged after the retention time."""

import datetime
import hashlib
import hmac

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tuyengiao.portal import services
from tuyengiao.portal.models import Comment, CommentModeration, CommentStatus, PortalSettings

READER_IP = "203.0.113.42"
EMAIL = "nguoi.doc@example.vn"


def post(article, client=None, **data):
    client = client or Client(REMOTE_ADDR=READER_IP)
    fields = {"name": "Trần Thị Bình", "email": EMAIL, "body": "Xin cảm ơn bài viết.", **data}
    return client.post(f"/binh-luan/{article.pk}/", fields)


def test_email_is_on_no_public_page_feed_or_api(article, home, category, django_capture_on_commit_callbacks):
    PortalSettings.objects.update(comment_moderation=CommentModeration.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        post(article)

    urls = [article.url, article.url, f"{article.url}?print=1", home.url, category.url, f"{home.url}rss/"]
    urls += [f"{category.url}rss/", "/sitemap.xml", "/api/v1/search?q=c%E1%BA%A3m+%C6%A1n", "/chinh-sach-rieng-tu/"]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert EMAIL not in response.content.decode(), url
    # Another reader's refused post shows their own form, never earlier comments' addresses.
    refused = post(article, client=Client(REMOTE_ADDR="198.51.100.1"), name="", email="khac@example.vn")
    assert refused.status_code == 400
    assert EMAIL not in refused.content.decode()


def test_client_address_is_stored_only_as_a_keyed_hash(article, settings):
    settings.CLIENT_HASH_KEY = "khóa-thử-nghiệm"
    post(article)

    comment = Comment.objects.get()
    expected = hmac.new(b"kh\xc3\xb3a-th\xe1\xbb\xad-nghi\xe1\xbb\x87m", READER_IP.encode(), hashlib.sha256).hexdigest()
    assert comment.client_hash == expected
    stored = " ".join(str(value) for value in Comment.objects.values().get().values())
    assert READER_IP not in stored
    assert hashlib.sha256(READER_IP.encode()).hexdigest() != comment.client_hash  # keyed, not a plain digest
    # The rate-limit entry is keyed by the same hash (works with the local-memory and the Redis cache).
    assert cache.get(f"tg:comment-rate:{expected}") is not None
    assert cache.get(f"tg:comment-rate:{READER_IP}") is None


def test_purge_clears_hash_and_email_after_the_retention_time(article, settings):
    settings.READER_DATA_RETENTION_DAYS = 30
    now = timezone.now()
    old = Comment.objects.create(
        page=article,
        name="Người đọc cũ",
        email="cu@example.vn",
        body="Bình luận cũ.",
        client_hash="a" * 64,
        status=CommentStatus.APPROVED,
        created_at=now - datetime.timedelta(days=31),
    )
    recent = Comment.objects.create(
        page=article,
        name="Người đọc mới",
        email="moi@example.vn",
        body="Bình luận mới.",
        client_hash="b" * 64,
        created_at=now - datetime.timedelta(days=29),
    )

    assert services.reader_data_purge(now=now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.email, old.client_hash) == ("", "")
    assert (old.name, old.body, old.status) == ("Người đọc cũ", "Bình luận cũ.", CommentStatus.APPROVED)
    assert (recent.email, recent.client_hash) == ("moi@example.vn", "b" * 64)
    assert services.reader_data_purge(now=now) == 0


def test_purge_command_and_daily_run(article, settings, capsys):
    settings.READER_DATA_RETENTION_DAYS = 7
    Comment.objects.create(
        page=article,
        name="A",
        email="a@example.vn",
        body="B",
        client_hash="c" * 64,
        created_at=timezone.now() - datetime.timedelta(days=8),
    )

    call_command("purge_reader_data")

    assert "Đã xóa dữ liệu bạn đọc của 1 bình luận cũ hơn 7 ngày." in capsys.readouterr().out
    assert Comment.objects.get().email == ""
    Comment.objects.update(email="b@example.vn", created_at=timezone.now() - datetime.timedelta(days=9))
    cache.delete(services.READER_DATA_PURGE_LOCK)
    assert services.reader_data_purge_if_due() == 1
    Comment.objects.update(email="c@example.vn")
    assert services.reader_data_purge_if_due() == 0  # once a day


@pytest.mark.parametrize("days", [30, 45])
def test_privacy_notice_says_what_is_kept_and_for_how_long(home, settings, days):
    settings.READER_DATA_RETENTION_DAYS = days

    response = Client().get("/chinh-sach-rieng-tu/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thông báo về bảo vệ dữ liệu cá nhân" in html
    assert f"được xóa sau <strong>{days} ngày</strong>" in html
    assert "Địa chỉ thư điện tử không bao giờ được hiển thị" in html
    assert f"tối đa {settings.COMMENT_RATE_LIMIT} bình luận" in html
    assert "Cổng thử nghiệm" in html


def test_every_portal_links_the_notice_in_its_footer(article, home):
    for url in (home.url, article.url):
        assert '<a href="/chinh-sach-rieng-tu/">Bảo vệ dữ liệu cá nhân</a>' in Client().get(url).content.decode()
