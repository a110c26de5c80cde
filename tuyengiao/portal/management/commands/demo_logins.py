from django.core.management.base import BaseCommand

from tuyengiao.portal import demo


class Command(BaseCommand):
    help = "In địa chỉ các cổng demo và tài khoản đăng nhập."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=demo.PORT)

    def handle(self, *args, port, **options):
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"  tuyengiao đang chạy: http://127.0.0.1:{port}/"))
        out(
            f"  Cổng phường (demo): http://long-hoa.localhost:{port}/  http://binh-thuy.localhost:{port}/"
            f"  http://an-thoi.localhost:{port}/"
        )
        out(f"  Trang quản trị:     http://127.0.0.1:{port}/admin/")
        out("  Lần đầu đăng nhập quản trị: quét mã QR bằng ứng dụng xác thực (Google Authenticator, FreeOTP…).")
        out(f"  Biên tập viên:      {demo.EDITOR_USERNAME} / {demo.DEMO_PASSWORD}")
        out(f"  Kiểm duyệt viên:    {demo.REVIEWER_USERNAME} / {demo.DEMO_PASSWORD}")
        out(f"  Quản trị:           {demo.ADMIN_USERNAME} / {demo.DEMO_PASSWORD}")
        from tuyengiao.units.demo import DEMO_LOGINS

        for username, role in DEMO_LOGINS:
            out(f"  {role}: {username} / {demo.DEMO_PASSWORD}")
        out("")
