"""A real Celery worker for the export tests, optionally stopping dead inside an export job.

`python -m tuyengiao.reports.tests.export_worker` with TG_FAULT_POINT and TG_FAULT_MARKER set,
as `tuyengiao/worker/tests/faulty_worker.py`: at "export-after-file" the first job writes its
file, then (inside its transaction, before the commit) creates the marker and sleeps until the
test kills the worker; later workers go straight through. TG_FAULT_POINT=none never stops.
"""

from __future__ import annotations

import os
import sys


def install(point: str) -> None:
    from tuyengiao.reports.storage import export_storage
    from tuyengiao.worker.tests.faulty_worker import pause

    if point == "export-after-file":
        save = export_storage.save

        def save_then_pause(name, content, **kwargs):
            stored = save(name, content, **kwargs)
            pause()
            return stored

        export_storage.save = save_then_pause
    elif point != "none":
        raise SystemExit(f"unknown TG_FAULT_POINT {point!r}")


def main() -> None:
    import django

    django.setup()
    install(os.environ["TG_FAULT_POINT"])
    from tuyengiao.worker.celery_app import app

    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=export-{os.getpid()}@localhost",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
