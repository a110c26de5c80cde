"""Turn live articles into search documents (plain text + the pages above them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from wagtail.models import Page

from tuyengiao.portal.models import ArticlePage

from . import text
from .engine import Document, sort_key

BATCH = 500


def body_text(article: ArticlePage) -> str:
    """Readable text of the body: paragraphs, captions, quotes (Wagtail's own extraction)."""
    pieces = article.body.stream_block.get_searchable_content(article.body)
    return "\n".join(piece.strip() for piece in pieces if piece and piece.strip())


def _ancestor_paths(path: str) -> list[str]:
    step = Page.steplen
    # Skip the tree root (depth 1): every page is under it.
    return [path[:end] for end in range(2 * step, len(path), step)]


def documents_for(articles: Sequence[ArticlePage]) -> list[Document]:
    paths = {p for article in articles for p in _ancestor_paths(article.path)}
    ids = dict(Page.objects.filter(path__in=paths).values_list("path", "id")) if paths else {}
    return [
        Document(
            page_id=article.pk,
            sort_key=sort_key(article.published_at, article.pk),
            scope=tuple(ids[p] for p in _ancestor_paths(article.path) if p in ids),
            title=text.nfc(article.title),
            lead=text.nfc(article.lead or ""),
            body=text.nfc(body_text(article)),
        )
        for article in articles
    ]


def live_articles(page_ids: Iterable[int] | None = None):
    queryset = ArticlePage.objects.live().only("id", "title", "lead", "body", "published_at", "path")
    if page_ids is not None:
        queryset = queryset.filter(pk__in=list(page_ids))
    return queryset.order_by("pk")


def iter_document_batches(page_ids: Iterable[int] | None = None, *, batch: int = BATCH) -> Iterator[list[Document]]:
    """Documents of live articles in batches, walking primary keys (no OFFSET scans)."""
    if page_ids is not None:
        ids = sorted(set(page_ids))
        for start in range(0, len(ids), batch):
            articles = list(live_articles(ids[start : start + batch]))
            if articles:
                yield documents_for(articles)
        return
    last = 0
    while True:
        articles = list(live_articles().filter(pk__gt=last)[:batch])
        if not articles:
            return
        last = articles[-1].pk
        yield documents_for(articles)
