import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuyengiao.core import backup

YES = {"đồng ý", "dong y", "có", "co", "yes", "y"}


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và tệp media từ một tệp sao lưu của lệnh backup. Mã kiểm tra của mọi tệp "
        "được xác minh trước; nếu có lỗi giữa chừng, dữ liệu hiện tại được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp .tar.gz do lệnh backup tạo.")
        parser.add_argument("--yes", action="store_true", help="Không hỏi xác nhận.")
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định default).")

    def handle(self, *args, archive: Path, yes: bool, database: str, **options):
        log = self.stderr.write if options["verbosity"] > 0 else None
        if log:
            log(f"Đang kiểm tra {archive}…")
        try:
            verified = backup.verify_archive(archive, alias=database)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        try:
            self.stdout.write(backup.describe(verified.manifest))
            if not yes and not self._confirmed():
                raise CommandError("Đã hủy: không có gì thay đổi.")
            try:
                backup.restore_archive(verified, alias=database, log=log)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
        finally:
            verified.cleanup()
        self.stdout.write(self.style.SUCCESS("Đã phục hồi cơ sở dữ liệu và tệp media."))
        if verified.missing_migrations:
            self.stdout.write(
                f"Bản sao lưu thiếu {len(verified.missing_migrations)} migration của phiên bản này: "
                "hãy chạy “python manage.py migrate”."
            )
        self.stdout.write("Hãy khởi động lại gunicorn (và worker) để mọi tiến trình đọc dữ liệu mới.")

    def _confirmed(self) -> bool:
        self.stdout.write(
            "Toàn bộ dữ liệu và tệp media hiện tại sẽ bị thay bằng bản sao lưu này. "
            "Gõ “đồng ý” để tiếp tục, phím khác để hủy: ",
            ending="",
        )
        self.stdout.flush()
        answer = sys.stdin.readline()
        return answer.strip().lower() in YES
