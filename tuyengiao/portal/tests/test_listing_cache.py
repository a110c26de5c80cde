"""Home and category pages for anonymous readers come from the page cache, yet show changes at once.

The cache is whatever the run configures: Django's local-memory cache, or Redis with REDIS_URL.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from tuyengiao.conftest import make_article
from tuyengiao.portal import pagecache
from tuyengiao.portal.models import ArticleDailyViews, CategoryPage

pytestmark = pytest.mark.django_db

HOME = "/"


def from_cache(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


def read(client, url: str) -> tuple[str, bool]:
    """The page as the reader gets it, and whether it came from the page cache."""
    pagecache._local.clear()  # the process's one-second copies: each request here reads the shared cache
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), from_cache(response)


def test_anonymous_readers_get_home_and_category_from_the_cache(client, home, category):
    make_article(category, title="Hội nghị sơ kết công tác dân vận")
    for url in (HOME, category.url):
        first, cached = read(client, url)
        assert not cached and "Hội nghị sơ kết công tác dân vận" in first
        again, cached = read(client, url)
        assert cached and again == first


def test_publishing_shows_the_article_on_home_and_category_at_once(client, home, category):
    make_article(category, title="Tin cũ trong chuyên mục")
    for url in (HOME, category.url):
        read(client, url)
        assert read(client, url)[1]  # kept

    make_article(category, title="Tin vừa xuất bản")
    for url in (HOME, category.url):
        html, cached = read(client, url)
        assert "Tin vừa xuất bản" in html and "Tin cũ trong chuyên mục" in html
        html, cached = read(client, url)
        assert cached and "Tin vừa xuất bản" in html  # the fresh page is what is kept now


def test_an_article_in_a_subcategory_refreshes_every_category_above_it(client, home, category):
    sub = CategoryPage(title="Báo cáo viên", slug="bao-cao-vien")
    category.add_child(instance=sub)
    sub.save_revision().publish()
    for url in (HOME, category.url, sub.url):
        read(client, url)
    make_article(sub, title="Tin của chuyên mục con")
    for url in (HOME, category.url, sub.url):
        assert "Tin của chuyên mục con" in read(client, url)[0]


def test_unpublishing_removes_the_article_from_home_category_and_later_pages(client, home, category):
    base = timezone.make_aware(datetime.datetime(2025, 3, 1, 8, 0))
    oldest = make_article(category, title="Tin cũ nhất sẽ gỡ", when=base)
    for n in range(12):
        make_article(category, title=f"Tin số {n + 1}", when=base + datetime.timedelta(hours=n + 1))
    page_two = category.url + "?page=2"
    for url in (HOME, category.url, page_two):
        read(client, url)
    html, cached = read(client, page_two)
    assert cached and "Tin cũ nhất sẽ gỡ" in html  # the 13th article is alone on page 2

    oldest.unpublish()
    assert "Tin cũ nhất sẽ gỡ" not in read(client, page_two)[0]  # page 2 no longer exists: page 1 is shown
    latest = make_article(category, title="Tin sắp gỡ", when=base + datetime.timedelta(days=1))
    for url in (HOME, category.url):
        assert "Tin sắp gỡ" in read(client, url)[0]
    latest.unpublish()
    for url in (HOME, category.url):
        html, cached = read(client, url)
        assert "Tin sắp gỡ" not in html and not cached


def test_deleting_or_moving_an_article_updates_the_listings(client, home, category):
    other = CategoryPage(title="Xây dựng Đảng", slug="xay-dung-dang")
    home.add_child(instance=other)
    other.save_revision().publish()
    moving = make_article(category, title="Tin chuyển chuyên mục")
    deleted = make_article(category, title="Tin bị xóa")
    for url in (HOME, category.url, other.url):
        read(client, url)

    moving.move(other, pos="last-child")
    assert "Tin chuyển chuyên mục" not in read(client, category.url)[0]
    assert "Tin chuyển chuyên mục" in read(client, other.url)[0]
    deleted.delete()
    assert "Tin bị xóa" not in read(client, HOME)[0]
    assert "Tin bị xóa" not in read(client, category.url)[0]


def test_signed_in_editors_never_get_or_leave_a_cached_page(client, home, category):
    make_article(category, title="Tin cho biên tập viên")
    editor = Client()
    editor.force_login(get_user_model().objects.create_superuser("bientap-cache"))  # verified (accounts.testing)

    # What an editor sees (the Wagtail userbar) is never kept for readers…
    for url in (HOME, category.url):
        html, cached = read(editor, url)
        assert not cached and "wagtail-userbar" in html
        html, cached = read(client, url)
        assert not cached and "wagtail-userbar" not in html
    # …and what readers get kept is never given to an editor.
    for url in (HOME, category.url):
        assert read(client, url)[1]
        html, cached = read(editor, url)
        assert not cached and "wagtail-userbar" in html
    # A reader with a flash message (after commenting) gets the page rendered, message included.
    client.cookies["messages"] = "x"
    assert not read(client, HOME)[1]


def test_only_real_page_numbers_are_kept(client, home, category):
    for n in range(13):
        make_article(category, title=f"Bài {n}", slug=f"bai-phan-trang-{n}")
    for query in ("?page=2", "?page=99999", "?page=abc", "?page=02", "?page=2&x=1"):
        read(client, category.url + query)
        assert read(client, category.url + query)[1] is (query == "?page=2"), query
    assert not read(client, HOME + "?page=2")[1]  # the home page has no pages


def make_image(n: int):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), (n % 256, 80, 120)).save(buffer, "PNG")
    return get_image_model().objects.create(title=f"Ảnh {n}", file=ImageFile(buffer, name=f"anh-{n}.png"))


def make_read_articles(categories, count: int, *, start: int):
    """Articles with their own cover image and today's views, spread over the categories."""
    for n in range(start, start + count):
        article = make_article(
            categories[n % len(categories)],
            title=f"Bài có ảnh {n}",
            slug=f"bai-co-anh-{n}",
            cover_image=make_image(n),
            featured=n % 4 == 0,
            when=timezone.make_aware(datetime.datetime(2025, 5, 1, 8, 0)) + datetime.timedelta(hours=n),
        )
        ArticleDailyViews.objects.create(page=article, day=timezone.localdate(), count=n + 1)


def queries_to_render(client, urls) -> dict[str, int]:
    """Database queries of each page rendered from scratch (no cached page, ranking or rendition)."""
    counts = {}
    for url in urls:
        read(client, url)  # renditions made once; their files are not what is measured
        cache.clear()
        pagecache._local.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and not from_cache(response)
        counts[url] = len(queries)
    return counts


def test_home_and_category_cost_the_same_queries_for_4_or_40_articles(client, home, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = CategoryPage(title="Xây dựng Đảng", slug="xay-dung-dang")
    home.add_child(instance=other)
    other.save_revision().publish()
    urls = [HOME, category.url, category.url + "?page=2", other.url]

    make_read_articles([category, other], 4, start=0)
    few = queries_to_render(client, urls)
    make_read_articles([category, other], 36, start=4)
    many = queries_to_render(client, urls)
    assert many == few
    assert max(many.values()) <= 25
    html = client.get(HOME).content.decode()
    assert html.count("fill-480x300") >= 10  # the cards did show their images
