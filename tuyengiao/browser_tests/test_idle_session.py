"""An editor left idle in the Wagtail admin is warned, can stay signed in, or is signed out at zero."""

import re
import secrets
import time

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tuyengiao.accounts.services import EXPIRED_MESSAGE
from tuyengiao.accounts.testing import current_totp_code, totp_device_for

pytestmark = pytest.mark.browser

TIMEOUT_SECONDS = 3
COUNTDOWN_SECONDS = 5
BANNER_TEXT = re.compile(
    r"^Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập\. Thời gian chờ: (\d+) giây$"
)
LOGIN_URL = re.compile(r"/admin/login/")


@pytest.fixture
def short_idle(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-in, test only
    settings.IDLE_TIMEOUT_MINUTES = TIMEOUT_SECONDS / 60
    settings.IDLE_COUNTDOWN_SECONDS = COUNTDOWN_SECONDS


@pytest.fixture
def signed_in_editor(live_db, short_idle, django_user_model, page):
    """An editor signed in through the Wagtail login form; returns the session key the server gave."""
    password = secrets.token_urlsafe(16)
    editor = django_user_model.objects.create_superuser(
        username="bientap", email="bientap@example.org", password=password
    )
    device = totp_device_for(editor)  # enrolled earlier: the second step asks for a code
    page.goto("/admin/login/")
    page.locator("#id_username").fill("bientap")
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()
    page.locator("#id_code").fill(current_totp_code(device))
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    return cookies[django_settings.SESSION_COOKIE_NAME]


def banner_seconds(page) -> int:
    """The banner reads exactly as specified, and its number is the countdown element's."""
    text = " ".join(page.locator("#idle-banner").inner_text().split())
    match = BANNER_TEXT.match(text)
    assert match, f"unexpected banner text: {text!r}"
    assert match.group(1) == page.locator("#idle-countdown").inner_text()
    return int(match.group(1))


def admin_status_with_session(playwright, base_url: str, session_key: str):
    """GET /admin/ presenting a given session cookie, as a fresh client, without following redirects."""
    request = playwright.request.new_context(
        base_url=base_url, extra_http_headers={"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session_key}"}
    )
    try:
        response = request.get("/admin/", max_redirects=0)
        return response.status, response.headers.get("location", "")
    finally:
        request.dispose()


def test_editor_stays_signed_in_by_clicking_the_banner(page, live_db, signed_in_editor, playwright, screenshot):
    banner = page.locator("#idle-banner")
    expect(banner).to_be_visible(timeout=(TIMEOUT_SECONDS + 3) * 1000)
    shown_at = time.monotonic()
    first = banner_seconds(page)
    assert 0 < first <= COUNTDOWN_SECONDS
    page.wait_for_function(
        "n => Number(document.getElementById('idle-countdown').textContent) < n", arg=first, timeout=3000
    )
    assert banner_seconds(page) < first
    screenshot(page, "idle-banner")

    page.locator("#idle-keepalive").click()
    expect(banner).to_be_hidden()
    screenshot(page)

    # Wait past the moment the session would have ended without the click: the
    # click must have reached the server, not just hidden the banner.
    time.sleep(max(0.0, shown_at + first + 1 - time.monotonic()))
    assert not LOGIN_URL.search(page.url)
    status, location = admin_status_with_session(playwright, live_db.url, signed_in_editor)
    assert (status, location) == (200, "")


def test_editor_is_signed_out_when_the_countdown_ends(page, live_db, signed_in_editor, playwright, screenshot):
    banner = page.locator("#idle-banner")
    expect(banner).to_be_visible(timeout=(TIMEOUT_SECONDS + 3) * 1000)
    assert banner_seconds(page) <= COUNTDOWN_SECONDS
    screenshot(page, "idle-banner-countdown")

    page.wait_for_url(LOGIN_URL, timeout=(COUNTDOWN_SECONDS + 5) * 1000)
    expect(page.get_by_text(EXPIRED_MESSAGE)).to_be_visible()
    screenshot(page)

    # The session ended on the server: its old cookie no longer opens the admin.
    status, location = admin_status_with_session(playwright, live_db.url, signed_in_editor)
    assert status == 302 and LOGIN_URL.search(location), (status, location)
    response = page.context.request.get("/admin/", max_redirects=0)
    assert response.status == 302 and LOGIN_URL.search(response.headers["location"])
