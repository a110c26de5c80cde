# ruff: noqa: S608 - table names in SQL are this module's own constants; every value is a query parameter.
"""SQLite FTS5 index.

Tables (``suffix`` lets a rebuild fill fresh ones next to the live ones):

- ``tgsearch_document``: one row per article (plain text, scope) keyed by sort
  key, the source of snippets and of the values FTS5 needs to delete a row;
- ``tgsearch_fts``, ``tgsearch_fts_head``, ``tgsearch_fts_title``: contentless
  FTS5 tables, ``rowid`` = sort key, holding index keys (``dang_đảng``) of
  title + lead + body, title + lead, and title alone (one per ranking tier:
  an FTS5 column filter still reads the token's whole doclist, so "in the
  title" over a body-sized doclist was the slowest query at 100k articles),
  and a scope column with the ids of the pages above the article;
- ``tgsearch_vocab``: every key ever indexed. FTS5 prefix queries build the
  whole merged doclist before returning a row (measured: 40–600 ms for a
  common syllable at 200k documents), so a bare syllable is expanded here into
  its few keys (``dang`` → ``dang_đảng``, ``dang_đang``, …) and matched with OR,
  which FTS5 walks lazily, newest first.
"""

from __future__ import annotations

import itertools
import math
import secrets
import time
from collections.abc import Iterable, Sequence

from ..engine import Document, Filters, Tier
from ..query import Query, Syllable, Term
from ..text import nfc

TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '_'"
# A phrase with bare syllables is expanded into at most this many exact
# phrases; beyond, those syllables fall back to FTS5 prefix tokens.
MAX_PHRASE_VARIANTS = 64
CHUNK = 500


def _quoted(key: str) -> str:
    # Keys hold only letters, digits and "_" (see text.py): nothing to escape.
    return f'"{key}"'


def _any(options: list[str]) -> str:
    return options[0] if len(options) == 1 else "(" + " OR ".join(f"({o})" for o in options) + ")"


class Compiled:
    """FTS5 MATCH expressions for one query, one per tier."""

    def __init__(self, index: SQLiteIndex, query: Query, tiers: list[Tier]):
        self.index = index
        self._variants: dict[str, list[str]] = {}
        self.tiers = [(index.tables[t.fields], self._tier(query, t)) for t in tiers]

    def _options(self, syllable: Syllable, literal: bool) -> list[str]:
        if syllable.exact:
            return [syllable.key]
        if literal:
            return [syllable.literal_key]
        if syllable.prefix not in self._variants:
            self._variants[syllable.prefix] = self.index.vocabulary(syllable.prefix)
        return self._variants[syllable.prefix]

    def _term(self, term: Term, literal: bool) -> str | None:
        options = [self._options(s, literal) for s in term.syllables]
        if not all(options):
            return None  # a syllable no document has: the term cannot match
        if math.prod(len(o) for o in options) <= MAX_PHRASE_VARIANTS:
            return _any([" + ".join(_quoted(k) for k in combo) for combo in itertools.product(*options)])
        parts = [
            _quoted(o[0]) if len(o) == 1 else f"{_quoted(s.prefix)} *"
            for s, o in zip(term.syllables, options, strict=True)
        ]
        return " + ".join(parts)

    def _tier(self, query: Query, tier: Tier) -> str | None:
        parts = []
        for term in query.terms:
            expression = self._term(term, tier.literal)
            if expression is None:
                return None
            parts.append(f"({expression})")
        return " AND ".join(parts) if parts else None

    def match(self, tier: int, scope: Sequence[int]) -> tuple[str, str | None]:
        """(table, MATCH expression or None when nothing can match) for one tier."""
        table, expression = self.tiers[tier]
        if expression is None:
            return table, None
        return table, " AND ".join([f"scope : {_quoted(str(page_id))}" for page_id in scope] + [expression])


