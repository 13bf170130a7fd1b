"""Create the database cache's table with the schema, so `migrate` alone gives a working site.

The cache (settings.CACHES, DatabaseCache) holds rate-limit counters and Wagtail's site root
paths; without its table every page answered 500 until someone ran `createcachetable`.
`createcachetable` skips tables that exist and caches that are not database-backed.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("salam", "0002_home_page_and_partners")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
