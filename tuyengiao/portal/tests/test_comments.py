"""Readers' comments through the public endpoint POST /binh-luan/<article_id>/."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tuyengiao.conftest import make_article
from tuyengiao.portal import services
from tuyengiao.portal.models import Comment, CommentModeration, CommentStatus, PortalSettings

READER = {"name": "Nguyễn Văn An", "email": "an.nguyen@example.vn", "body": "Bài viết rất bổ ích, cảm ơn tòa soạn."}


def post_comment(client, article, **data):
    return client.post(f"/binh-luan/{article.pk}/", {**READER, **data})


def set_mode(mode):
    PortalSettings.objects.update(comment_moderation=mode)


def comment_count_on_page(html: str) -> int:
    match = re.search(r"<span data-comment-count>([\d.]+)</span>", html)
    assert match, "the meta line has no comment count"
    return int(match.group(1).replace(".", ""))


def read_article(article):
    """One anonymous reader's visit (fresh client: no cookies, so the page cache applies)."""
    response = Client().get(article.url)
    assert response.status_code == 200
    return response


@pytest.fixture
def reader():
    return Client()


def test_pending_comment_is_hidden_until_approved_even_from_the_page_cache(
    article, reader, django_capture_on_commit_callbacks
):
    read_article(article)
    cached = read_article(article)
    assert cached["X-Article-Cache"] == "hit"
    assert comment_count_on_page(cached.content.decode()) == 0

    response = post_comment(reader, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    follow = reader.get(response["Location"])
    assert "sẽ hiển thị sau khi được duyệt" in follow.content.decode()

    html = read_article(article).content.decode()
    assert READER["body"] not in html
    assert comment_count_on_page(html) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, status=CommentStatus.APPROVED)

    response = read_article(article)
    assert "X-Article-Cache" not in response  # the approval dropped the cached HTML
    html = response.content.decode()
    assert READER["body"] in html
    assert READER["name"] in html
    assert comment_count_on_page(html) == 1


