# ruff: noqa: S608 - table names in SQL are this module's own constants; every value is a query parameter.
"""PostgreSQL index: tsvector columns with GIN indexes, no extension needed.

One table, ``tgsearch_document``: plain text, scope (the ids of the pages
above the article, an integer array with its own GIN index), and three tsvectors —
title, title + lead, and everything — each with a GIN index, so every tier
(see ``engine.py``) is one index condition. The tsvectors are written as
literals built here from the index keys (``'dang_đảng':3,17``) rather than by
``to_tsvector``: the text-search parser would split keys at "_" and, under a C
locale, at every Vietnamese letter. A literal is taken as is, like the
``simple`` configuration without any parsing. Fields are separated by a
position gap so a phrase never spans two fields. A bare syllable is a prefix
query (``'dang_':*``), which GIN answers from its sorted list of keys.

Phrases: GIN does not store positions, so ``'a' <-> 'b'`` is checked row by
row on every article that has both words — for a name such as "Hoàng Thu
Thắng", whose syllables are all common, that was thousands of rows (2 s at
100k articles). A fourth tsvector, ``pairs_tsv``, holds each pair of
neighbouring syllables in folded form (``hoang+thu``, ``thu+thang``) without
positions; a phrase first asks GIN for its pairs, and only those few rows
are checked for the exact phrase.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Sequence

from django.db import transaction

from ..engine import Document, Filters, Tier
from ..query import Query, Syllable, Term
from ..text import nfc

COLUMNS = {("title",): "title_tsv", ("title", "lead"): "tl_tsv", ("title", "lead", "body"): "all_tsv"}
GIN_COLUMNS = (*COLUMNS.values(), "pairs_tsv")
MAX_POSITIONS = 255  # PostgreSQL keeps at most 256 positions per lexeme
CHUNK = 500
MAINTENANCE_WORK_MEM = "256MB"  # for building the GIN indexes of a million articles in minutes, not hours


def tsvector(fields: Sequence[Sequence[str]]) -> str:
    positions: dict[str, list[str]] = {}
    position = 1
    for keys in fields:
        for key in keys:
            found = positions.get(key)
            if found is None:
                positions[key] = [str(position)]
            elif len(found) < MAX_POSITIONS:
                found.append(str(position))
            position += 1
        position += 1  # gap between fields
    # Keys hold only letters, digits and "_" (see text.py): nothing to escape.
    return " ".join(f"'{key}':{','.join(found)}" for key, found in positions.items())


def _folded(key: str) -> str:
    return key[: key.index("_")]


def pairs(fields: Sequence[Sequence[str]]) -> str:
    """Neighbouring syllables of each field, folded: ``'hoang+thu' 'thu+thang'``."""
    found = {f"'{_folded(a)}+{_folded(b)}'" for keys in fields for a, b in zip(keys, keys[1:], strict=False)}
    return " ".join(sorted(found))


def _pairs_query(query: Query) -> str:
    found = {
        f"'{a.folded}+{b.folded}'"
        for term in query.terms
        for a, b in zip(term.syllables, term.syllables[1:], strict=False)
    }
    return " & ".join(sorted(found))


def _lexeme(syllable: Syllable, literal: bool) -> str:
    if syllable.exact:
        return f"'{syllable.key}'"
    if literal:
        return f"'{syllable.literal_key}'"
    return f"'{syllable.prefix}':*"


def _term(term: Term, literal: bool) -> str:
    return "(" + " <-> ".join(_lexeme(s, literal) for s in term.syllables) + ")"


class Compiled:
    """One tsquery per tier."""

    def __init__(self, query: Query, tiers: list[Tier]):
        self.tiers = [(COLUMNS[t.fields], " & ".join(_term(term, t.literal) for term in query.terms)) for t in tiers]
        self.pairs = _pairs_query(query)

    def conditions(self, tier: int, scope: Sequence[int]) -> tuple[list[str], list]:
        column, tsquery = self.tiers[tier]
        sql, params = [f"{column} @@ %s::tsquery"], [tsquery]
        if self.pairs:
            sql.append("pairs_tsv @@ %s::tsquery")
            params.append(self.pairs)
        if scope:
            sql.append("scope @> %s::integer[]")
            params.append(list(scope))
        return sql, params


class PostgresIndex:
    vendor = "postgresql"

    def __init__(self, connection, *, suffix: str = ""):
        self.connection = connection
        self.suffix = suffix
        self.documents = "tgsearch_document" + suffix
        self.tag = ""

    # --- schema -----------------------------------------------------------

    def create(self, *, search_indexes: bool = True) -> None:
        """Create the table; a bulk load creates the GIN indexes afterwards (``finish``)."""
        self.tag = secrets.token_hex(4)  # index names are global in a schema
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {self.documents} (sort_key bigint NOT NULL, page_id integer NOT NULL, "
                "scope integer[] NOT NULL, title text NOT NULL, lead text NOT NULL, body text NOT NULL, "
                "indexed_at double precision NOT NULL, title_tsv tsvector NOT NULL, tl_tsv tsvector NOT NULL, "
                "all_tsv tsvector NOT NULL, pairs_tsv tsvector NOT NULL, "
                f"CONSTRAINT tgsearch_doc_pk_{self.tag} PRIMARY KEY (sort_key))"
            )
            cursor.execute(f"CREATE UNIQUE INDEX tgsearch_doc_page_{self.tag} ON {self.documents} (page_id)")
            cursor.execute(f"CREATE INDEX tgsearch_doc_indexed_{self.tag} ON {self.documents} (indexed_at)")
            # A category's articles are few: found through this index, then matched.
            cursor.execute(f"CREATE INDEX tgsearch_doc_scope_{self.tag} ON {self.documents} USING gin (scope)")
        if search_indexes:
            self.finish()

    def finish(self) -> None:
        """Create the GIN indexes (after a bulk load: much faster than updating them row by row)."""
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem TO '{MAINTENANCE_WORK_MEM}'")
            for column in GIN_COLUMNS:
                name = f"tgsearch_doc_{column}_{self.tag or secrets.token_hex(4)}"
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {self.documents} USING gin ({column})")
            cursor.execute(f"ANALYZE {self.documents}")

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.documents}")

    def exists(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.documents])
            return cursor.fetchone()[0]

    def lock(self) -> None:
        """Hold off concurrent index writes until the end of the transaction (reads go on)."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {self.documents} IN SHARE ROW EXCLUSIVE MODE")

    def replace(self, live: PostgresIndex) -> None:
        """Put this (fresh) index in place of ``live``; run inside a transaction."""
        live.drop()
        with self.connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {self.documents} RENAME TO {live.documents}")

    def size_bytes(self) -> dict[str, int]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_table_size(%s), pg_indexes_size(%s)", [self.documents, self.documents])
            table, indexes = cursor.fetchone()
        return {"documents": table, "index": indexes}

    # --- writes -----------------------------------------------------------

    def add(self, documents: Iterable[Document]) -> None:
        now = time.time()
        rows = []
        for doc in documents:
            title, lead, body = doc.keys()
            rows.append(
                (
                    doc.sort_key,
                    doc.page_id,
                    list(doc.scope),
                    nfc(doc.title),
                    nfc(doc.lead),
                    nfc(doc.body),
                    now,
                    tsvector([title]),
                    tsvector([title, lead]),
                    tsvector([title, lead, body]),
                    pairs([title, lead, body]),
                )
            )
        if not rows:
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.documents} (sort_key, page_id, scope, title, lead, body, indexed_at, "
                "title_tsv, tl_tsv, all_tsv, pairs_tsv) VALUES (%s, %s, %s, %s, %s, %s, %s, %s::tsvector, "
                "%s::tsvector, %s::tsvector, %s::tsvector)",
                rows,
            )

    def remove(self, page_ids: Sequence[int]) -> None:
        if not page_ids:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.documents} WHERE page_id = ANY(%s)", [list(page_ids)])

    # --- reads ------------------------------------------------------------

    def page_ids(self) -> set[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT page_id FROM {self.documents}")
            return {row[0] for row in cursor.fetchall()}

    def page_ids_indexed_since(self, moment: float) -> set[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT page_id FROM {self.documents} WHERE indexed_at >= %s", [moment])
            return {row[0] for row in cursor.fetchall()}

    def stored(self, page_ids: Sequence[int]) -> dict[int, Document]:
        found: dict[int, Document] = {}
        if not page_ids:
            return found
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id, sort_key, scope, title, lead, body FROM {self.documents} WHERE page_id = ANY(%s)",
                [list(page_ids)],
            )
            for page_id, key, scope, title, lead, body in cursor.fetchall():
                found[page_id] = Document(page_id, key, tuple(scope), title, lead, body)
        return found

    def compile(self, query: Query, tiers: list[Tier]) -> Compiled:
        return Compiled(query, tiers)

    def _where(self, compiled: Compiled, tier: int, filters: Filters) -> tuple[str, list]:
        sql, params = compiled.conditions(tier, filters.scope)
        if filters.key_min is not None:
            sql.append("sort_key >= %s")
            params.append(filters.key_min)
        if filters.key_max is not None:
            sql.append("sort_key <= %s")
            params.append(filters.key_max)
        return " AND ".join(sql), params

    def fetch(self, compiled: Compiled, tier: int, filters: Filters, *, limit: int) -> list[int]:
        """Sort keys of one tier's matches, newest first."""
        if limit <= 0:
            return []
        where, params = self._where(compiled, tier, filters)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT sort_key FROM {self.documents} WHERE {where} ORDER BY sort_key DESC LIMIT %s",
                [*params, limit],
            )
            return [row[0] for row in cursor.fetchall()]
