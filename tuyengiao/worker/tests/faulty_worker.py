"""A real Celery worker that stops dead at a chosen point of a job, for the kill -9 tests.

`python -m tuyengiao.worker.tests.faulty_worker` with TG_FAULT_POINT (see `PAUSES`) and
TG_FAULT_MARKER set: the first job to reach the point creates the marker file and sleeps
there until the test kills the worker; later workers (the marker exists) go straight through.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def pause() -> None:
    marker = Path(os.environ["TG_FAULT_MARKER"])
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return
    time.sleep(600)


def install(point: str) -> None:
    from django.db import transaction

    from tuyengiao.portal import viewcounts
    from tuyengiao.search import services

    if point == "flush-before-commit":
        add = viewcounts.add_views_to_database

        def add_then_pause(**increments):  # inside the flush's transaction, before its commit
            add(**increments)
            pause()

        viewcounts.add_views_to_database = add_then_pause
    elif point == "flush-after-commit":
        add_once = viewcounts._add_batch_once

        def committed_then_pause(**batch):  # committed; the batch is still in Redis
            added = add_once(**batch)
            pause()
            return added

        viewcounts._add_batch_once = committed_then_pause
    elif point == "index-before-commit":
        index = services.index_pages

        def index_then_pause(page_ids):
            with transaction.atomic():
                index(page_ids)
                pause()

        services.index_pages = index_then_pause
    elif point == "index-after-commit":
        index = services.index_pages

        def indexed_then_pause(page_ids):
            index(page_ids)
            pause()

        services.index_pages = indexed_then_pause
    else:
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
            f"--hostname=fault-{os.getpid()}@localhost",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