def test_mode_none_publishes_every_comment_at_once(article, reader, django_capture_on_commit_callbacks):
    set_mode(CommentModeration.NONE)
    read_article(article)
    assert read_article(article)["X-Article-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(reader, article)
    assert "bình luận đã được đăng" in reader.get(response["Location"]).content.decode()

    html = read_article(article).content.decode()
    assert READER["body"] in html
    assert comment_count_on_page(html) == 1


@pytest.mark.parametrize(
    ("mode", "guest_status", "member_status"),
    [
        (CommentModeration.ALL, CommentStatus.PENDING, CommentStatus.PENDING),
        (CommentModeration.GUESTS, CommentStatus.PENDING, CommentStatus.APPROVED),
        (CommentModeration.NONE, CommentStatus.APPROVED, CommentStatus.APPROVED),
    ],
)
def test_moderation_modes(article, mode, guest_status, member_status):
    set_mode(mode)
    post_comment(Client(), article, name="Khách vãng lai")
    member = Client()
    member.force_login(get_user_model().objects.create_user("thanhvien"))
    post_comment(member, article, name="Thành viên", body="Bình luận của người đã đăng nhập.")

    assert Comment.objects.get(name="Khách vãng lai").status == guest_status
    assert Comment.objects.get(name="Thành viên").status == member_status


def test_signed_in_post_without_csrf_token_counts_as_a_guest(article):
    """A forged cross-site post from a signed-in browser must not skip moderation."""
    set_mode(CommentModeration.GUESTS)
    user = get_user_model().objects.create_user("bientap")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    post_comment(browser, article, name="Giả mạo")
    forged = Comment.objects.get(name="Giả mạo")
    assert forged.status == CommentStatus.PENDING
    assert forged.user is None

    browser.get(article.url)  # the page a signed-in user sees carries their token
    post_comment(browser, article, name="Thật", csrfmiddlewaretoken=browser.cookies[settings.CSRF_COOKIE_NAME].value)
    genuine = Comment.objects.get(name="Thật")
    assert genuine.status == CommentStatus.APPROVED
    assert genuine.user == user


def test_reply_to_an_approved_comment_is_shown_under_it(article, reader, django_capture_on_commit_callbacks):
    set_mode(CommentModeration.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(reader, article)
        parent = Comment.objects.get()
        post_comment(
            Client(REMOTE_ADDR="10.0.0.2"), article, name="Trần Thị Bình", body="Tôi đồng ý.", parent=parent.pk
        )
        reply = Comment.objects.get(name="Trần Thị Bình")
        # An answer to a reply joins the same thread: the page shows one level.
        post_comment(Client(REMOTE_ADDR="10.0.0.3"), article, name="Lê Cúc", body="Tôi cũng vậy.", parent=reply.pk)

    assert reply.parent == parent
    assert Comment.objects.get(name="Lê Cúc").parent == parent
    html = read_article(article).content.decode()
    thread = html[html.index(f'id="bl-{parent.pk}"') :]
    assert "Tôi đồng ý." in thread and "Tôi cũng vậy." in thread
    assert comment_count_on_page(html) == 3


def test_refused_reply_stays_a_reply_when_sent_again(article, reader):
    parent = Comment.objects.create(page=article, name="Bạn đọc", body="Câu hỏi", status=CommentStatus.APPROVED)

    response = post_comment(reader, article, body="", parent=parent.pk)

    assert response.status_code == 400
    html = response.content.decode()
    main_form = html[html.index("<h3>Gửi bình luận</h3>") : html.index('id="cf-name-moi"')]
    assert "Trả lời bình luận của <strong>Bạn đọc</strong>" in main_form
    assert f'<input type="hidden" name="parent" value="{parent.pk}">' in main_form


@pytest.mark.parametrize("parent_kind", ["pending", "other_article", "missing"])
def test_reply_to_a_comment_that_cannot_be_answered_is_refused(article, category, reader, parent_kind):
    other = make_article(category, title="Bài khác", slug="bai-khac")
    parents = {
        "pending": lambda: Comment.objects.create(page=article, name="Chờ", body="Chưa duyệt").pk,
        "other_article": lambda: (
            Comment.objects.create(page=other, name="Khác", body="Bài khác", status=CommentStatus.APPROVED).pk
        ),
        "missing": lambda: 999_999,
    }
    parent_id = parents[parent_kind]()
    before = Comment.objects.count()

    response = post_comment(reader, article, body="Trả lời của tôi vẫn còn đây.", parent=parent_id)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Bình luận bạn muốn trả lời không tồn tại hoặc chưa được duyệt" in html
    assert "Trả lời của tôi vẫn còn đây." in html  # the reader's text is not lost
    assert Comment.objects.count() == before


def test_markup_in_name_and_body_is_shown_as_text(article, reader, django_capture_on_commit_callbacks):
    set_mode(CommentModeration.NONE)
    attack = "<script>alert(1)</script>"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(reader, article, name=attack, body=f"Xem này {attack} nhé")

    html = read_article(article).content.decode()
    assert attack not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    # The same on the re-displayed form after a refused post.
    refused = post_comment(Client(REMOTE_ADDR="10.0.0.9"), article, name=attack, body=attack, email="sai")
    assert refused.status_code == 400
    assert attack not in refused.content.decode()


def test_honeypot_stores_nothing_and_answers_like_a_normal_post(article, reader):
    response = post_comment(reader, article, website="http://spam.example")

    assert response.status_code == 302
    assert response["Location"].startswith(article.url)
    assert "sẽ hiển thị sau khi được duyệt" in reader.get(response["Location"]).content.decode()
    assert not Comment.objects.exists()


def test_rate_limit_refuses_politely_with_the_wait_time(article, reader):
    limit = settings.COMMENT_RATE_LIMIT
    for n in range(limit):
        assert post_comment(reader, article, body=f"Bình luận số {n + 1}").status_code == 302

    response = post_comment(reader, article, body="Một bình luận nữa")

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= settings.COMMENT_RATE_WINDOW_SECONDS
    html = response.content.decode()
    assert f"Vui lòng thử lại sau {wait} giây nữa" in html
    assert "Một bình luận nữa" in html  # kept in the form
    assert Comment.objects.count() == limit
    # The limit is per client: another reader may still post.
    assert post_comment(Client(REMOTE_ADDR="10.1.2.3"), article).status_code == 302


@pytest.mark.parametrize(
    ("changes", "error", "kept"),
    [
        ({"name": ""}, "Vui lòng nhập họ và tên.", READER["body"]),
        ({"body": "   "}, "Vui lòng nhập nội dung bình luận.", READER["name"]),
        ({"body": "ư" * 3001}, "Nội dung bình luận dài quá 3000 ký tự (hiện có 3001 ký tự).", "ư" * 3001),
        ({"email": "an.nguyen@"}, "Địa chỉ thư điện tử không hợp lệ", "an.nguyen@"),
    ],
)
def test_invalid_comment_is_refused_in_vietnamese_and_keeps_the_text(article, reader, changes, error, kept):
    response = post_comment(reader, article, **changes)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert kept in html
    assert 'aria-invalid="true"' in html
    assert not Comment.objects.exists()


def test_reader_cannot_sign_as_the_editorial_board(article, reader):
    response = post_comment(reader, article, name="ban biên tập")

    assert response.status_code == 400
    assert "chỉ dành cho trả lời của ban biên tập" in response.content.decode()
    assert not Comment.objects.exists()


def test_email_address_never_appears_on_public_pages(article, reader, django_capture_on_commit_callbacks):
    set_mode(CommentModeration.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(reader, article)
    assert Comment.objects.get().email == READER["email"]

    for response in (read_article(article), read_article(article)):  # rendered, then from the page cache
        html = response.content.decode()
        assert READER["body"] in html
        assert READER["email"] not in html
    assert READER["email"] not in Client().get(f"{article.url}?print=1").content.decode()


def test_closed_portal_takes_no_comments(article, reader):
    PortalSettings.objects.update(comments_enabled=False)

    response = post_comment(reader, article)

    assert response.status_code == 403
    assert "không nhận bình luận" in response.content.decode()
    assert not Comment.objects.exists()


def test_replies_under_a_rejected_comment_are_neither_shown_nor_counted(article, reader):
    parent = Comment.objects.create(page=article, name="Bạn đọc A", body="Câu hỏi", status=CommentStatus.APPROVED)
    Comment.objects.create(
        page=article, parent=parent, name="Ban biên tập", body="Trả lời", status=CommentStatus.APPROVED
    )
    assert comment_count_on_page(reader.get(article.url).content.decode()) == 2
    services.comment_moderate(comment=parent, status=CommentStatus.REJECTED)
    html = Client().get(article.url + "?lai=1").content.decode()
    assert comment_count_on_page(html) == 0
    assert "Trả lời" not in html
