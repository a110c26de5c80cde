"""PostgreSQL: move an index of the earlier layout to the partitioned one.

Before, one table ``tgsearch_document`` held the text and the tsvectors (with
or without ``pairs_tsv``, see 0002). Now the text stays in
``tgsearch_document`` and queries read ``tgsearch_tsv``, partitioned by
publication time, whose tsvectors also hold folded syllables (see
``backends/postgres.py``). The tsvectors cannot be converted in place, so the
new index is built from the stored text next to the old one and swapped in,
as ``rebuild_search_index`` does. SQLite and fresh PostgreSQL databases (0001
already creates the new layout) are left alone.
"""

from django.db import migrations

BATCH = 1000
SUFFIX = "_0003"


def reshape(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from tuyengiao.search.backends.postgres import PostgresIndex
    from tuyengiao.search.engine import Document

    live = PostgresIndex(connection)
    if live.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [live.documents])
        legacy = cursor.fetchone()[0]
    fresh = PostgresIndex(connection, suffix=SUFFIX)
    fresh.drop()
    fresh.create(search_indexes=False)
    last = None
    while legacy:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id, sort_key, scope, title, lead, body FROM {live.documents} "  # noqa: S608 - own table
                "WHERE %s::bigint IS NULL OR sort_key > %s ORDER BY sort_key LIMIT %s",
                [last, last, BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        fresh.add([Document(page_id, key, tuple(scope), t, le, b) for page_id, key, scope, t, le, b in rows])
        last = rows[-1][1]
    fresh.finish()
    fresh.replace(live)


class Migration(migrations.Migration):
    dependencies = [("tgsearch", "0002_pg_phrase_pairs")]
    operations = [migrations.RunPython(reshape, migrations.RunPython.noop)]
