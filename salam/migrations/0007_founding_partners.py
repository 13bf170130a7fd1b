"""The centre's real founding partners, programme and funder as the default settings.

The names 0002 put in the footer were placeholders; those no publication names are removed, the
others stay as publishers but leave the footer. Fictional demo papers are never attributed to the
real partners (publications.demo gives them no institution).
"""

from django.db import migrations

FOUNDING_PARTNERS = [
    (
        "International Institute for Population Sciences",
        "India",
        "https://www.iipsindia.ac.in/",
        "Research and teaching on population, health and migration, Mumbai.",
    ),
    (
        "Sustainable Development Policy Institute",
        "Pakistan",
        "https://sdpi.org/",
        "Policy research and advocacy on sustainable development, Islamabad.",
    ),
    (
        "Refugee and Migratory Movements Research Unit",
        "Bangladesh",
        "https://www.rmmru.org/",
        "Research, training and advocacy on migration and refugees, Dhaka.",
    ),
    (
        "Institute of Policy Studies",
        "Sri Lanka",
        "https://www.ips.lk/",
        "Economic and social policy research, Colombo.",
    ),
    (
        "Centre for the Study of Labour and Mobility",
        "Nepal",
        "https://www.ceslam.org/",
        "Research on labour, migration and mobility, Kathmandu.",
    ),
]

PLACEHOLDERS = [
    "Bangladesh Institute for Migration Studies",
    "Centre for Labour Mobility Research, New Delhi",
    "Nepal Migration Policy Institute",
    "Pakistan Centre for Overseas Employment Research",
    "Sri Lanka Institute of Labour Migration",
]


def set_founding_partners(apps, schema_editor):
    CentreSettings = apps.get_model("salam", "CentreSettings")
    PartnerInstitute = apps.get_model("salam", "PartnerInstitute")
    Page = apps.get_model("wagtailcore", "Page")

    centre = CentreSettings.objects.first() or CentreSettings.objects.create()
    if centre.about_page_id is None:
        about = Page.objects.filter(depth=3, slug="about").first()
        if about is not None:
            centre.about_page_id = about.id
            centre.save(update_fields=["about_page"])
    placeholders = PartnerInstitute.objects.filter(name__in=PLACEHOLDERS, centre__isnull=True)
    placeholders.filter(publications__isnull=True).delete()
    for order, (name, country, url, description) in enumerate(FOUNDING_PARTNERS, start=1):
        partner, _ = PartnerInstitute.objects.get_or_create(
            name=name, defaults={"country": country, "url": url, "description": description, "sort_order": order}
        )
        partner.centre = centre
        partner.save(update_fields=["centre"])


class Migration(migrations.Migration):
    dependencies = [
        ("salam", "0006_centre_settings"),
        ("publications", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]
    operations = [migrations.RunPython(set_founding_partners, migrations.RunPython.noop)]
