"""Search index migrations bring an existing index up to date without a manual rebuild."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found, publish

reshape_migration = importlib.import_module("tuyengiao.search.migrations.0003_pg_partitioned_index")


def _legacy_tsvector(fields):
    """A tsvector as the earlier layout wrote it: keys with positions, no folded syllables."""
    positions, position = {}, 1
    for keys in fields:
        for key in keys:
            positions.setdefault(key, []).append(str(position))
            position += 1
        position += 1
    return " ".join(f"'{key}':{','.join(p[:255])}" for key, p in positions.items())


def _make_legacy_index(documents, *, with_pairs: bool):
    """The single table 0001 created before partitions (and before pairs, without ``with_pairs``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE tgsearch_document (sort_key bigint NOT NULL, page_id integer NOT NULL, "
            "scope integer[] NOT NULL, title text NOT NULL, lead text NOT NULL, body text NOT NULL, "
            "indexed_at double precision NOT NULL, title_tsv tsvector NOT NULL, tl_tsv tsvector NOT NULL, "
            "all_tsv tsvector NOT NULL, pairs_tsv tsvector NOT NULL, CONSTRAINT tgsearch_doc_pk_legacy PRIMARY KEY (sort_key))"
        )
        cursor.execute("CREATE UNIQUE INDEX tgsearch_doc_page_legacy ON tgsearch_document (page_id)")
        for column in ("title_tsv", "tl_tsv", "all_tsv"):
            cursor.execute(f"CREATE INDEX tgsearch_doc_{column}_legacy ON tgsearch_document USING gin ({column})")
        for doc in documents:
            title, lead, body = doc.keys()
            cursor.execute(
                "INSERT INTO tgsearch_document (sort_key, page_id, scope, title, lead, body, indexed_at, title_tsv, "
                "tl_tsv, all_tsv, pairs_tsv) VALUES (%s, %s, %s, %s, %s, %s, 0, "
                "%s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
                [
                    doc.sort_key,
                    doc.page_id,
                    list(doc.scope),
                    doc.title,
                    doc.lead,
                    doc.body,
                    _legacy_tsvector([title]),
                    _legacy_tsvector([title, lead]),
                    _legacy_tsvector([title, lead, body]),
                    "",
                ],
            )
        if not with_pairs:
            cursor.execute("ALTER TABLE tgsearch_document DROP COLUMN pairs_tsv")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only the PostgreSQL index changed layout")
@pytest.mark.parametrize("with_pairs", [True, False], ids=["after-0002", "before-0002"])
def test_an_index_of_the_earlier_layout_answers_after_migration(client, category, with_pairs):
    named = publish(category, "Gặp mặt đồng chí Hoàng Thu Thắng", day=1)
    other = publish(category, "Hoàng Văn Thu thắng giải", day=2)  # same syllables, not the phrase
    old = publish(category, "Tổng kết năm 2023", day=3)
    index = engine.get_index()
    documents = list(index.stored([named.pk, other.pk, old.pk]).values())
    index.drop()
    _make_legacy_index(documents, with_pairs=with_pairs)

    with connection.schema_editor() as editor:
        reshape_migration.reshape(apps, editor)

    assert found(client, '"hoang thu thang"') == [named.pk]
    assert found(client, '"Hoàng Thu Thắng"') == [named.pk]
    assert found(client, "thang") == [other.pk, named.pk]
    assert found(client, "tong ket") == [old.pk]
    named.unpublish()  # and the live index keeps following the site
    assert found(client, "thang") == [other.pk]
    assert engine.get_index(suffix=reshape_migration.SUFFIX).exists() is False
