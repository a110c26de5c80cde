from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tuyengiao.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) và toàn bộ tệp media vào một tệp .tar.gz "
        "có manifest (số dòng từng bảng, mã sha256 từng tệp). Chạy được khi trang đang hoạt động."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Thư mục ghi tệp sao lưu (mặc định var/backups).",
        )
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định default).")

    def handle(self, *args, output: Path, database: str, **options):
        log = self.stderr.write if options["verbosity"] > 0 else None
        try:
            archive = backup.create_backup(output_dir=output, alias=database, log=log)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {archive}"))
