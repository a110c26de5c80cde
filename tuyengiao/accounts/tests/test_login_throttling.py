"""Wrong passwords: after a few, one account from one address waits a cool-off — never a permanent lock."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tuyengiao.accounts import services

PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture(autouse=True)
def _throttle_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(username="bientap", email="bt@example.org", password=PASSWORD)


def attempt(client, password, username="bientap"):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password})


def test_lockout_after_the_limit_with_a_vietnamese_page(editor):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(2):
        response = attempt(client, "sai-mat-khau")
        assert response.status_code == 200  # the login form again, with its error

    response = attempt(client, "sai-mat-khau")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert "tạm khóa trong 15 phút" in html
    assert response["Retry-After"] == "900"
    # Even the right password is refused during the cool-off.
    assert attempt(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_is_per_account_and_address(editor):
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        attempt(attacker, "sai-mat-khau")

    colleague = Client(REMOTE_ADDR="198.51.100.7")
    response = attempt(colleague, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


def test_cool_off_ends_and_the_right_password_works_again(editor):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a successful sign-in clears the failures


def test_failed_sign_ins_and_the_lock_are_in_the_audit_log(editor):
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Công cụ dò mật khẩu")
    for _ in range(3):
        attempt(client, "sai-mat-khau")
    attempt(client, "x", username="khong-ton-tai")

    failures = ModelLogEntry.objects.filter(action=services.LOGIN_FAILED, object_id=str(editor.pk))
    assert failures.count() == 3
    assert all(entry.data["origin"] == {"ip": "203.0.113.5", "user_agent": "Công cụ dò mật khẩu"} for entry in failures)
    assert ModelLogEntry.objects.filter(action=services.LOCKED_OUT, object_id=str(editor.pk)).exists()
    unknown = ModelLogEntry.objects.get(action=services.LOGIN_FAILED, object_id=services.UNKNOWN_ACCOUNT_ID)
    assert unknown.label == "khong-ton-tai"


def test_sign_in_and_sign_out_are_logged_with_the_address(editor):
    client = Client(REMOTE_ADDR="198.51.100.7")
    attempt(client, PASSWORD)
    client.post(reverse("wagtailadmin_logout"))

    login = ModelLogEntry.objects.get(action=services.LOGIN)
    logout = ModelLogEntry.objects.get(action=services.LOGOUT)
    assert login.user == editor and login.data["origin"]["ip"] == "198.51.100.7"
    assert logout.user == editor
    assert str(login.message) == "Đăng nhập bằng mật khẩu"


def test_forwarded_address_from_nginx_is_the_one_throttled(editor):
    # Behind nginx every request comes from 127.0.0.1; X-Real-IP carries the reader's address.
    for _ in range(3):
        attempt(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5"), "sai-mat-khau")

    response = attempt(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7"), PASSWORD)

    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
