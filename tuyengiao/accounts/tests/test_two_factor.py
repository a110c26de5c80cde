"""Staff confirm a code from an authenticator app after the password; the first time they enrol one."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from tuyengiao.accounts import services
from tuyengiao.accounts.selectors import requires_two_factor
from tuyengiao.accounts.testing import current_totp_code, totp_device_for
from tuyengiao.units.models import Role, RoleAssignment

PASSWORD = "Mật-khẩu-thử-2026"
STAFF_IP = "198.51.100.23"
ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(username="quantri", email="qt@example.org", password=PASSWORD)


def sign_in(client, username="quantri", password=PASSWORD):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password, "next": ADMIN})


@pytest.fixture
def client():
    return Client(REMOTE_ADDR=STAFF_IP, HTTP_USER_AGENT="Trình duyệt thử")


def enrol(client):
    """Sign-in → enrolment page → code from the secret shown → recovery codes page. Returns (codes, device)."""
    page = client.get(reverse("two_factor:enrol"), {"next": ADMIN})
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two_factor:enrol"), {"code": current_totp_code(device), "next": ADMIN})
    assert response.status_code == 302, response.content.decode()[:500]
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", codes_page.content.decode())
    return page, codes, TOTPDevice.objects.get(pk=device.pk)


def test_password_alone_does_not_open_the_admin(client, staff):
    response = sign_in(client)
    assert response.status_code == 302

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:verify"))
    # No device yet: the code page sends the user to enrolment.
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor:enrol"))


def test_first_sign_in_enrols_an_app_and_shows_ten_recovery_codes_once(client, staff):
    sign_in(client)

    page, codes, device = enrol(client)

    html = page.content.decode()
    assert "<svg" in html and "Mã QR" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    download = client.get(reverse("two_factor:recovery_codes_download"))
    assert download["Content-Disposition"] == 'attachment; filename="ma-khoi-phuc.txt"'
    assert all(code in download.content.decode() for code in codes)

    response = client.post(reverse("two_factor:recovery_codes"), {"next": ADMIN})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    # Shown once: afterwards the page only says how many are left.
    later = client.get(reverse("two_factor:recovery_codes")).content.decode()
    assert "Bạn còn <strong>10</strong> mã khôi phục" in later
    assert not any(code in later for code in codes)
    assert client.get(reverse("two_factor:recovery_codes_download"))["Location"] == reverse("two_factor:recovery_codes")


def test_wrong_enrolment_code_is_refused_in_vietnamese(client, staff):
    sign_in(client)
    client.get(reverse("two_factor:enrol"))
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(
        reverse("two_factor:enrol"), {"code": "000000" if current_totp_code(device) != "000000" else "111111"}
    )

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(ADMIN).status_code == 302


def test_later_sign_ins_ask_for_the_current_code(client, staff):
    device = totp_device_for(staff)
    sign_in(client)
    page = client.get(reverse("two_factor:verify"), {"next": ADMIN})
    assert "Xác thực hai bước" in page.content.decode()

    response = client.post(reverse("two_factor:verify"), {"code": current_totp_code(device), "next": ADMIN})

    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_code_cannot_be_used_twice(staff):
    device = totp_device_for(staff)
    code = current_totp_code(device)
    first, second = Client(), Client()
    sign_in(first)
    sign_in(second)

    assert first.post(reverse("two_factor:verify"), {"code": code}).status_code == 302
    response = second.post(reverse("two_factor:verify"), {"code": code})

    assert response.status_code == 200
    assert second.get(ADMIN).status_code == 302


def test_a_recovery_code_works_once_and_is_logged(client, staff):
    sign_in(client)
    _, codes, _ = enrol(client)
    client.post(reverse("wagtailadmin_logout"))

    other = Client(REMOTE_ADDR="203.0.113.99")
    sign_in(other)
    response = other.post(reverse("two_factor:verify"), {"code": codes[0].upper(), "next": ADMIN}, follow=True)

    assert response.status_code == 200
    assert "còn 9 mã" in response.content.decode()
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    entry = ModelLogEntry.objects.filter(action=services.RECOVERY_CODE_USED).get()
    assert entry.data["origin"]["ip"] == "203.0.113.99"

    third = Client()
    sign_in(third)
    refused = third.post(reverse("two_factor:verify"), {"code": codes[0]})
    assert "Mã khôi phục không đúng hoặc đã được dùng." in refused.content.decode()


def test_wrong_codes_slow_down_then_cool_off_instead_of_locking_forever(client, staff, settings):
    device = totp_device_for(staff)
    sign_in(client)
    wrong = "000000" if current_totp_code(device) != "000000" else "111111"
    client.post(reverse("two_factor:verify"), {"code": wrong})
    client.post(reverse("two_factor:verify"), {"code": wrong})

    response = client.post(reverse("two_factor:verify"), {"code": current_totp_code(device)})
    assert "Bạn đã nhập sai nhiều lần. Vui lòng chờ" in response.content.decode()

    # Many failures long ago: django-otp alone would make the wait years; past the cool-off it starts over.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=40,
        throttling_failure_timestamp=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1),
    )
    response = client.post(reverse("two_factor:verify"), {"code": current_totp_code(device), "next": ADMIN})
    assert response["Location"] == ADMIN


def test_unverified_session_reaches_no_data_outside_the_admin(client, staff):
    sign_in(client)

    response = client.get(reverse("units_api"))

    assert response.status_code == 403
    assert client.get(reverse("accounts:status")).json() == {"authenticated": False}


def test_new_recovery_codes_need_a_verified_session(client, staff):
    sign_in(client)
    _, codes, device = enrol(client)
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client)

    response = client.post(reverse("two_factor:recovery_codes_regenerate"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor:verify"))
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == {c.replace("-", "") for c in codes}

    client.post(reverse("two_factor:verify"), {"code": current_totp_code(device, offset_steps=1)})
    response = client.post(reverse("two_factor:recovery_codes_regenerate"), follow=True)
    new_codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)


def test_who_needs_two_factor(django_user_model, unit):
    reader = django_user_model.objects.create_user(username="bandoc", password=PASSWORD)
    officer = django_user_model.objects.create_user(username="chuyenvien", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, unit=unit, role=Role.REPORTER, valid_from=datetime.date(2025, 7, 1))
    former = django_user_model.objects.create_user(username="nghihuu", password=PASSWORD)
    RoleAssignment.objects.create(
        user=former,
        unit=unit,
        role=Role.SPECIALIST,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    staff_flag = django_user_model.objects.create_user(username="nhanvien", password=PASSWORD, is_staff=True)

    assert not requires_two_factor(reader)
    assert requires_two_factor(officer)
    assert not requires_two_factor(former)
    assert requires_two_factor(staff_flag)


def test_setting_can_turn_the_requirement_off(client, staff, settings):
    settings.TWO_FACTOR_REQUIRED = False
    sign_in(client)

    assert client.get(ADMIN).status_code == 200


def test_force_login_in_tests_counts_as_verified(admin_client):
    assert admin_client.get(ADMIN).status_code == 200


def test_reset_lets_the_user_enrol_again(client, staff):
    totp_device_for(staff)
    services.two_factor_reset(user=staff)
    sign_in(client)

    response = client.get(reverse("two_factor:verify"))

    assert response["Location"].startswith(reverse("two_factor:enrol"))
    assert ModelLogEntry.objects.filter(action=services.TWO_FACTOR_RESET, object_id=str(staff.pk)).exists()


def test_reset_command_for_a_lost_phone(staff, capsys):
    from django.core.management import CommandError, call_command

    totp_device_for(staff)

    call_command("reset_two_factor", "quantri")

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert "Đã đặt lại xác thực hai bước của quantri" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Không có tài khoản “khong-co”."):
        call_command("reset_two_factor", "khong-co")


def test_account_page_links_to_the_recovery_codes(admin_client):
    html = admin_client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Mã khôi phục xác thực hai bước" in html
    assert reverse("two_factor:recovery_codes") in html
