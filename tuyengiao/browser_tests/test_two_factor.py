"""An editor's first sign-in in a real browser: enrol an authenticator app, keep the recovery codes, edit a page.

Also checks that the Content-Security-Policy leaves the Wagtail admin editor working: no
CSP violation and no script error while the article editor loads and saves a draft.
"""

import base64
import re
import secrets

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-in, test only


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


def test_first_sign_in_enrols_then_the_editor_works_under_the_csp(
    page, live_db, portal, news_article, fast_hasher, django_user_model, page_log, axe, screenshot
):
    password = secrets.token_urlsafe(16)
    django_user_model.objects.create_superuser(username="bientap", email="bientap@example.org", password=password)
    violations = csp_violations(page)

    page.goto("/admin/login/")
    page.locator("#id_username").fill("bientap")
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/admin/xac-thuc-hai-buoc/dang-ky/"))
    expect(page.get_by_role("heading", name="Đăng ký xác thực hai bước")).to_be_visible()
    expect(page.locator(".two-factor__qr svg")).to_be_visible()
    axe(page)
    screenshot(page, "two-factor-enrol")
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(code_from_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Bật xác thực hai bước").click()

    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    axe(page)
    screenshot(page, "two-factor-recovery-codes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về tệp mã khôi phục").click()
    assert codes.first.inner_text() in download.value.path().read_text(encoding="utf-8")
    with page.expect_navigation():
        page.get_by_role("button", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The article editor loads and saves a draft with the admin's CSP in force.
    page.goto(f"/admin/pages/{news_article.pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_have_value(news_article.title)
    title.fill(news_article.title + " (sửa)")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text(f"Đã cập nhật trang '{news_article.title} (sửa)'.")).to_be_visible()
    page.goto(news_article.url)
    expect(page.locator("h1")).to_contain_text(news_article.title)

    assert violations == [], "\n".join(violations)
    assert page_log.page_errors == []
