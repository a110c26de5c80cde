"""The comment moderation queue in the Wagtail admin ("Bình luận")."""

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import Comment, CommentStatus

INDEX_URL = "/admin/snippets/portal/comment/"


def grant_comment_moderation(group_name="Moderators"):
    """What the deployment gives the Moderators group (see the report: demo data / data migration)."""
    group = Group.objects.get(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=["change_comment", "delete_comment"])
    )
    return group


def admin_client(username, group_name):
    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def moderator(db):
    grant_comment_moderation()
    return admin_client("kiemduyet", "Moderators")


@pytest.fixture
def editor(db):
    return admin_client("bientapvien", "Editors")


def comment(article, name, *, status=CommentStatus.PENDING, minutes_ago=0, **fields):
    return Comment.objects.create(
        page=article,
        name=name,
        body=fields.pop("body", f"Ý kiến của {name}"),
        status=status,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        **fields,
    )


def sidebar_labels(response) -> str:
    """The admin sidebar is drawn by JavaScript from a JSON blob; return that blob as text."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.dumps(json.loads(match.group(1)), ensure_ascii=False)


def bulk_url(action, comments):
    ids = "&".join(f"id={c.pk}" for c in comments)
    return f"/admin/bulk/portal/comment/{action}/?{ids}&next={INDEX_URL}"


def test_queue_lists_pending_first_with_vietnamese_columns(article, moderator):
    old_approved = comment(article, "Đã duyệt trước", status=CommentStatus.APPROVED, minutes_ago=5)
    older_pending = comment(article, "Chờ lâu", minutes_ago=120, email="cho.lau@example.vn")
    newer_pending = comment(article, "Chờ mới", minutes_ago=1)

    response = moderator.get(INDEX_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Họ tên", "Nội dung", "Bài viết", "Thời điểm gửi", "Trạng thái", "Thư điện tử"):
        assert heading in html
    positions = [html.index(f"Ý kiến của {c.name}") for c in (newer_pending, older_pending, old_approved)]
    assert positions == sorted(positions)  # pending first, newest first within a status
    assert timezone.localtime(older_pending.created_at).strftime("%d/%m/%Y %H:%M") in html
    assert "cho.lau@example.vn" in html  # moderators see e-mail addresses
    assert article.title in html
    assert "Chờ duyệt" in html and "Đã duyệt" in html


def test_menu_item_shows_the_number_of_pending_comments(article, moderator):
    comment(article, "Một")
    comment(article, "Hai")
    comment(article, "Ba", status=CommentStatus.APPROVED)

    assert "Bình luận (2)" in sidebar_labels(moderator.get("/admin/"))


def test_filters_by_status_site_and_article(article, category, moderator):
    other = make_article(category, title="Bài thứ hai", slug="bai-thu-hai")
    comment(article, "Chờ ở bài một")
    comment(article, "Duyệt ở bài một", status=CommentStatus.APPROVED)
    comment(other, "Chờ ở bài hai")

    def names(query):
        html = moderator.get(f"{INDEX_URL}?{query}").content.decode()
        return {c.name for c in Comment.objects.all() if f"Ý kiến của {c.name}" in html}

    assert names("status=pending") == {"Chờ ở bài một", "Chờ ở bài hai"}
    assert names(f"article={other.pk}") == {"Chờ ở bài hai"}
    assert names(f"site={article.get_site().pk}&status=approved") == {"Duyệt ở bài một"}


def test_row_approval_refreshes_the_cached_article(article, moderator, django_capture_on_commit_callbacks):
    waiting = comment(article, "Người đọc", body="Mong có thêm bài như thế này.")
    Client().get(article.url)
    assert Client().get(article.url)["X-Article-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(
            reverse("wagtailsnippets_portal_comment:moderate", args=[waiting.pk]),
            {"status": "approved", "next": f"{INDEX_URL}?status=pending"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"{INDEX_URL}?status=pending"
    waiting.refresh_from_db()
    assert waiting.status == CommentStatus.APPROVED
    assert waiting.moderated_at is not None
    page = Client().get(article.url)
    assert "X-Article-Cache" not in page
    html = page.content.decode()
    assert "Mong có thêm bài như thế này." in html
    assert re.search(r"<span data-comment-count>1</span>", html)
    assert "Đã duyệt bình luận của “Người đọc”." in moderator.get(INDEX_URL).content.decode()


@pytest.mark.parametrize(
    ("action", "label", "status"),
    [
        ("approve", "Duyệt", CommentStatus.APPROVED),
        ("reject", "Từ chối", CommentStatus.REJECTED),
        ("spam", "Đánh dấu thư rác", CommentStatus.SPAM),
    ],
)
def test_bulk_moderation_asks_then_applies_to_every_selected_comment(article, moderator, action, label, status):
    chosen = [comment(article, "Thứ nhất"), comment(article, "Thứ hai")]
    untouched = comment(article, "Không chọn")

    listing = moderator.get(INDEX_URL).content.decode()
    assert f'href="/admin/bulk/portal/comment/{action}/"' in listing
    confirm = moderator.get(bulk_url(action, chosen))
    assert confirm.status_code == 200
    assert "Thứ nhất" in confirm.content.decode() and label in confirm.content.decode()
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in chosen])} == {CommentStatus.PENDING}

    response = moderator.post(bulk_url(action, chosen))

    assert response.status_code == 302
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in chosen])} == {status}
    untouched.refresh_from_db()
    assert untouched.status == CommentStatus.PENDING


def test_bulk_delete_removes_comments_from_the_cached_article(article, moderator, django_capture_on_commit_callbacks):
    shown = comment(article, "Sẽ bị xóa", status=CommentStatus.APPROVED, body="Nội dung sẽ bị xóa.")
    Client().get(article.url)
    assert "Nội dung sẽ bị xóa." in Client().get(article.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(bulk_url("delete", [shown]))

    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert "Nội dung sẽ bị xóa." not in Client().get(article.url).content.decode()


def test_users_without_the_comment_permission_cannot_moderate(article, editor):
    waiting = comment(article, "Người đọc")

    assert editor.get(INDEX_URL).status_code in (302, 403)
    editor.post(reverse("wagtailsnippets_portal_comment:moderate", args=[waiting.pk]), {"status": "approved"})
    editor.post(bulk_url("approve", [waiting]))

    waiting.refresh_from_db()
    assert waiting.status == CommentStatus.PENDING
    assert "Bình luận" not in sidebar_labels(editor.get("/admin/"))


def test_nobody_adds_comments_in_the_admin(moderator, article):
    superuser = Client()
    superuser.force_login(get_user_model().objects.create_superuser("quantri"))

    add_url = reverse("wagtailsnippets_portal_comment:add")
    assert superuser.get(add_url).status_code in (302, 403)
    assert superuser.post(add_url, {"name": "Quản trị", "body": "Thử"}).status_code in (302, 403)
    assert not Comment.objects.exists()
    assert f'href="{add_url}"' not in superuser.get(INDEX_URL).content.decode()


def test_moderator_replies_as_the_editorial_board(article, moderator, django_capture_on_commit_callbacks):
    question = comment(article, "Bạn đọc", status=CommentStatus.APPROVED, body="Khi nào có lịch học tiếp?")
    url = reverse("wagtailsnippets_portal_comment:reply", args=[question.pk])
    assert "Khi nào có lịch học tiếp?" in moderator.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(url, {"body": "Lịch học sẽ được thông báo trên cổng."})

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert (reply.name, reply.status) == ("Ban biên tập", CommentStatus.APPROVED)
    html = Client().get(article.url).content.decode()
    assert "Lịch học sẽ được thông báo trên cổng." in html
    assert "comment--editorial" in html


def test_moderation_is_recorded_in_the_comment_history(article, moderator):
    waiting = comment(article, "Người đọc")
    moderator.post(reverse("wagtailsnippets_portal_comment:moderate", args=[waiting.pk]), {"status": "spam"})

    history = moderator.get(reverse("wagtailsnippets_portal_comment:history", args=[waiting.pk]))

    assert "Đã đánh dấu là thư rác" in history.content.decode()


def test_queue_query_count_does_not_grow_with_the_rows(article, category, moderator, django_assert_num_queries):
    articles = [article] + [make_article(category, title=f"Bài {i}", slug=f"bai-so-{i}") for i in range(3)]
    for i in range(4):
        comment(articles[i], f"Người {i}")
    moderator.get(INDEX_URL)  # warm the per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as few:
        moderator.get(INDEX_URL)
    for i in range(30):
        comment(articles[i % 4], f"Thêm {i}", status=CommentStatus.APPROVED)
    with django_assert_num_queries(len(few)):
        moderator.get(INDEX_URL)


def test_row_buttons_carry_a_csrf_token_a_browser_can_post(article, db):
    """The test client skips CSRF unless asked; a browser does not (every button once got a 403)."""
    grant_comment_moderation()
    user = get_user_model().objects.create_user("kiemduyet")
    user.groups.add(Group.objects.get(name="Moderators"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    waiting = comment(article, "Người đọc")

    html = browser.get(f"{INDEX_URL}?status=pending").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2))
    assert token, "the row's form has no CSRF token"
    response = browser.post(form.group(1), {"csrfmiddlewaretoken": token.group(1), "status": "approved"})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == CommentStatus.APPROVED
