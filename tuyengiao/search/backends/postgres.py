# ruff: noqa: S608 - table names in SQL are this module's own constants; every value is a query parameter.
"""PostgreSQL index: tsvector columns with GIN indexes, no extension needed.

Two tables (``suffix`` lets a rebuild fill fresh ones next to the live ones):

- ``tgsearch_document``: one row per article — plain text, scope, sort key,
  ``indexed_at`` — the source of snippets (``stored``), never searched;
- ``tgsearch_tsv``: what queries read, and nothing else: sort key, page id,
  scope (the ids of the pages above the article) and three tsvectors — title,
  title + lead, everything: one per ranking tier (see ``engine.py``), each
  with a GIN index. It is RANGE-partitioned by sort key, one partition per
  ``PARTITION_MONTHS`` months of publication (created when the first article
  of the period arrives).

Why partitions: a GIN index cannot return rows newest first, so "the newest 200
articles containing *đảng*" is a bitmap of every match, a visit of each
matching row and a top-N sort — 300,000 rows at a million articles. ``fetch``
walks the partitions newest first instead, in windows of whole partitions
(one query each, the others pruned when planned): one partition, then more
at a time as the matches found so far suggest, until the limit is met. A
common word costs one partition's matches; a rare word a few queries of one
cheap GIN probe per partition. (PostgreSQL's own ordered Append would do
the same in one query, but only over an index that is already in sort-key
order: given a b-tree on the sort key, the planner walks it and reads back
every row's tsvector to filter — 450 ms for a word no title has at 100,000
articles, measured.) There is no b-tree on the sort key for that reason.

The planner does not know that a tsvector read back costs a TOAST fetch and
decompression: for a word in most articles it prefers a sequential scan that
reads every tsvector (335 ms for one partition of 26,000 articles, against a
few ms for a bitmap of the GIN index, which needs none). Searches therefore
run with sequential and plain index scans off, and without JIT (compiling
costs more than these queries), set for their transaction only.

Why narrow rows: the text lives in the other table and the tsvectors are
moved out of line (``toast_tuple_target``; the scope array is kept inline,
it is checked on every match), so a heap row is ~130 bytes and visiting
thousands of matches reads a few hundred pages, not gigabytes. The scope needs
no index of its own: checked on the matches, it costs next to nothing, while
given one the planner would AND in (or prefer) a bitmap of every article of
the portal.

The tsvectors are written as literals built here from the index keys
(``'dang_đảng':3,17``) rather than by ``to_tsvector``: the text-search parser
would split keys at "_" and, under a C locale, at every Vietnamese letter. A
literal is taken as is. Fields are separated by a position gap so a phrase
never spans two fields. Each tsvector also holds, without positions, every
syllable's folded form alone (``'dang'``), so a syllable typed without
diacritics is one exact GIN key instead of a prefix query (``'dang_':*``:
prefix matches merge many keys and force a recheck of every row), and each
pair of neighbouring syllables of a field, folded (``'hoang+thu'``,
``'thu+thang'``).

So every tier of every query is one condition on one GIN index that GIN
answers exactly, and a tsvector is never read back — except for a phrase
(GIN does not store positions): GIN gives the articles with the phrase's
syllables and neighbour pairs, newest first, and only then, lazily, in that
order, is the exact phrase checked on each candidate's tsvector until the
limit is met; candidates past the limit are never read back. (The pairs were
a tsvector of their own before; with two GIN conditions the planner used one
index and checked the other condition by reading every candidate's tsvector.)
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Iterable, Sequence

from django.db import transaction

from ..engine import SORT_SHIFT, Document, Filters, Tier
from ..query import Query, Syllable, Term
from ..text import nfc

COLUMNS = {("title",): "title_tsv", ("title", "lead"): "tl_tsv", ("title", "lead", "body"): "all_tsv"}
GIN_COLUMNS = tuple(COLUMNS.values())
MAX_POSITIONS = 255  # PostgreSQL keeps at most 256 positions per lexeme
CHUNK = 500
MAINTENANCE_WORK_MEM = "256MB"  # for building the GIN indexes of a million articles in minutes, not hours
# One partition per quarter: ~26,000 articles at the benchmark's rate of one
# every five minutes (a million articles over ten years).
PARTITION_MONTHS = 3
# Rows longer than this have their tsvectors compressed and moved out of line.
TOAST_TUPLE_TARGET = 128
KEY_MAX = 2**63 - 1
# A window that found nothing is followed by one this many times larger.
EMPTY_WINDOW_GROWTH = 8
# Turned off, for the searches only (SET LOCAL), see ``fetch``.
PLANNER_SETTINGS = ("enable_seqscan", "enable_indexscan", "jit")


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
    folded = {_folded(key) for key in positions}
    # Keys hold only letters, digits and "_" (see text.py): nothing to escape.
    # Folded forms have no "_" and pairs a "+": they never collide with a key.
    return " ".join(
        [
            *(f"'{key}':{','.join(found)}" for key, found in positions.items()),
            *(f"'{f}'" for f in folded),
            *pairs(fields),
        ]
    )


def _folded(key: str) -> str:
    return key[: key.index("_")]


def pairs(fields: Sequence[Sequence[str]]) -> set[str]:
    """Neighbouring syllables of each field, folded: ``'hoang+thu' 'thu+thang'``."""
    return {f"'{_folded(a)}+{_folded(b)}'" for keys in fields for a, b in zip(keys, keys[1:], strict=False)}


def _pairs_query(query: Query) -> list[str]:
    found = {
        f"'{a.folded}+{b.folded}'"
        for term in query.terms
        for a, b in zip(term.syllables, term.syllables[1:], strict=False)
    }
    return sorted(found)


def _lexeme(syllable: Syllable, literal: bool) -> str:
    """The exact GIN key that every match of this syllable has."""
    if syllable.exact:
        return f"'{syllable.key}'"
    if literal:
        return f"'{syllable.literal_key}'"
    return f"'{syllable.folded}'"


def _positional(syllable: Syllable, literal: bool) -> str:
    """The syllable inside a phrase (checked on the tsvector itself, where prefixes cost nothing)."""
    if syllable.exact or literal:
        return _lexeme(syllable, literal)
    return f"'{syllable.prefix}':*"


def _phrase(term: Term, literal: bool) -> str:
    return "(" + " <-> ".join(_positional(s, literal) for s in term.syllables) + ")"


class Compiled:
    """Per tier: the column, a tsquery GIN answers exactly, and the phrases to check afterwards (or None)."""

    def __init__(self, query: Query, tiers: list[Tier]):
        self.tiers = []
        pair_lexemes = _pairs_query(query)
        for t in tiers:
            lexemes = dict.fromkeys(_lexeme(s, t.literal) for term in query.terms for s in term.syllables)
            phrases = [_phrase(term, t.literal) for term in query.terms if term.is_phrase]
            self.tiers.append((COLUMNS[t.fields], " & ".join([*lexemes, *pair_lexemes]), " & ".join(phrases) or None))
        self.periods: list[tuple[int | None, int | None]] | None = None  # read by the first fetch

    def conditions(self, tier: int, scope: Sequence[int]) -> tuple[list[str], list]:
        column, tsquery, _ = self.tiers[tier]
        sql, params = [f"{column} @@ %s::tsquery"], [tsquery]
        if scope:
            sql.append("scope @> %s::integer[]")
            params.append(list(scope))
        return sql, params


def partition_bounds(key: int) -> tuple[str, int | None, int | None]:
    """(name suffix, first key, first key after) of the partition holding ``key``; None is unbounded."""
    moment = datetime.datetime.fromtimestamp(key // SORT_SHIFT, tz=datetime.UTC)
    first = (moment.month - 1) // PARTITION_MONTHS * PARTITION_MONTHS + 1
    start = datetime.datetime(moment.year, first, 1, tzinfo=datetime.UTC)
    month = first + PARTITION_MONTHS
    end = datetime.datetime(moment.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=datetime.UTC)
    low = int(start.timestamp()) * SORT_SHIFT
    high = int(end.timestamp()) * SORT_SHIFT
    name = f"p{moment.year:04d}_{first:02d}"
    return name, (low if low >= -KEY_MAX else None), (high if high <= KEY_MAX else None)


def _period_of(name: str) -> tuple[int | None, int | None]:
    """Bounds of a partition from its name's ``pYYYY_MM`` (see ``partition_bounds``)."""
    year, month = name[-7:-3], name[-2:]
    moment = datetime.datetime(int(year), int(month), 1, tzinfo=datetime.UTC)
    return partition_bounds(int(moment.timestamp()) * SORT_SHIFT)[1:]


