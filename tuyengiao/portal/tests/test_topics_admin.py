"""Event topics (dòng sự kiện) in the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import Topic


@pytest.fixture
def superuser(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("quantri"))
    return client


def test_topics_are_listed_with_their_article_count_and_can_be_created(superuser, category):
    topic = Topic.objects.create(name="Đại hội Đảng bộ tỉnh", slug="dai-hoi-dang-bo-tinh")
    make_article(category, topic=topic)
    make_article(category, title="Bài thứ hai", slug="bai-thu-hai", topic=topic)

    html = superuser.get("/admin/snippets/portal/topic/").content.decode()
    assert "Dòng sự kiện" in html
    row = html[html.index("Đại hội Đảng bộ tỉnh") :]
    assert "dai-hoi-dang-bo-tinh" in row and ">2<" in row.replace(" ", "").replace("\n", "")

    response = superuser.post(
        reverse("wagtailsnippets_portal_topic:add"),
        {"name": "Chuyển đổi số", "slug": "chuyen-doi-so", "description": "Các bài về chuyển đổi số."},
    )
    assert response.status_code == 302
    assert Topic.objects.filter(slug="chuyen-doi-so").exists()


def test_article_editor_picks_the_topic_with_a_chooser(superuser, article):
    html = superuser.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()

    assert "/admin/snippets/choose/portal/topic/" in html
