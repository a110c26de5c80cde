"""An export on a real Celery worker, killed (kill -9) between writing its file and committing.

As `tuyengiao/worker/tests/test_worker_faults.py` (whose harness pieces this reuses): real
workers (`export_worker.py`) on Redis DB 8 under a prefix unique to the test (skipped when Redis
is not reachable), against a file copy of the test database (SQLite) or the test database itself
(PostgreSQL), writing files under the test's MEDIA_ROOT. The message comes back to a second
worker after the broker's visibility timeout; the job ends done with exactly one file, and a
duplicate message afterwards changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tuyengiao.reports import services
from tuyengiao.reports.export import pdf
from tuyengiao.reports.models import ExportStatus, ReportExport
from tuyengiao.worker import queue
from tuyengiao.worker.tests.test_worker_faults import (  # noqa: F401 - worker_redis is a fixture
    REDIS_URL,
    VISIBILITY_SECONDS,
    WorkerDatabase,
    Workers,
    wait_until,
    worker_redis,
)

from .test_admin import make_report

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# PDF is the slow one the worker is for; without LibreOffice the same path with DOCX.
FORMAT = "pdf" if pdf.find_libreoffice() else "docx"
TASK = "tuyengiao.reports.export"


class ExportWorkers(Workers):
    def __init__(self, tmp_path: Path, prefix: str, database: WorkerDatabase, media: Path):
        super().__init__(tmp_path, prefix, database)
        self.env["MEDIA_ROOT"] = str(media)

    def start(self, point: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tuyengiao.reports.tests.export_worker"],
            cwd=django_settings.BASE_DIR,
            env={**self.env, "TG_FAULT_POINT": point},
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc


@pytest.fixture
def worker_setup(worker_redis, settings, tmp_path, monkeypatch):  # noqa: F811 - the imported fixture
    client, prefix = worker_redis
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDIS_URL = REDIS_URL
    settings.CELERY_BROKER_URL = REDIS_URL  # the request queues the job instead of running it here
    settings.CELERY_VISIBILITY_TIMEOUT = VISIBILITY_SECONDS
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix, "KEY_PREFIX": prefix}
    }
    sent = []
    monkeypatch.setattr(queue, "_send", lambda name, args, fallback=None: sent.append((name, args)))
    from celery import Celery

    from tuyengiao.worker.celery_app import QUEUE, configure

    sender = Celery(f"tuyengiao-test-{uuid.uuid4().hex[:6]}", set_as_current=False)
    configure(sender)

    class Setup:
        redis = client
        media = settings.MEDIA_ROOT
        messages = sent
        workers: ExportWorkers | None = None

        def start_workers(self) -> tuple[ExportWorkers, WorkerDatabase]:
            database = WorkerDatabase(tmp_path)  # SQLite: a copy of the database as it is now
            self.workers = ExportWorkers(tmp_path, prefix, database, self.media)
            return self.workers, database

        def send(self, *args) -> None:
            sender.send_task(TASK, args=list(args))

        def broker_idle(self) -> bool:
            """No message waiting or being worked on (kombu's unacked hash holds those in flight)."""
            return client.llen(f"{prefix}:celery:{QUEUE}") == 0 and client.hlen(f"{prefix}:celery:unacked") == 0

        def files(self) -> list[Path]:
            return sorted(path for path in Path(self.media).rglob("*") if path.is_file())

    setup = Setup()
    yield setup
    if setup.workers:
        setup.workers.stop_all()
    sender.close()


def test_an_export_killed_mid_job_runs_again_on_another_worker_and_keeps_one_file(worker_setup, tree, users):
    report = make_report(tree, users["p"])
    export = services.export_request(actor=users["p"], report=report, fmt=FORMAT)
    assert export.status == ExportStatus.QUEUED and worker_setup.messages == [(TASK, [export.pk])]
    workers, database = worker_setup.start_workers()

    def row():
        table = ReportExport._meta.db_table
        sql = f"SELECT status, file, finished_at, error FROM {table} WHERE id = ?"  # noqa: S608 - a model's table
        return database.query(sql, (export.pk,))

    first = workers.start("export-after-file")
    worker_setup.send(export.pk)
    wait_until(lambda: workers.paused(first), what="the first worker to stop after writing the file")
    workers.kill(first)
    # Claimed, file written, never committed: the job shows as running and its message is unacknowledged.
    assert row()[0] == ExportStatus.RUNNING
    assert len(worker_setup.files()) == 1

    workers.start("export-after-file")  # the marker exists: this one goes straight through
    wait_until(lambda: row()[0] == ExportStatus.DONE, what="the job to run again on the second worker")
    status, name, finished_at, error = row()
    (stored,) = worker_setup.files()
    assert error == "" and stored == Path(worker_setup.media) / "documents" / "report-exports" / name
    content = stored.read_bytes()
    assert content.startswith(b"%PDF-" if FORMAT == "pdf" else b"PK")

    # A duplicate message (or a late redelivery) once it is done: nothing changes, no second file.
    worker_setup.send(export.pk)
    wait_until(worker_setup.broker_idle, what="the duplicate message to be handled")
    time.sleep(VISIBILITY_SECONDS + 1)
    assert row() == (ExportStatus.DONE, name, finished_at, "")
    assert worker_setup.files() == [stored] and stored.read_bytes() == content
