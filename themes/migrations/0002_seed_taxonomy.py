"""Seed the starting vocabulary: 26 countries, 15 themes and the 23 GCM objectives."""

import pycountry
from django.db import migrations

from themes import data


def seed(apps, schema_editor):
    Country = apps.get_model("themes", "Country")
    Theme = apps.get_model("themes", "Theme")
    GCMObjective = apps.get_model("themes", "GCMObjective")

    for row in data.countries():
        record = pycountry.countries.get(alpha_2=row["alpha2"])
        Country.objects.update_or_create(
            alpha2=row["alpha2"],
            defaults={
                "alpha3": record.alpha_3,
                "name": row["name"],
                "iso_name": record.name,
                "aliases": "\n".join(row.get("aliases", [])),
                "demonyms": "\n".join(row.get("demonyms", [])),
                "colombo_process_member": row.get("colombo_process_member", False),
                "main_destination": row.get("main_destination", False),
            },
        )
    for row in data.themes():
        Theme.objects.update_or_create(
            slug=row["slug"],
            defaults={"name": row["name"], "description": row["description"], "keywords": "\n".join(row["keywords"])},
        )
    for row in data.gcm_objectives():
        GCMObjective.objects.update_or_create(
            number=row["number"],
            defaults={
                "title": row["title"],
                "description": row["description"],
                "keywords": "\n".join(row["keywords"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("themes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
