"""A reader comments on an article through the form on the article page."""

import pytest
from playwright.sync_api import expect

from tuyengiao.portal.models import CommentModeration, PortalSettings

pytestmark = pytest.mark.browser


@pytest.fixture
def no_moderation(portal):
    PortalSettings.objects.filter(site__root_page=portal).update(comment_moderation=CommentModeration.NONE)


def post_comment(page, *, name: str, body: str) -> None:
    form = page.locator("form.comment-form").last
    form.get_by_label("Họ và tên").fill(name)
    form.get_by_label("Nội dung").fill(body)
    with page.expect_navigation():
        form.get_by_role("button", name="Gửi bình luận").click()


def test_reader_comment_appears_at_once_without_moderation(
    page, page_log, news_article, no_moderation, axe, screenshot
):
    page.goto(news_article.url)
    expect(page.locator("[data-comment-count]")).to_have_text("2")

    post_comment(page, name="Phạm Thị Hoa", body="Cảm ơn Ban biên tập đã đưa tin kịp thời.")

    expect(page.get_by_role("status")).to_have_text("Cảm ơn bạn, bình luận đã được đăng.")
    comment = page.locator(".comment").filter(has_text="Phạm Thị Hoa")
    expect(comment.locator(".comment__body")).to_have_text("Cảm ơn Ban biên tập đã đưa tin kịp thời.")
    expect(page.locator("[data-comment-count]")).to_have_text("3")
    expect(page.get_by_role("heading", name="Bình luận (3)")).to_be_visible()
    screenshot(page)
    axe(page)
    assert page_log.failed_responses == []


def test_comment_with_a_script_is_shown_as_text(page, page_log, news_article, no_moderation, screenshot):
    body = '<script>alert("xss")</script><img src=x onerror=alert(2)> Bình luận thử'
    page.goto(news_article.url)

    post_comment(page, name="<b>Khách</b>", body=body)

    expect(page.get_by_role("status")).to_have_text("Cảm ơn bạn, bình luận đã được đăng.")
    comment = page.locator(".comment").filter(has_text="Bình luận thử")
    expect(comment.locator(".comment__body")).to_have_text(body)
    expect(comment.locator(".comment__meta strong")).to_have_text("<b>Khách</b>")
    assert comment.locator("script, img, b").count() == 0
    screenshot(page)
    assert page_log.dialogs == [], f"the comment ran a script: {page_log.dialogs}"
    assert page_log.page_errors == []
