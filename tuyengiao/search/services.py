"""Writes for search: keep the index in step with published articles, rebuild it, import articles."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from tuyengiao.portal.models import ArticlePage

from . import engine, importer
from .documents import iter_document_batches

FRESH_SUFFIX = "_new"


def index_pages(page_ids: Iterable[int]) -> None:
    """Bring these articles' documents up to date: live ones (re)indexed, others removed."""
    ids = sorted(set(page_ids))
    if not ids:
        return
    index = engine.get_index()
    with transaction.atomic():
        index.remove(ids)
        for documents in iter_document_batches(ids):
            index.add(documents)


def remove_pages(page_ids: Iterable[int]) -> None:
    with transaction.atomic():
        engine.remove_documents(sorted(set(page_ids)))


@dataclass
class RebuildReport:
    documents: int
    seconds: float
    caught_up: int  # articles changed on the live site while the rebuild ran


def rebuild_index(*, on_batch: Callable[[int], None] | None = None, batch: int = 500) -> RebuildReport:
    """Build a fresh index next to the live one, then swap it in.

    Readers keep using the live index until the swap. Articles published,
    edited, moved or removed meanwhile are caught up inside the swap
    transaction (the live index marks what it touched with ``indexed_at``).
    Run one rebuild at a time.
    """
    started = time.time()
    live = engine.get_index()
    fresh = engine.get_index(suffix=FRESH_SUFFIX)
    with transaction.atomic():
        fresh.drop()  # left over from an interrupted run
        fresh.create(**({"search_indexes": False} if live.vendor == "postgresql" else {}))
    for documents in iter_document_batches(batch=batch):
        with transaction.atomic():
            fresh.add(documents)
        if on_batch:
            on_batch(len(documents))
    fresh.finish()
    with transaction.atomic():
        changed: set[int] = set()
        if live.exists():
            live.lock()
            changed = live.page_ids_indexed_since(started)
        live_ids = set(ArticlePage.objects.live().values_list("pk", flat=True))
        have = fresh.page_ids()
        stale = (have - live_ids) | (have & changed)
        fresh.remove(sorted(stale))
        missing = live_ids - (have - stale)
        for documents in iter_document_batches(missing):
            fresh.add(documents)
        fresh.replace(live)
    return RebuildReport(documents=len(live_ids), seconds=time.time() - started, caught_up=len(missing))


def import_articles(path: Path, *, on_batch: Callable[[int], None] | None = None) -> int:
    """Import a JSON Lines file of articles, all or nothing (see ``importer``)."""
    return importer.import_file(path, on_batch=on_batch)
