"""Replace Wagtail's welcome page with the SALAM home page and name the partner institutes."""

from django.db import migrations

PARTNERS = [
    ("Bangladesh Institute for Migration Studies", "Bangladesh", 1),
    ("Centre for Labour Mobility Research, New Delhi", "India", 2),
    ("Nepal Migration Policy Institute", "Nepal", 3),
    ("Pakistan Centre for Overseas Employment Research", "Pakistan", 4),
    ("Sri Lanka Institute of Labour Migration", "Sri Lanka", 5),
]


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("salam", "HomePage")
    PartnerInstitute = apps.get_model("salam", "PartnerInstitute")

    for name, country, order in PARTNERS:
        PartnerInstitute.objects.get_or_create(name=name, defaults={"country": country, "sort_order": order})

    if HomePage.objects.exists():
        return
    # Wagtail's initial migration creates a placeholder at /home/; take its place.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="salam")
    locale = Locale.objects.first()
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Evidence on labour migration in South and South-East Asia",
        draft_title="Evidence on labour migration in South and South-East Asia",
        slug="home",
        content_type=content_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=locale.id if locale else None,
        intro=(
            "Research papers, policy briefs and public lectures from the SALAM partner institutes, "
            "searchable by country, theme and Global Compact for Migration objective."
        ),
        live=True,
        has_unpublished_changes=False,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page_id": home.id, "site_name": "SALAM"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("salam", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
