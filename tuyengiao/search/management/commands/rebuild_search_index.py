from django.core.management.base import BaseCommand

from tuyengiao.portal.models import ArticlePage
from tuyengiao.search import services
from tuyengiao.search.progress import Progress


class Command(BaseCommand):
    help = (
        "Dựng lại chỉ mục tìm kiếm tiếng Việt của bài viết: dựng bảng mới bên cạnh bảng đang dùng rồi thay thế "
        "trong một giao dịch, nên chạy được khi cổng đang hoạt động. (Khác lệnh update_index của Wagtail, "
        "lệnh đó dựng chỉ mục tìm kiếm mặc định của Wagtail cho các loại trang khác.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Số bài mỗi lô (mặc định 500)")

    def handle(self, *args, batch: int, **options):
        progress = Progress(ArticlePage.objects.live().count(), label="Lập chỉ mục", stream=self.stderr)
        report = services.rebuild_index(on_batch=progress.update, batch=max(1, batch))
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã lập chỉ mục {report.documents} bài viết trong {report.seconds:.1f} giây"
                + (f" ({report.caught_up} bài thay đổi trong lúc chạy đã được cập nhật)." if report.caught_up else ".")
            )
        )
