from django.conf import settings
from django.core.management.base import BaseCommand

from tuyengiao.portal.services import reader_data_purge


class Command(BaseCommand):
    help = "Xóa mã băm địa chỉ và e-mail của bình luận cũ hơn READER_DATA_RETENTION_DAYS ngày."

    def handle(self, *args, **options):
        cleared = reader_data_purge()
        self.stdout.write(
            f"Đã xóa dữ liệu bạn đọc của {cleared} bình luận cũ hơn {settings.READER_DATA_RETENTION_DAYS} ngày."
        )
