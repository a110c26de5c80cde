from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tuyengiao.accounts.services import two_factor_reset


class Command(BaseCommand):
    help = "Xóa ứng dụng xác thực và mã khôi phục của một tài khoản (mất điện thoại); lần đăng nhập sau đăng ký lại."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        two_factor_reset(user=user)
        self.stdout.write(f"Đã đặt lại xác thực hai bước của {username}; lần đăng nhập sau sẽ đăng ký lại.")
