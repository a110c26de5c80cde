"""Create the search index tables (SQLite FTS5 or PostgreSQL tsvector + GIN).

The DDL lives in tuyengiao/search/backends/ because `rebuild_search_index`
creates the same tables under another name before swapping them in.
"""

from django.db import migrations

SUPPORTED = ("sqlite", "postgresql")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor in SUPPORTED:
        from tuyengiao.search.engine import get_index

        get_index(schema_editor.connection).create()


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in SUPPORTED:
        from tuyengiao.search.engine import get_index

        get_index(schema_editor.connection).drop()


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_index, drop_index)]
