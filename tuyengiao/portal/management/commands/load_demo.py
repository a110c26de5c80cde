from django.core.management.base import BaseCommand

from tuyengiao.portal import demo


class Command(BaseCommand):
    help = "Tạo nội dung demo (chỉ một lần): cổng tỉnh, ba cổng phường, bài viết, bình luận, tài khoản."

    def handle(self, *args, **options):
        if demo.demo_is_loaded():
            self.stdout.write("Nội dung demo đã có, bỏ qua.")
            return
        result = demo.load_demo()
        self.stdout.write(self.style.SUCCESS("Đã tạo nội dung demo: " + ", ".join(result["portals"])))
