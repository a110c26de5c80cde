"""Search index migrations bring an existing index up to date without a rebuild."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from tuyengiao.search import engine
from tuyengiao.search.tests.conftest import found, publish

pairs_migration = importlib.import_module("tuyengiao.search.migrations.0002_pg_phrase_pairs")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pairs_tsv exists only in the PostgreSQL backend")
def test_an_index_from_before_phrase_pairs_gets_them_filled(client, category):
    named = publish(category, "Gặp mặt đồng chí Hoàng Thu Thắng", day=1)
    publish(category, "Hoàng Văn Thu thắng giải", day=2)  # same syllables, not the phrase
    documents = engine.get_index().documents
    with connection.cursor() as cursor:  # the index as 0001 created it before this change
        cursor.execute(f"ALTER TABLE {documents} DROP COLUMN pairs_tsv")

    with connection.schema_editor() as editor:
        pairs_migration.add_pairs(apps, editor)

    assert found(client, '"hoang thu thang"') == [named.pk]
    assert found(client, '"Hoàng Thu Thắng"') == [named.pk]
