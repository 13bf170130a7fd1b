"""Add the seed's newer country aliases (native-script names, "RoK", "the Emirates") to existing rows.

A fresh database gets them from 0002; here an existing one gains the ones it lacks, and editors'
own aliases are kept.
"""

from django.db import migrations

from themes import data


def add_aliases(apps, schema_editor):
    Country = apps.get_model("themes", "Country")
    for row in data.countries():
        country = Country.objects.filter(alpha2=row["alpha2"]).first()
        if country is None:
            continue
        have = [line.strip() for line in country.aliases.splitlines() if line.strip()]
        missing = [alias for alias in row.get("aliases", []) if alias not in have]
        if missing:
            country.aliases = "\n".join(have + missing)
            country.save(update_fields=["aliases"])


class Migration(migrations.Migration):
    dependencies = [("themes", "0004_tagger_model")]

    operations = [migrations.RunPython(add_aliases, migrations.RunPython.noop, elidable=True)]
