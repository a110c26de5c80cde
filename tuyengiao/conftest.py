"""Shared fixtures: a small portal built the way editors build it (pages published through revisions)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page, Site

from tuyengiao.portal.models import ArticleByline, ArticlePage, CategoryPage, HomePage, PortalSettings
from tuyengiao.units.models import UnitKind, UnitLevel
from tuyengiao.units.services import unit_create


@pytest.fixture(autouse=True)
def _clear_cache():
    # Also the process's one-second copies of cached article HTML: tests reuse URLs within a second.
    from tuyengiao.portal import pagecache

    pagecache._local.clear()
    cache.clear()
    yield
    pagecache._local.clear()
    cache.clear()


@pytest.fixture
def unit(db):
    return unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.STAFF_BOARD,
        level=UnitLevel.PROVINCE,
        short_code="BTGDVTU",
    )


@pytest.fixture
def home(db, unit):
    root = Page.get_first_root_node()
    Site.objects.all().delete()
    home = HomePage(title="Cổng thử nghiệm", slug="cong-thu")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Cổng thử nghiệm"
    )
    PortalSettings.objects.create(site=site, unit=unit, portal_name="Cổng thử nghiệm")
    return home


@pytest.fixture
def category(home):
    category = CategoryPage(title="Tin hoạt động", slug="tin-hoat-dong", show_in_menus=True)
    home.add_child(instance=category)
    category.save_revision().publish()
    return category


def make_article(category, *, title="Hội nghị báo cáo viên tháng 7", when=None, slug=None, **fields):
    when = when or timezone.make_aware(datetime.datetime(2022, 7, 8, 4, 6))
    article = ArticlePage(
        title=title,
        slug=slug or f"bai-{ArticlePage.objects.count() + 1}",
        lead=fields.pop("lead", "Sáng nay, Ban Tuyên giáo tổ chức hội nghị."),
        body=fields.pop("body", [("paragraph", "<p>Nội dung bài viết.</p>")]),
        published_at=when,
        **fields,
    )
    article.bylines = [ArticleByline(name="Lê Thuý", is_news=True, is_photo=True)]
    category.add_child(instance=article)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


@pytest.fixture
def article(category):
    return make_article(category)
