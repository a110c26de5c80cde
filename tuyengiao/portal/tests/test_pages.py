"""What a reader sees on the portal: pages, listings, feeds, redirects, errors."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import Site

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import CategoryPage, HomePage, PortalSettings, Topic

pytestmark = pytest.mark.django_db


def test_article_shows_every_element_of_a_vietnamese_news_page(client, article):
    html = client.get(article.url).content.decode()
    assert "<h1" in html and article.title in html
    assert "Thứ sáu - 08/07/2022 04:06" in html
    assert re.search(r"data-view-count>1<", html)
    assert re.search(r"data-comment-count>0<", html)
    assert f"<strong>{article.lead}</strong>" in html
    assert "Tin, ảnh: Lê Thuý" in html
    assert 'rel="canonical" href="http://testserver/tin-hoat-dong/' in html
    assert 'property="og:title"' in html


def test_article_json_ld_is_a_news_article(client, article):
    html = client.get(article.url).content.decode()
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"] == [{"@type": "Person", "name": "Lê Thuý"}]
    assert data["datePublished"].startswith("2022-07-08T04:06:00+07:00")


def test_json_ld_cannot_break_out_of_its_script(client, category):
    article = make_article(category, title="Tiêu đề </script><script>alert(1)</script>")
    html = client.get(article.url).content.decode()
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<script>" not in payload
    assert json.loads(payload)["headline"].startswith("Tiêu đề </script>")


def test_newer_and_older_news_in_the_same_category(client, category):
    base = timezone.make_aware(datetime.datetime(2024, 1, 10, 8, 0))
    old = make_article(category, title="Tin cũ nhất", when=base - datetime.timedelta(days=2))
    middle = make_article(category, title="Tin ở giữa", when=base)
    new = make_article(category, title="Tin mới nhất", when=base + datetime.timedelta(days=2))
    html = client.get(middle.url).content.decode()
    newer, older = html.split('id="tin-moi-hon"')[1].split('id="tin-cu-hon"')
    assert new.title in newer and old.title not in newer
    assert old.title in older and new.title not in older


def test_print_view_has_the_article_without_site_chrome(client, article):
    response = client.get(article.url + "?print=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert article.title in html and "Tin, ảnh: Lê Thuý" in html
    assert 'name="robots" content="noindex"' in html
    assert "site-nav" not in html


def test_home_has_featured_latest_most_read_and_category_boxes(client, home, category):
    make_article(category, title="Tin nổi bật số một", featured=True)
    make_article(category, title="Tin thường")
    html = client.get("/").content.decode()
    assert "Tin nổi bật" in html and "Tin nổi bật số một" in html
    assert "Tin thường" in html
    assert f'id="cm-{category.pk}"' in html


@pytest.mark.parametrize("page_param", ["abc", "0", "-1", "99999", "1.5", ""])
def test_bad_page_numbers_never_error(client, category, page_param):
    for i in range(15):
        make_article(category, title=f"Bài số {i}", slug=f"bai-so-{i}")
    response = client.get(category.url, {"page": page_param})
    assert response.status_code == 200
    number = response.context["articles"].number
    assert number in (1, 2)
    if page_param == "99999":
        assert number == 2


def test_category_tree_lists_articles_of_subcategories(client, category):
    sub = CategoryPage(title="Báo cáo viên", slug="bao-cao-vien")
    category.add_child(instance=sub)
    sub.save_revision().publish()
    make_article(sub, title="Tin trong chuyên mục con")
    html = client.get(category.url).content.decode()
    assert "Tin trong chuyên mục con" in html
    assert "Báo cáo viên" in html


def test_tag_and_topic_pages(client, home, category):
    topic = Topic.objects.create(name="Đại hội Đảng các cấp", slug="dai-hoi")
    tagged = make_article(category, title="Bài có từ khóa", topic=topic)
    tagged.tags.add("chuyển đổi số")
    tagged.save_revision().publish()
    make_article(category, title="Bài khác")
    tag_html = client.get("/tag/chuyen-doi-so/").content.decode()
    assert "Bài có từ khóa" in tag_html and "Bài khác" not in tag_html
    topic_html = client.get("/dong-su-kien/dai-hoi/").content.decode()
    assert "Dòng sự kiện: Đại hội Đảng các cấp" in topic_html and "Bài khác" not in topic_html
    assert client.get("/tag/khong-co/").status_code == 404
    assert client.get("/dong-su-kien/khong-co/").status_code == 404


def test_site_and_category_rss(client, home, category):
    make_article(category, title="Tin cho RSS")
    for url in ("/rss/", category.url + "rss/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        channel = ET.fromstring(response.content).find("channel")
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert titles == ["Tin cho RSS"]


def test_sitemap_and_robots(client, article):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert article.full_url.encode() in sitemap.content
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_unknown_url_gives_vietnamese_404(client, home):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_slug_change_redirects_permanently_to_the_new_url(client, article, django_capture_on_commit_callbacks):
    old_url = article.url
    article.slug = "ten-moi"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/tin-hoat-dong/ten-moi/")


def test_category_move_redirects_permanently(client, home, category, article):
    other = CategoryPage(title="Chuyên mục khác", slug="khac")
    home.add_child(instance=other)
    other.save_revision().publish()
    old_url = article.url
    article.move(other, pos="last-child")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/khac/" + article.slug + "/")


def test_id_permalink_redirects_to_the_canonical_url(client, article):
    response = client.get(f"/tin/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"].endswith(article.url)


def test_each_portal_shows_only_its_own_news(client, home, category, unit):
    make_article(category, title="Tin của cổng tỉnh")
    ward_home = HomePage(title="Cổng phường Long Hòa", slug="long-hoa")
    home.get_parent().add_child(instance=ward_home)
    ward_home.save_revision().publish()
    ward_site = Site.objects.create(hostname="long-hoa.localhost", port=80, root_page=ward_home)
    PortalSettings.objects.create(site=ward_site, unit=unit, portal_name="Cổng phường Long Hòa")
    ward_category = CategoryPage(title="Tin phường", slug="tin-phuong")
    ward_home.add_child(instance=ward_category)
    ward_category.save_revision().publish()
    make_article(ward_category, title="Tin của phường")
    ward_html = client.get("/", HTTP_HOST="long-hoa.localhost").content.decode()
    province_html = client.get("/").content.decode()
    assert "Tin của phường" in ward_html and "Tin của cổng tỉnh" not in ward_html
    assert "Tin của cổng tỉnh" in province_html and "Tin của phường" not in province_html
    assert client.get("/tin-hoat-dong/", HTTP_HOST="long-hoa.localhost").status_code == 404


def test_unpublished_article_is_gone_for_readers_but_kept(client, article):
    url = article.url
    assert client.get(url).status_code == 200
    article.unpublish()
    assert client.get(url).status_code == 404
    assert type(article).objects.filter(pk=article.pk).exists()
