"""Celery tasks. Each is idempotent: run twice (a redelivered message after a crash), same effect."""

from __future__ import annotations

from .celery_app import app
from .jobs import flush_view_counts as _flush_view_counts
from .jobs import heartbeat as _heartbeat
from .jobs import ingest_view_log as _ingest_view_log
from .jobs import publish_scheduled as _publish_scheduled
from .jobs import purge_reader_data as _purge_reader_data

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 60, "max_retries": 5}


@app.task(name="tuyengiao.publish_scheduled")
def publish_scheduled() -> None:
    _publish_scheduled()


@app.task(name="tuyengiao.flush_view_counts")
def flush_view_counts() -> int:
    """Exactly once per batch: see `portal/viewcounts.py` (batch keys, receipts, adoption)."""
    return _flush_view_counts()


@app.task(name="tuyengiao.ingest_view_log")
def ingest_view_log() -> int:
    """Exactly once per log line: lines and file position move in one Redis script."""
    return _ingest_view_log()


@app.task(name="tuyengiao.purge_reader_data")
def purge_reader_data() -> int:
    return _purge_reader_data()


@app.task(name="tuyengiao.heartbeat")
def heartbeat() -> int:
    return _heartbeat()


# Jobs stay well inside the soft time limit: a long list (a moved category) becomes several jobs.
INDEX_CHUNK = 500


@app.task(name="tuyengiao.search.index_pages", **RETRY)
def index_pages(page_ids: list[int]) -> None:
    """Re-index articles: their documents are removed and added again in one transaction."""
    from tuyengiao.search import services

    if len(page_ids) > INDEX_CHUNK:
        for start in range(0, len(page_ids), INDEX_CHUNK):
            index_pages.delay(page_ids[start : start + INDEX_CHUNK])
        return
    services.index_pages(page_ids)


@app.task(name="tuyengiao.search.remove_pages", **RETRY)
def remove_pages(page_ids: list[int]) -> None:
    from tuyengiao.search import services

    services.remove_pages(page_ids)


@app.task(name="tuyengiao.reports.export", **RETRY)
def export_report(export_id: int) -> str:
    """A report as DOCX, XLSX or PDF: once done or failed, running it again changes nothing (one file)."""
    from tuyengiao.reports.services import export_run

    return export_run(export_id=export_id)


@app.task(name="tuyengiao.front_cache.refresh", **RETRY)
def refresh_front_cache(urls: list[str]) -> None:
    """Fetch pages again through nginx's refresh server: the cached copy is replaced, never doubled."""
    from .frontcache import refresh

    refresh(urls)
