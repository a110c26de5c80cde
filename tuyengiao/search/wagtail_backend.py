"""Wagtail search backend: the admin finds articles the Vietnamese way.

Configure with ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND":
"tuyengiao.search.wagtail_backend"}}``. It is Wagtail's own database backend
(SQLite FTS5 or PostgreSQL, chosen the same way) with one change: a search
over pages that can be articles (the page explorer, the admin's page search,
choosers) finds live articles with our engine, so ``long hoa`` finds
``Long Hòa``, ``Đảng uỷ`` finds ``Đảng ủy``. Other page types and unpublished
articles (our index holds only what readers can see) still go through
Wagtail's index. Results come in that order: other pages, live articles by
our ranking, then unpublished articles; at most ``ADMIN_LIMIT`` of each.

A backend rather than an admin hook because every admin search (explorer,
search view, page chooser) goes through ``queryset.autocomplete()``, which
asks the configured backend; hooks such as ``construct_explorer_page_queryset``
run before the search and cannot change how it matches.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.search.backends.base import BaseSearchResults
from wagtail.search.backends.database import SearchBackend as database_backend
from wagtail.search.query import And, Boost, Fuzzy, Phrase, PlainText

from tuyengiao.portal.models import ArticlePage

from . import engine

ADMIN_LIMIT = 1000


def _as_text(query) -> str | None:
    """The query as a reader would type it, or None when our engine does not apply (match all, OR, NOT)."""
    if isinstance(query, str):
        return query
    if isinstance(query, PlainText | Fuzzy):
        return query.query_string
    if isinstance(query, Phrase):
        return f'"{query.query_string}"'
    if isinstance(query, Boost):
        return _as_text(query.subquery)
    if isinstance(query, And):
        parts = [_as_text(q) for q in query.subqueries]
        return None if None in parts else " ".join(parts)
    return None


class _Source:
    """What BaseSearchResults reads from a query compiler: the queryset."""

    def __init__(self, queryset):
        self.queryset = queryset


class ArticleAwareResults(BaseSearchResults):
    supports_facet = True

    def __init__(self, backend, queryset, parts, order_by_relevance, shared=None):
        super().__init__(backend, _Source(queryset))
        self.queryset = queryset
        self.parts = parts
        self.order_by_relevance = order_by_relevance
        self.shared = {} if shared is None else shared  # ids, computed once for all slices

    def _clone(self):
        clone = self.__class__(self.backend, self.queryset, self.parts, self.order_by_relevance, self.shared)
        clone.start, clone.stop = self.start, self.stop
        return clone

    @property
    def ids(self) -> list[int]:
        if "ids" not in self.shared:
            ids = list(dict.fromkeys(pk for part in self.parts() for pk in part))
            if not self.order_by_relevance:  # explicitly ordered: keep the queryset's order
                ids = list(self.queryset.filter(pk__in=ids).values_list("pk", flat=True))
            self.shared["ids"] = ids
        return self.shared["ids"]

    def _do_search(self):
        ids = self.ids[self.start : self.stop]
        objects = {obj.pk: obj for obj in self.queryset.filter(pk__in=ids)}
        return [objects[pk] for pk in ids if pk in objects]

    def _do_count(self):
        return len(self.ids)

    def facet(self, field_name):
        counts = Counter(self.queryset.filter(pk__in=self.ids).values_list(field_name, flat=True))
        return dict(counts.most_common())


class ArticleAwareMixin:
    def search(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True, **kwargs):
        base = partial(super().search, fields=fields, operator=operator, **kwargs)
        return self._article_aware(query, model_or_queryset, base, order_by_relevance) or base(
            query, model_or_queryset, order_by_relevance=order_by_relevance
        )

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True, **kwargs):
        base = partial(super().autocomplete, fields=fields, operator=operator, **kwargs)
        return self._article_aware(query, model_or_queryset, base, order_by_relevance) or base(
            query, model_or_queryset, order_by_relevance=order_by_relevance
        )

    def _article_aware(self, query, model_or_queryset, base, order_by_relevance):
        queryset = model_or_queryset
        if not isinstance(queryset, QuerySet):
            queryset = model_or_queryset._default_manager.all()
        model = queryset.model
        raw = _as_text(query)
        if not raw or not raw.strip() or not (issubclass(model, ArticlePage) or issubclass(ArticlePage, model)):
            return None
        article_type = ContentType.objects.get_for_model(ArticlePage)

        def via_wagtail(subset) -> list[int]:
            return [obj.pk for obj in base(query, subset, order_by_relevance=True)[:ADMIN_LIMIT]]

        def parts():
            ranked = engine.ranked_page_ids(raw, limit=ADMIN_LIMIT)
            allowed = set(queryset.filter(pk__in=ranked, live=True).values_list("pk", flat=True))
            articles = [pk for pk in ranked if pk in allowed]
            if issubclass(model, ArticlePage):
                return [articles, via_wagtail(queryset.filter(live=False))]
            others = via_wagtail(queryset.exclude(content_type=article_type))
            return [others, articles, via_wagtail(queryset.filter(content_type=article_type, live=False))]

        return ArticleAwareResults(self, queryset, parts, order_by_relevance)


_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    base = database_backend(params)
    cls = _classes.get(type(base))
    if cls is None:
        cls = _classes[type(base)] = type(f"ArticleAware{type(base).__name__}", (ArticleAwareMixin, type(base)), {})
    return cls(params)
