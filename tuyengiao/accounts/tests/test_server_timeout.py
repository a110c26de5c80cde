"""The server ends idle sessions itself: these requests come from a browser with JavaScript off."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from tuyengiao.accounts.testing import current_totp_code, totp_device_for

from .idle_helpers import (
    COUNTDOWN_SECONDS,
    EXPIRED_TEXT,
    TIMEOUT_SECONDS,
    is_signed_in,
    last_activity,
    set_idle_for,
)

pytestmark = pytest.mark.django_db


def test_admin_page_after_warning_and_countdown_sends_editor_to_login(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS + 5)

    response = editor_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert not is_signed_in(editor_client)
    login_page = editor_client.get(response["Location"])
    assert EXPIRED_TEXT in login_page.content.decode()


def test_portal_page_after_timeout_is_served_signed_out_with_notice(home, editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS + 5)

    response = editor_client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert EXPIRED_TEXT in html
    assert 'id="idle-banner"' not in html
    assert not is_signed_in(editor_client)


def test_editor_still_inside_the_countdown_stays_signed_in(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS - 5)

    response = editor_client.get("/admin/")

    assert response.status_code == 200
    assert is_signed_in(editor_client)
    assert time.time() - last_activity(editor_client) < 5  # the page view was activity


def test_page_views_keep_the_session_alive_longer_than_the_timeout(editor_client):
    # Four page views, each 100 s after the previous: 400 s in all, never 120 s idle.
    for _ in range(4):
        set_idle_for(editor_client, 100)
        assert editor_client.get("/admin/").status_code == 200
    assert is_signed_in(editor_client)


def test_keepalive_extends_the_session_on_the_server(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS - 2)

    response = editor_client.post(reverse("accounts:keepalive"))

    assert response.status_code == 200
    data = response.json()
    assert data["authenticated"] is True
    assert data["seconds_until_warning"] == pytest.approx(TIMEOUT_SECONDS, abs=2)
    assert time.time() - last_activity(editor_client) < 2
    # 100 s after the keep-alive the editor is still signed in (without it: 198 s idle).
    set_idle_for(editor_client, 100)
    assert editor_client.get("/admin/").status_code == 200


def test_keepalive_needs_the_csrf_token(editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(reverse("accounts:keepalive")).status_code == 403

    page = strict.get("/admin/")
    token = page.cookies["csrftoken"].value
    response = strict.post(reverse("accounts:keepalive"), headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json()["authenticated"] is True


def test_keepalive_after_server_expiry_reports_signed_out(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS + 1)

    response = editor_client.post(reverse("accounts:keepalive"))

    assert response.json() == {"authenticated": False}
    assert not is_signed_in(editor_client)


def test_end_at_zero_logs_out_and_admin_lands_on_login(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + COUNTDOWN_SECONDS)

    response = editor_client.post(reverse("accounts:end"))

    assert response.json() == {"authenticated": False}
    assert not is_signed_in(editor_client)
    reloaded = editor_client.get("/admin/pages/", follow=True)
    assert reloaded.redirect_chain[-1][0].startswith(reverse("wagtailadmin_login"))
    assert EXPIRED_TEXT in reloaded.content.decode()


def test_end_is_refused_when_the_server_saw_recent_activity(editor_client):
    # e.g. the editor is busy in another tab whose storage events never reached this one
    set_idle_for(editor_client, 10)

    response = editor_client.post(reverse("accounts:end"))

    data = response.json()
    assert data["authenticated"] is True
    assert data["seconds_until_warning"] == pytest.approx(TIMEOUT_SECONDS - 10, abs=2)
    assert is_signed_in(editor_client)


def test_end_only_takes_post(editor_client):
    set_idle_for(editor_client, TIMEOUT_SECONDS + 5)

    assert editor_client.get(reverse("accounts:end")).status_code == 405
    assert is_signed_in(editor_client)


def test_fractional_timeout_from_settings(settings, editor_client):
    settings.IDLE_TIMEOUT_MINUTES = 0.05  # 3 s, for the browser test
    settings.IDLE_COUNTDOWN_SECONDS = 2

    set_idle_for(editor_client, 4)
    assert editor_client.get("/admin/").status_code == 200

    set_idle_for(editor_client, 5.5)
    assert editor_client.get("/admin/").status_code == 302
    assert not is_signed_in(editor_client)


def test_signing_in_starts_the_timer(settings, editor):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor.set_password("mật-khẩu-thử")
    editor.save()
    client = Client()

    device = totp_device_for(editor)

    response = client.post(reverse("wagtailadmin_login"), {"username": "bientap", "password": "mật-khẩu-thử"})

    assert response.status_code == 302
    assert time.time() - last_activity(client) < 5
    # Staff pass the second step before the session counts as signed in (tuyengiao/accounts two-factor).
    client.post(reverse("two_factor:verify"), {"code": current_totp_code(device)})
    status = client.get(reverse("accounts:status")).json()
    assert status["seconds_until_warning"] == pytest.approx(TIMEOUT_SECONDS, abs=5)
