"""PostgreSQL: formerly added ``pairs_tsv`` (neighbouring syllables) to an index made by 0001.

Superseded by 0003, which rebuilds every index of the earlier layout from its
stored text, pairs included; kept so the migration graph stays the same.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tgsearch", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
