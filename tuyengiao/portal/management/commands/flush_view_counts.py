from django.core.management.base import BaseCommand

from tuyengiao.portal.viewcounts import flush_view_counts


class Command(BaseCommand):
    help = "Chuyển lượt xem đang đệm trong Redis vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã ghi {flush_view_counts()} lượt xem.")