class SQLiteIndex:
    vendor = "sqlite"

    def __init__(self, connection, *, suffix: str = ""):
        self.connection = connection
        self.suffix = suffix
        self.documents = "tgsearch_document" + suffix
        self.fts = "tgsearch_fts" + suffix
        self.vocab = "tgsearch_vocab" + suffix
        # Which FTS table answers each tier's fields.
        self.tables = {
            ("title",): "tgsearch_fts_title" + suffix,
            ("title", "lead"): "tgsearch_fts_head" + suffix,
            ("title", "lead", "body"): self.fts,
        }

    # --- schema -----------------------------------------------------------

    def create(self) -> None:
        tag = secrets.token_hex(4)  # index names must be unique across generations
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {self.documents} (sort_key INTEGER PRIMARY KEY, page_id INTEGER NOT NULL, "
                "scope TEXT NOT NULL, title TEXT NOT NULL, lead TEXT NOT NULL, body TEXT NOT NULL, "
                "indexed_at REAL NOT NULL)"
            )
            cursor.execute(f"CREATE UNIQUE INDEX tgsearch_doc_page_{tag} ON {self.documents} (page_id)")
            cursor.execute(f"CREATE INDEX tgsearch_doc_indexed_{tag} ON {self.documents} (indexed_at)")
            for fields, table in self.tables.items():
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(fields)}, scope, "
                    f"content='', columnsize=0, tokenize=\"{TOKENIZE}\")"
                )
            cursor.execute(f"CREATE TABLE {self.vocab} (key TEXT PRIMARY KEY) WITHOUT ROWID")

    def finish(self) -> None:
        """After a bulk load: merge FTS5 segments so queries read fewer b-trees."""
        with self.connection.cursor() as cursor:
            for table in self.tables.values():
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            for table in (*self.tables.values(), self.vocab, self.documents):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def exists(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [self.fts])
            return cursor.fetchone() is not None

    def lock(self) -> None:
        """Nothing to do: Django opens SQLite transactions with BEGIN IMMEDIATE (the write lock)."""

    def replace(self, live: SQLiteIndex) -> None:
        """Put this (fresh) index in place of ``live``; run inside a transaction."""
        live.drop()
        with self.connection.cursor() as cursor:
            pairs = [(self.documents, live.documents), (self.vocab, live.vocab)]
            pairs += [(self.tables[fields], live.tables[fields]) for fields in self.tables]
            for mine, theirs in pairs:
                cursor.execute(f"ALTER TABLE {mine} RENAME TO {theirs}")

    def size_bytes(self) -> dict[str, int]:
        """Bytes used by the stored text and by the full-text index (SQLite's dbstat)."""
        shadow = [
            f"{t}_{name}" for t in self.tables.values() for name in ("data", "idx", "config", "docsize", "content")
        ]
        groups = {"documents": [self.documents], "index": [*shadow, self.vocab]}
        sizes = {}
        with self.connection.cursor() as cursor:
            for group, tables in groups.items():
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(
                    f"SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                    f"(SELECT name FROM sqlite_master WHERE tbl_name IN ({marks}))",
                    tables,
                )
                sizes[group] = cursor.fetchone()[0] or 0
        return sizes

    # --- writes -----------------------------------------------------------

    def add(self, documents: Iterable[Document]) -> None:
        now = time.time()
        doc_rows, fts_rows, keys = [], [], set()
        for doc in documents:
            title, lead, body = doc.keys()
            keys.update(title, lead, body)
            scope = " ".join(map(str, doc.scope))
            doc_rows.append((doc.sort_key, doc.page_id, scope, nfc(doc.title), nfc(doc.lead), nfc(doc.body), now))
            fts_rows.append((doc.sort_key, " ".join(title), " ".join(lead), " ".join(body), scope))
        if not doc_rows:
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.documents} (sort_key, page_id, scope, title, lead, body, indexed_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                doc_rows,
            )
            self._write(cursor, fts_rows)
            cursor.executemany(f"INSERT OR IGNORE INTO {self.vocab} (key) VALUES (%s)", [(k,) for k in keys])

    def remove(self, page_ids: Sequence[int]) -> None:
        """Delete documents; FTS5 needs the indexed values back, recomputed from the stored text."""
        with self.connection.cursor() as cursor:
            for start in range(0, len(page_ids), CHUNK):
                chunk = list(page_ids[start : start + CHUNK])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT sort_key, page_id, scope, title, lead, body FROM {self.documents} "
                    f"WHERE page_id IN ({marks})",
                    chunk,
                )
                rows = cursor.fetchall()
                deletes = []
                for key, page_id, scope, title, lead, body in rows:
                    t, le, b = Document(page_id, key, (), title, lead, body).keys()
                    deletes.append((key, " ".join(t), " ".join(le), " ".join(b), scope))
                if deletes:
                    self._write(cursor, deletes, delete=True)
                    cursor.execute(f"DELETE FROM {self.documents} WHERE page_id IN ({marks})", chunk)

    def _write(self, cursor, rows: list[tuple], *, delete: bool = False) -> None:
        """Insert (or, for contentless FTS5, delete by giving the same values) rows into every FTS table.

        Rows are (sort key, title keys, lead keys, body keys, scope).
        """
        for fields, table in self.tables.items():
            columns = [*fields, "scope"]
            values = [(key, *texts[: len(fields)], scope) for key, *texts, scope in rows]
            if delete:
                values = [("delete", *row) for row in values]
                columns = [table, "rowid", *columns]
            else:
                columns = ["rowid", *columns]
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)

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
        """The stored documents (for snippets), by page id."""
        found: dict[int, Document] = {}
        with self.connection.cursor() as cursor:
            for start in range(0, len(page_ids), CHUNK):
                chunk = list(page_ids[start : start + CHUNK])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT page_id, sort_key, scope, title, lead, body FROM {self.documents} "
                    f"WHERE page_id IN ({marks})",
                    chunk,
                )
                for page_id, key, scope, title, lead, body in cursor.fetchall():
                    found[page_id] = Document(page_id, key, tuple(map(int, scope.split())), title, lead, body)
        return found

    def vocabulary(self, prefix: str) -> list[str]:
        """Every key starting with ``prefix`` (which ends with "_")."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT key FROM {self.vocab} WHERE key >= %s AND key < %s", [prefix, upper])
            return [row[0] for row in cursor.fetchall()]

    def compile(self, query: Query, tiers: list[Tier]) -> Compiled:
        return Compiled(self, query, tiers)

    def _where(self, table: str, match: str, filters: Filters) -> tuple[str, list]:
        sql = f"{table} MATCH %s"
        params: list = [match]
        if filters.key_min is not None:
            sql += " AND rowid >= %s"
            params.append(filters.key_min)
        if filters.key_max is not None:
            sql += " AND rowid <= %s"
            params.append(filters.key_max)
        return sql, params

    def fetch(self, compiled: Compiled, tier: int, filters: Filters, *, limit: int) -> list[int]:
        """Sort keys of one tier's matches, newest first."""
        table, match = compiled.match(tier, filters.scope)
        if match is None or limit <= 0:
            return []
        where, params = self._where(table, match, filters)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s", [*params, limit])
            return [row[0] for row in cursor.fetchall()]
