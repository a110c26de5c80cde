"""The editorial flow: draft → review → publish, scheduled publishing and expiry."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from tuyengiao.conftest import make_article
from tuyengiao.core.scheduler import run_due_jobs
from tuyengiao.portal.models import ArticlePage


def admin_client(username, group_name):
    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    return admin_client("bientapvien", "Editors")


@pytest.fixture
def moderator(db):
    return admin_client("truongban", "Moderators")


@contextmanager
def clock_moved(by: datetime.timedelta):
    """Pretend `by` has passed (Wagtail's scheduler reads django.utils.timezone.now)."""
    moment = timezone.now() + by
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def form_as_browser_sends_it(html):
    data = querydict_from_html(html, form_id="page-edit-form")
    # Browsers send "on" for a ticked checkbox without a value; the helper sends "".
    for box in BeautifulSoup(html, "html.parser").select("#page-edit-form input[type=checkbox][checked]"):
        if "value" not in box.attrs:
            data[box["name"]] = "on"
    # The StreamField editor is drawn by JavaScript, so its inputs are not in the HTML.
    data.update(nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Nội dung bài viết.</p>"))])}))
    return data


def article_form(client, url, **fields):
    """The admin form as the browser would send it, with the given fields typed in."""
    response = client.get(url)
    assert response.status_code == 200
    data = form_as_browser_sends_it(response.content.decode())
    data["published_at"] = "2025-07-08 09:00"
    for name, value in fields.items():
        data[name] = value
    return data


def add_article(client, category, **fields):
    url = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", category.pk])
    data = article_form(
        client,
        url,
        title="Hội nghị quán triệt Nghị quyết",
        slug="hoi-nghi-quan-triet",
        lead="Sáng nay, Ban Thường vụ Tỉnh ủy tổ chức hội nghị.",
        **fields,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ArticlePage.objects.get(slug="hoi-nghi-quan-triet")


def test_editor_cannot_publish_but_submits_for_moderation_and_a_moderator_approves(category, editor, moderator):
    add_page = editor.get(reverse("wagtailadmin_pages:add", args=["portal", "articlepage", category.pk]))
    assert 'name="action-publish"' not in add_page.content.decode()

    # Even a hand-made "publish" request from an editor only saves a draft.
    draft = add_article(editor, category, **{"action-publish": "action-publish"})
    assert not draft.live
    assert Client().get(f"{category.url}{draft.slug}/").status_code == 404

    edit_url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = editor.post(edit_url, article_form(editor, edit_url, **{"action-submit": "action-submit"}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live
    task_state = draft.current_workflow_task_state
    assert task_state is not None
    assert task_state.task.name == "Moderators approval"

    response = moderator.post(
        reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk]), {"comment": ""}
    )
    assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.live
    assert draft.current_workflow_task_state is None
    assert "Hội nghị quán triệt Nghị quyết" in Client().get(draft.url).content.decode()


def test_scheduled_article_goes_live_only_when_its_time_comes(category, moderator):
    go_live = timezone.localtime() + datetime.timedelta(hours=1)
    article = add_article(
        moderator,
        category,
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "action-publish"},
    )
    assert not article.live
    assert article.go_live_at is not None

    call_command("publish_scheduled", verbosity=0)
    article.refresh_from_db()
    assert not article.live
    assert Client().get(f"{category.url}{article.slug}/").status_code == 404

    with clock_moved(datetime.timedelta(hours=2)):
        call_command("publish_scheduled", verbosity=0)
    article.refresh_from_db()
    assert article.live
    assert Client().get(article.url).status_code == 200


def test_expired_article_is_unpublished_and_kept_never_deleted(category):
    article = make_article(category, expire_at=timezone.now() + datetime.timedelta(hours=1))
    Client().get(article.url)
    assert Client().get(article.url)["X-Article-Cache"] == "hit"

    with clock_moved(datetime.timedelta(hours=2)):
        call_command("publish_scheduled", verbosity=0)

    archived = ArticlePage.objects.get(pk=article.pk)  # still in the database
    assert (archived.live, archived.expired) == (False, True)
    gone = Client().get(article.url)  # not served from the page cache either
    assert gone.status_code == 404
    assert "Không tìm thấy trang" in gone.content.decode()


def test_scheduler_round_publishes_and_expires(category):
    leaving = make_article(category, title="Tin sắp hết hạn", expire_at=timezone.now() + datetime.timedelta(hours=1))
    coming = ArticlePage(
        title="Tin hẹn giờ",
        slug="tin-hen-gio",
        lead="Đăng theo lịch.",
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(hours=1),
    )
    category.add_child(instance=coming)
    coming.save_revision().publish()
    coming.refresh_from_db()
    assert not coming.live

    with clock_moved(datetime.timedelta(hours=2)):
        run_due_jobs()

    coming.refresh_from_db()
    leaving.refresh_from_db()
    assert coming.live
    assert (leaving.live, leaving.expired) == (False, True)


def test_article_edit_page_speaks_vietnamese(article, editor):
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()

    assert '<html lang="vi"' in html
    # Wagtail's own strings come from the project catalog in locale/vi (another task).
    assert "Lưu nháp" in html
    assert "Gửi duyệt" in html or "Gửi để duyệt" in html


def test_saving_an_article_unchanged_keeps_its_dates(article, moderator):
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = moderator.get(edit_url)
    data = form_as_browser_sends_it(response.content.decode())
    assert data["published_at"] == "08/07/2022 04:06"  # what the editor sees

    assert moderator.post(edit_url, data).status_code == 302

    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert draft.published_at == article.published_at
