"""Django's password validators with their messages in Vietnamese.

Django's vi catalogue lacks the current wording of the length messages, and
names the similar attribute with a capital ("Tên đăng nhập"); the common and
numeric validators are already translated and used as they are.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"Mật khẩu quá ngắn. Mật khẩu phải có ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as error:
            attribute = (error.params or {}).get("verbose_name", "")
            raise ValidationError(
                f"Mật khẩu quá giống với {str(attribute).lower()} của bạn.", code="password_too_similar"
            ) from None

    def get_help_text(self):
        return "Mật khẩu không được quá giống với các thông tin cá nhân khác của bạn."


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu này quá phổ biến, dễ bị đoán."

    def get_help_text(self):
        return "Mật khẩu không được là một mật khẩu thông dụng."


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu không được chỉ gồm chữ số."

    def get_help_text(self):
        return "Mật khẩu không được chỉ gồm chữ số."