class PostgresIndex:
    vendor = "postgresql"

    def __init__(self, connection, *, suffix: str = ""):
        self.connection = connection
        self.suffix = suffix
        self.documents = "tgsearch_document" + suffix  # stored text
        self.tsv = "tgsearch_tsv" + suffix  # what queries read, partitioned
        self.tag = ""

    # --- schema -----------------------------------------------------------

    def create(self, *, search_indexes: bool = True) -> None:
        """Create the tables; a bulk load creates the GIN indexes afterwards (``finish``)."""
        self.tag = secrets.token_hex(4)  # index names are global in a schema
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {self.documents} (page_id integer NOT NULL, sort_key bigint NOT NULL, "
                "scope integer[] NOT NULL, title text NOT NULL, lead text NOT NULL, body text NOT NULL, "
                f"indexed_at double precision NOT NULL, CONSTRAINT tgsearch_doc_pk_{self.tag} PRIMARY KEY (page_id))"
            )
            cursor.execute(f"CREATE INDEX tgsearch_doc_indexed_{self.tag} ON {self.documents} (indexed_at)")
            cursor.execute(
                f"CREATE TABLE {self.tsv} (sort_key bigint NOT NULL, page_id integer NOT NULL, "
                "scope integer[] NOT NULL, title_tsv tsvector NOT NULL, tl_tsv tsvector NOT NULL, "
                "all_tsv tsvector NOT NULL) PARTITION BY RANGE (sort_key)"
            )
            cursor.execute(f"ALTER TABLE {self.tsv} ALTER COLUMN scope SET STORAGE PLAIN")  # inline, see above
            cursor.execute(f"CREATE INDEX tgsearch_tsv_page_{self.tag} ON {self.tsv} (page_id)")  # for removals
        if search_indexes:
            self.finish()

    def finish(self) -> None:
        """Create the GIN indexes (after a bulk load: much faster than updating them row by row).

        Created on the partitioned table, they are created on every partition,
        and on every partition made later.
        """
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem TO '{MAINTENANCE_WORK_MEM}'")
            for column in GIN_COLUMNS:
                name = f"tgsearch_tsv_{column}_{self.tag or secrets.token_hex(4)}"
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {self.tsv} USING gin ({column})")
            cursor.execute(f"ANALYZE {self.tsv}")
            cursor.execute(f"ANALYZE {self.documents}")

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.tsv}")  # and its partitions
            cursor.execute(f"DROP TABLE IF EXISTS {self.documents}")

    def exists(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.tsv])
            return cursor.fetchone()[0]

    def lock(self) -> None:
        """Hold off concurrent index writes until the end of the transaction (reads go on)."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {self.documents}, {self.tsv} IN SHARE ROW EXCLUSIVE MODE")

    def partitions(self) -> list[str]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
                [self.tsv],
            )
            return [row[0] for row in cursor.fetchall()]

    def replace(self, live: PostgresIndex) -> None:
        """Put this (fresh) index in place of ``live``; run inside a transaction."""
        live.drop()
        with self.connection.cursor() as cursor:
            for name in self.partitions():  # partition names are global too
                cursor.execute(f"ALTER TABLE {name} RENAME TO {live.tsv}{name.removeprefix(self.tsv)}")
            cursor.execute(f"ALTER TABLE {self.tsv} RENAME TO {live.tsv}")
            cursor.execute(f"ALTER TABLE {self.documents} RENAME TO {live.documents}")

    def size_bytes(self) -> dict[str, int]:
        """Bytes of the stored text, and of the searched table with its indexes."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size(%s), "
                "(SELECT COALESCE(SUM(pg_total_relation_size(i.inhrelid)), 0)::bigint FROM pg_inherits i "
                " WHERE i.inhparent = to_regclass(%s))",
                [self.documents, self.tsv],
            )
            documents, searched = cursor.fetchone()
        return {"documents": documents, "index": searched}

    def _ensure_partitions(self, cursor, keys: Iterable[int]) -> None:
        """Create the partitions these sort keys fall in, if missing.

        Creating a partition locks the table briefly (once per period, with
        its first article); the advisory lock keeps two writers from
        creating the same one.
        """
        wanted = {partition_bounds(key) for key in keys}
        existing = set(self.partitions())
        missing = [b for b in wanted if f"{self.tsv}_{b[0]}" not in existing]
        if not missing:
            return
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.tsv])
        existing = set(self.partitions())
        for name, low, high in sorted(missing, key=lambda b: b[0]):
            table = f"{self.tsv}_{name}"
            if table in existing:
                continue
            bounds = f"FROM ({'MINVALUE' if low is None else low}) TO ({'MAXVALUE' if high is None else high})"
            cursor.execute(
                f"CREATE TABLE {table} PARTITION OF {self.tsv} FOR VALUES {bounds} "
                f"WITH (toast_tuple_target = {TOAST_TUPLE_TARGET})"
            )

    # --- writes -----------------------------------------------------------

    def add(self, documents: Iterable[Document]) -> None:
        now = time.time()
        texts, searched = [], []
        for doc in documents:
            title, lead, body = doc.keys()
            texts.append((doc.page_id, doc.sort_key, list(doc.scope), nfc(doc.title), nfc(doc.lead), nfc(doc.body), now))
            searched.append(
                (
                    doc.sort_key,
                    doc.page_id,
                    list(doc.scope),
                    tsvector([title]),
                    tsvector([title, lead]),
                    tsvector([title, lead, body]),
                )
            )
        if not texts:
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            self._ensure_partitions(cursor, [row[0] for row in searched])
            cursor.executemany(
                f"INSERT INTO {self.documents} (page_id, sort_key, scope, title, lead, body, indexed_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                texts,
            )
            cursor.executemany(
                f"INSERT INTO {self.tsv} (sort_key, page_id, scope, title_tsv, tl_tsv, all_tsv) "
                "VALUES (%s, %s, %s, %s::tsvector, %s::tsvector, %s::tsvector)",
                searched,
            )

    def remove(self, page_ids: Sequence[int]) -> None:
        if not page_ids:
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.documents} WHERE page_id = ANY(%s) RETURNING sort_key", [list(page_ids)])
            keys = [row[0] for row in cursor.fetchall()]
            if keys:
                # The sort keys prune the partitions, the page ids find the rows.
                cursor.execute(
                    f"DELETE FROM {self.tsv} WHERE sort_key = ANY(%s) AND page_id = ANY(%s)", [keys, list(page_ids)]
                )

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

    def _periods(self, compiled: Compiled, filters: Filters) -> list[tuple[int | None, int | None]]:
        """Bounds of the partitions that may hold matches, newest first (read once per query)."""
        if compiled.periods is None:
            periods = sorted((_period_of(name) for name in self.partitions()), key=lambda b: -KEY_MAX if b[0] is None else b[0])
            compiled.periods = periods[::-1]
        return [
            (low, high)
            for low, high in compiled.periods
            if (filters.key_max is None or low is None or low <= filters.key_max)
            and (filters.key_min is None or high is None or high > filters.key_min)
        ]

    def fetch(self, compiled: Compiled, tier: int, filters: Filters, *, limit: int) -> list[int]:
        """Sort keys of one tier's matches, newest first: partitions in growing windows (see module docstring)."""
        periods = self._periods(compiled, filters)
        found: list[int] = []
        start, size = 0, 1
        nested = self.connection.in_atomic_block
        with transaction.atomic(using=self.connection.alias, savepoint=False), self.connection.cursor() as cursor:
            before = self._configure(cursor, dict.fromkeys(PLANNER_SETTINGS, "off"))
            while start < len(periods) and len(found) < limit:
                window = periods[start : start + size]
                rows = self._fetch_window(cursor, compiled, tier, filters, window[-1][0], window[0][1], limit - len(found))
                found += rows
                start += size
                if not rows:
                    size *= EMPTY_WINDOW_GROWTH
                else:  # enough partitions for the rest at the rate seen so far, at least twice as many
                    size = max(2 * size, -(-(limit - len(found)) * start // len(found)))
            if nested:  # the rest of the outer transaction runs as before
                self._configure(cursor, dict(zip(PLANNER_SETTINGS, before, strict=True)))
        return found

    @staticmethod
    def _configure(cursor, settings: dict[str, str]) -> tuple[str, ...]:
        """Set these settings for the transaction; returns their values before."""
        cursor.execute(
            f"SELECT {', '.join('current_setting(%s), set_config(%s, %s, true)' for _ in settings)}",
            [value for name, setting in settings.items() for value in (name, name, setting)],
        )
        return cursor.fetchone()[::2]

    def _fetch_window(self, cursor, compiled, tier, filters: Filters, low: int | None, high: int | None, limit: int):
        where, params = self._where(compiled, tier, filters)
        if low is not None:
            where += " AND sort_key >= %s"
            params.append(low)
        if high is not None:
            where += " AND sort_key < %s"
            params.append(high)
        column, _, phrases = compiled.tiers[tier]
        if phrases is None:
            sql = f"SELECT sort_key FROM {self.tsv} WHERE {where} ORDER BY sort_key DESC LIMIT %s"
            params = [*params, limit]
        else:
            # OFFSET 0 keeps the phrase check out of the inner query: it runs on
            # the candidates in order, and stops with the limit.
            sql = (
                f"SELECT sort_key FROM (SELECT sort_key, {column} AS tsv FROM {self.tsv} WHERE {where} "
                "ORDER BY sort_key DESC OFFSET 0) candidates WHERE tsv @@ %s::tsquery LIMIT %s"
            )
            params = [*params, phrases, limit]
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
