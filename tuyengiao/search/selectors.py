"""Reads for search: run a query on one portal, turn hits into displayable results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils.safestring import SafeString
from wagtail.models import Page

from tuyengiao.portal.models import ArticlePage, CategoryPage

from . import engine, highlight
from .query import Query

PAGE_SIZE = 20


@dataclass
class Result:
    page: ArticlePage
    url: str
    published_at: datetime.datetime
    title_html: SafeString
    snippet: str
    snippet_html: SafeString


def portal_categories(root: Page) -> list[CategoryPage]:
    """Categories of one portal in tree order (for the filter select)."""
    return list(CategoryPage.objects.live().descendant_of(root).order_by("path"))


def search_articles(
    raw_query: str,
    *,
    root: Page,
    category: Page | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> engine.Search:
    """Ranked search over the live articles below ``root`` (one portal)."""
    key_min, key_max = engine.day_bounds(date_from, date_to)
    scope = (root.pk,) + ((category.pk,) if category else ())
    return engine.Search.of(raw_query, filters=engine.Filters(scope=scope, key_min=key_min, key_max=key_max))


def results_for(hits: list[engine.Hit], query: Query, *, request=None) -> list[Result]:
    """Pages, highlighted titles and snippets for hits, in rank order."""
    ids = [hit.page_id for hit in hits]
    # public(): a page behind a password or a sign-in (Wagtail's privacy setting) is indexed like any live page,
    # but its lead and body must not reach readers through the results.
    pages = {page.pk: page for page in ArticlePage.objects.live().public().filter(pk__in=ids)}
    stored = engine.get_index().stored(ids)
    results = []
    for hit in hits:
        page, doc = pages.get(hit.page_id), stored.get(hit.page_id)
        if page is None:  # unpublished a moment ago, or private
            continue
        plain, html = highlight.snippet(
            doc.lead if doc else page.lead, doc.body if doc else "", query, scan_body="body" in hit.fields
        )
        results.append(
            Result(
                page=page,
                url=page.get_url(request) or "",
                published_at=page.published_at,
                title_html=highlight.highlight(page.title, query),
                snippet=plain,
                snippet_html=html,
            )
        )
    return results


class ResultList:
    """What Paginator pages through: counts via the engine, slices become Results."""

    def __init__(self, search: engine.Search, *, request=None):
        self.search = search
        self.request = request

    def count(self) -> int:
        return self.search.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return results_for(self.search[key], self.search.query, request=self.request)


def paginate(search: engine.Search, page_number, *, request=None, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """``?page=abc`` gives the first page and ``?page=99999`` the last, never an error."""
    return Paginator(ResultList(search, request=request), per_page).get_page(page_number)
