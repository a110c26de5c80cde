from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuyengiao.search import importer, services
from tuyengiao.search.progress import Progress


class Command(BaseCommand):
    help = (
        "Nhập bài viết từ tệp JSON Lines (mỗi dòng một bài: title, lead, body, published_at, byline, tags; "
        "tùy chọn category, site, id). Bài được đăng ngay; một dòng sai thì không nhập gì cả."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp .jsonl")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không thấy tệp “{file}”.")
        total = importer.count_lines(file)
        progress = Progress(total, label="Nhập bài", stream=self.stderr)
        try:
            count = services.import_articles(file, on_batch=progress.update)
        except importer.ImportRefused as refused:
            progress.close()
            for error in refused.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Không nhập bài nào: tệp có {len(refused.errors)} lỗi (liệt kê ở trên), hãy sửa rồi chạy lại."
            ) from None
        progress.close()
        self.stdout.write(self.style.SUCCESS(f"Đã nhập và đăng {count} bài viết."))
