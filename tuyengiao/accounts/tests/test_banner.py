"""The warning banner: only for signed-in users, on portal pages and in the Wagtail admin."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from tuyengiao.accounts.context_processors import idle_session
from tuyengiao.accounts.middleware import IdleSessionMiddleware

from .idle_helpers import BANNER_TEXT, TIMEOUT_SECONDS, set_idle_for

pytestmark = pytest.mark.django_db


def banner_of(html: str):
    return BeautifulSoup(html, "html.parser").find(id="idle-banner")


def text_of(element) -> str:
    return " ".join(element.get_text().split())


def test_signed_in_portal_page_has_the_hidden_banner_with_the_exact_text(home, editor_client):
    response = editor_client.get("/")

    banner = banner_of(response.content.decode())
    assert banner is not None
    assert text_of(banner) == BANNER_TEXT
    assert banner.has_attr("hidden")  # shown by idle.js when the time comes
    assert banner["role"] == "alertdialog"
    assert banner.find(id=banner["aria-labelledby"]) is not None
    assert banner.find(id="idle-countdown").get_text() == "60"
    link = banner.find(id="idle-keepalive")
    assert link.name == "button" and link["type"] == "button"  # focusable, works with Enter and Space
    assert link.get_text() == "Bấm vào đây"
    assert banner["data-keepalive-url"] == reverse("accounts:keepalive")
    assert banner["data-end-url"] == reverse("accounts:end")
    assert banner["data-csrf-token"]
    assert 'src="/static/accounts/idle.js"' in response.content.decode()


def test_banner_carries_the_servers_deadline(home, editor_client):
    set_idle_for(editor_client, 5)
    banner = banner_of(editor_client.get("/").content.decode())

    # the page view itself is activity: the full timeout is left
    assert float(banner["data-seconds-until-warning"]) == pytest.approx(TIMEOUT_SECONDS, abs=2)
    assert float(banner["data-timeout-seconds"]) == TIMEOUT_SECONDS
    assert int(banner["data-countdown-seconds"]) == 60


def test_fractional_timeout_renders_with_a_dot_in_vietnamese(settings, home, editor_client):
    settings.IDLE_TIMEOUT_MINUTES = 0.05

    banner = banner_of(editor_client.get("/").content.decode())

    assert banner["data-timeout-seconds"] == "3.0"
    assert float(banner["data-ping-seconds"]) == 0.75


def test_anonymous_reader_gets_no_banner_no_script_and_no_session(home, client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert banner_of(html) is None
    assert "accounts/idle.js" not in html
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_anonymous_calls_to_the_endpoints_create_no_session(client):
    for method, name in (("get", "accounts:status"), ("post", "accounts:keepalive"), ("post", "accounts:end")):
        response = getattr(client, method)(reverse(name))
        assert response.json() == {"authenticated": False}
        assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_middleware_and_context_processor_never_touch_the_session_without_a_cookie(rf: RequestFactory):
    # No `session` and no `user` on the request: any access would raise AttributeError.
    request = rf.get("/tin-hoat-dong/bai-1/")
    seen = []

    response = IdleSessionMiddleware(lambda r: seen.append(r) or "response")(request)

    assert response == "response" and seen == [request]
    assert idle_session(request) == {}


def test_no_banner_inside_a_wagtail_preview(rf, editor):
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    request.user = editor
    request.session = {}
    assert "idle_session" in idle_session(request)

    request.is_preview = True
    assert idle_session(request) == {}


def test_every_admin_page_loads_the_script(editor_client):
    for url in ("/admin/", reverse("wagtailadmin_explore_root"), reverse("wagtailadmin_account")):
        html = editor_client.get(url).content.decode()
        assert 'src="/static/accounts/idle.js"' in html, url
        assert f'data-status-url="{reverse("accounts:status")}"' in html, url


def test_admin_status_gives_the_banner_to_a_signed_in_editor(editor_client):
    data = editor_client.get(reverse("accounts:status")).json()

    assert data["authenticated"] is True
    banner = banner_of(data["html"])
    assert text_of(banner) == BANNER_TEXT
    assert banner.find(id="idle-countdown") is not None
    assert banner.find(id="idle-keepalive") is not None


def test_admin_login_page_gives_no_banner_to_an_anonymous_visitor():
    client = Client()
    login = client.get(reverse("wagtailadmin_login"))
    assert login.status_code == 200
    assert banner_of(login.content.decode()) is None

    data = client.get(reverse("accounts:status")).json()
    assert data == {"authenticated": False}
