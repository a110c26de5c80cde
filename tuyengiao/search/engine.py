"""The search engine: documents in, ranked page ids out.

One row per live article, keyed by a *sort key* that orders documents by
publication time (``published_at`` in whole seconds × 2³¹ + page id). Both
backends can then walk the matches newest first and stop after a page of
results instead of ranking every match, which keeps a one-syllable query over
a million articles fast.

Ranking is by tiers, then recency inside a tier (each tier is a query of its
own, read newest first):

1. every term found in the title; 2. in title or lead; 3. anywhere — and,
when the query has syllables typed without diacritics, each of these is split
in two: first the documents where those syllables are written exactly as typed
(``ma`` as ``ma``), then those matched only through folding (``mà``, ``mã``).

Results are capped at ``RESULT_CAP`` (ten pages): the last tier (everything
that matches) is read once, newest first, no further than the cap — that
gives both the count and that tier's order. Counting every match of ``dang``
in a million articles is what makes other engines slow, and nobody reads the
eleventh page of results.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection as default_connection
from django.utils import timezone

from . import text
from .query import Query, parse

SORT_SHIFT = 2**31  # page ids are 32-bit (Wagtail's Page uses AutoField)
RESULT_CAP = 200  # ten pages of 20
# Syllables indexed per document (title first, then lead, then body).
# PostgreSQL positions stop at 16,383; staying below keeps both backends equal.
MAX_INDEXED_SYLLABLES = 16_000
FIELDS = ("title", "lead", "body")
FIELD_TIERS = (("title",), ("title", "lead"), FIELDS)


def sort_key(published_at: datetime.datetime, page_id: int) -> int:
    return math.floor(published_at.timestamp()) * SORT_SHIFT + page_id


def page_id_of(key: int) -> int:
    return key % SORT_SHIFT


def day_bounds(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[int | None, int | None]:
    """Sort-key bounds for whole days in the site's time zone (both ends included)."""
    tz = timezone.get_current_timezone()
    low = high = None
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        low = _clamp(math.floor(start.timestamp()) * SORT_SHIFT)
    if date_to and date_to < datetime.date.max:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        high = _clamp(math.floor(end.timestamp()) * SORT_SHIFT - 1)
    return low, high


def _clamp(key: int) -> int:
    """Keep far-off dates (year 1, year 9999) inside a 64-bit integer."""
    return max(-(2**63), min(2**63 - 1, key))


@dataclass(frozen=True)
class Document:
    """What the index stores for one article: plain text and where it lives."""

    page_id: int
    sort_key: int
    scope: tuple[int, ...]  # ids of the pages above the article (site root, categories)
    title: str
    lead: str
    body: str

    def keys(self) -> tuple[list[str], list[str], list[str]]:
        """Index keys of title, lead and body, capped at MAX_INDEXED_SYLLABLES in all."""
        title = text.index_keys(self.title)[:MAX_INDEXED_SYLLABLES]
        lead = text.index_keys(self.lead)[: MAX_INDEXED_SYLLABLES - len(title)]
        body = text.index_keys(self.body)[: MAX_INDEXED_SYLLABLES - len(title) - len(lead)]
        return title, lead, body


@dataclass(frozen=True)
class Tier:
    fields: tuple[str, ...]
    literal: bool  # bare syllables match only themselves written without marks


def tiers_for(query: Query) -> list[Tier]:
    literal = (True, False) if query.has_bare else (False,)
    return [Tier(fields, flag) for fields in FIELD_TIERS for flag in literal]


@dataclass(frozen=True)
class Filters:
    scope: tuple[int, ...] = ()  # every one of these pages must be above the article
    key_min: int | None = None
    key_max: int | None = None


@dataclass(frozen=True)
class Hit:
    page_id: int
    sort_key: int
    tier: int
    fields: tuple[str, ...] = FIELDS  # where the tier found every term


def get_index(connection=None, *, suffix: str = ""):
    """The index for the database behind ``connection`` (default: Django's default)."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        from .backends.postgres import PostgresIndex

        return PostgresIndex(connection, suffix=suffix)
    if connection.vendor == "sqlite":
        from .backends.sqlite import SQLiteIndex

        return SQLiteIndex(connection, suffix=suffix)
    raise NotImplementedError(f"Tìm kiếm chưa hỗ trợ cơ sở dữ liệu {connection.vendor}.")


@dataclass
class Search:
    """Ranked results of one query, evaluated lazily one slice at a time.

    Behaves like the sequence Django's Paginator expects: ``count()`` and
    slicing. Slices are lists of :class:`Hit`.
    """

    query: Query
    filters: Filters = field(default_factory=Filters)
    cap: int = RESULT_CAP
    index: object = None

    def __post_init__(self):
        self.index = self.index or get_index()

    @classmethod
    def of(cls, raw_query: str, **kwargs) -> Search:
        return cls(parse(raw_query), **kwargs)

    @cached_property
    def tiers(self) -> list[Tier]:
        return tiers_for(self.query)

    @cached_property
    def compiled(self):
        return self.index.compile(self.query, self.tiers)

    @cached_property
    def _everything(self) -> list[int]:
        """Sort keys of the last tier (all matches), newest first, up to the cap."""
        if not self.query:
            return []
        return self.index.fetch(self.compiled, len(self.tiers) - 1, self.filters, limit=self.cap)

    @property
    def total(self) -> int:
        return len(self._everything)

    def count(self) -> int:
        return self.total

    @property
    def capped(self) -> bool:
        """More results exist than are counted (and reachable)."""
        return self.total >= self.cap

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop, _ = key.indices(self.total)
        return self.hits(start, max(0, stop - start))

    def hits(self, offset: int, limit: int) -> list[Hit]:
        """Ranked hits ``offset`` to ``offset + limit``.

        Tiers are walked in rank order; a document belongs to the first tier
        that holds it. Each tier is read newest first, no further than the
        hits still needed plus those already taken (which it may hold again),
        so a page never costs more than two result caps of row ids per tier.
        The last tier was read whole (up to the cap) for the count.
        """
        need = min(offset + limit, self.total)
        ranked: list[Hit] = []
        seen: set[int] = set()
        last = len(self.tiers) - 1
        for tier in range(len(self.tiers)):
            if len(ranked) >= need:
                break
            if tier == last:
                keys = self._everything
            else:
                keys = self.index.fetch(self.compiled, tier, self.filters, limit=need - len(ranked) + len(seen))
            for key in keys:
                if key not in seen:
                    seen.add(key)
                    ranked.append(Hit(page_id=page_id_of(key), sort_key=key, tier=tier, fields=self.tiers[tier].fields))
        return ranked[offset:need]


def ranked_page_ids(raw_query: str, *, limit: int = RESULT_CAP, filters: Filters | None = None) -> list[int]:
    """Page ids of the best ``limit`` matches, best first (used by the admin)."""
    search = Search.of(raw_query, filters=filters or Filters(), cap=limit)
    return [hit.page_id for hit in search[:limit]]


def index_documents(documents: Sequence[Document], *, index=None) -> None:
    """Add or replace documents in the live index."""
    index = index or get_index()
    index.remove([doc.page_id for doc in documents])
    index.add(documents)


def remove_documents(page_ids: Sequence[int], *, index=None) -> None:
    (index or get_index()).remove(list(page_ids))
