"""Record every publication already public when the ledger arrives, so that withdrawing it later leaves a tombstone."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    PublicationPage = apps.get_model("publications", "PublicationPage")
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    OaiRecord = apps.get_model("repository", "OaiRecord")
    restricted = [path for path in PageViewRestriction.objects.values_list("page__path", flat=True)]
    rows = []
    for page in PublicationPage.objects.filter(live=True).prefetch_related(
        "country_tags__country", "theme_tags__theme", "gcm_tags__objective"
    ):
        if any(page.path.startswith(path) for path in restricted):
            continue  # private: harvesters never saw it
        # The same sets as repository.records.page_set_specs (historical models have none of its methods).
        specs = ["type", f"type:{page.publication_type}"]
        for family, values in (
            ("country", [t.country.alpha2 for t in page.country_tags.all()]),
            ("theme", [t.theme.slug for t in page.theme_tags.all()]),
            ("gcm", [t.objective.number for t in page.gcm_tags.all()]),
        ):
            if values:
                specs += [family, *(f"{family}:{value}" for value in values)]
        stamp = page.last_published_at or page.first_published_at or timezone.now()
        rows.append(OaiRecord(page_id=page.pk, datestamp=stamp, set_specs=" " + " ".join(specs) + " "))
    OaiRecord.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0001_oai_record_ledger"),
        ("publications", "0006_author_unique_orcid"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
