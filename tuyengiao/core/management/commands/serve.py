from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuyengiao.core.scheduler import run_due_jobs, start_scheduler


class Command(BaseCommand):
    help = "Chạy máy chủ phát triển kèm bộ hẹn giờ (xuất bản theo lịch, ghi lượt xem)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        run_due_jobs()
        start_scheduler()
        call_command("runserver", addrport, use_reloader=False)
