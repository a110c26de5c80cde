"""Passwords: at least 10 characters, not common, not only digits, not like the user's name — said in Vietnamese."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def messages_for(password, user=None):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return error.value.messages


def test_short_password_is_refused_in_vietnamese():
    assert "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự." in messages_for("Xq7#kd")


def test_common_password_is_refused():
    assert messages_for("password123") == ["Mật khẩu này quá phổ biến, dễ bị đoán."]


def test_numeric_password_is_refused():
    assert "Mật khẩu không được chỉ gồm chữ số." in messages_for("8264019375")


def test_password_like_the_username_is_refused(django_user_model):
    user = django_user_model(username="phuonglonghoa", email="plh@example.org")
    assert messages_for("phuonglonghoa1", user) == ["Mật khẩu quá giống với tên đăng nhập của bạn."]


def test_good_password_passes(django_user_model):
    validate_password("Tuyên-giáo-2026!", django_user_model(username="bientap"))


def test_help_texts_are_vietnamese():
    texts = password_validators_help_texts()
    assert "Mật khẩu phải có ít nhất 10 ký tự." in texts
    assert all(not text.startswith("Your") for text in texts)


@pytest.mark.django_db
def test_wagtail_account_page_refuses_a_weak_new_password(admin_client, admin_user):
    admin_user.set_password("Mật-khẩu-cũ-2026")
    admin_user.save()
    admin_client.force_login(admin_user)

    response = admin_client.post(
        reverse("wagtailadmin_account"),
        {
            "password-old_password": "Mật-khẩu-cũ-2026",
            "password-new_password1": "12345",
            "password-new_password2": "12345",
        },
    )

    html = response.content.decode()
    assert "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự." in html
    admin_user.refresh_from_db()
    assert admin_user.check_password("Mật-khẩu-cũ-2026")
