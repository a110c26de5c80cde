"""PostgreSQL: add ``pairs_tsv`` (neighbouring syllables) to an existing index.

Indexes created by 0001 before phrases got their pair filter lack the column;
it is added and filled from the stored text, so no rebuild is needed. SQLite
and fresh PostgreSQL databases (0001 already creates it) are left alone.
"""

from django.db import migrations

BATCH = 1000


def add_pairs(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from tuyengiao.search.backends.postgres import MAINTENANCE_WORK_MEM, PostgresIndex, pairs

    index = PostgresIndex(connection)
    if not index.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'pairs_tsv'",
            [index.documents],
        )
        if cursor.fetchone():
            return
        cursor.execute(f"ALTER TABLE {index.documents} ADD COLUMN pairs_tsv tsvector NOT NULL DEFAULT ''")
        cursor.execute(f"SELECT page_id FROM {index.documents} ORDER BY page_id")
        page_ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(page_ids), BATCH):
            documents = index.stored(page_ids[start : start + BATCH])
            cursor.executemany(
                f"UPDATE {index.documents} SET pairs_tsv = %s::tsvector WHERE page_id = %s",
                [(pairs(list(doc.keys())), page_id) for page_id, doc in documents.items()],
            )
        cursor.execute(f"SET LOCAL maintenance_work_mem TO '{MAINTENANCE_WORK_MEM}'")
        cursor.execute(f"CREATE INDEX tgsearch_doc_pairs_tsv_0002 ON {index.documents} USING gin (pairs_tsv)")


class Migration(migrations.Migration):
    dependencies = [("tgsearch", "0001_initial")]
    operations = [migrations.RunPython(add_pairs, migrations.RunPython.noop)]
