"""Settings > Centre and partners: the defaults, the admin form, and the footer and About page that show them."""

import pytest
from django.urls import reverse

from salam.models import CentreSettings, PartnerInstitute, StandardPage
from tests.factories.publications import form_fields

pytestmark = pytest.mark.django_db

FOUNDING = [
    ("International Institute for Population Sciences", "India"),
    ("Sustainable Development Policy Institute", "Pakistan"),
    ("Refugee and Migratory Movements Research Unit", "Bangladesh"),
    ("Institute of Policy Studies", "Sri Lanka"),
    ("Centre for the Study of Labour and Mobility", "Nepal"),
]


def _settings_url() -> str:
    # The generic setting's one row (the unnumbered address redirects to it).
    return reverse("wagtailsettings:edit", args=["salam", "centresettings", CentreSettings.load().pk])


def test_the_defaults_are_the_founding_partners_programme_and_funder(site_root):
    centre = CentreSettings.load()
    assert [(p.name, p.country) for p in centre.partners.all()] == FOUNDING
    assert (centre.programme_name, centre.programme_agencies) == ("GOALS", "ILO, IOM and UN Women")
    assert centre.funder_name == "Swiss Agency for Development and Cooperation"
    # The placeholders of the first migration are gone: nothing named them.
    assert not PartnerInstitute.objects.filter(name="Nepal Migration Policy Institute").exists()


def test_the_footer_shows_what_the_settings_say(client, site_root):
    html = client.get("/").content.decode()
    for name, country in FOUNDING:
        assert name in html and country in html
    assert "GOALS" in html and "Swiss Agency for Development and Cooperation" in html
    partner = PartnerInstitute.objects.get(name="Institute of Policy Studies")
    partner.centre = None  # a publisher the footer does not name
    partner.save()
    CentreSettings.objects.update(funder_name="", programme_name="")
    html = client.get("/").content.decode()
    assert "Institute of Policy Studies" not in html and "Programme and funding" not in html


def test_the_about_link_follows_the_setting_and_never_a_draft(client, site_root):
    about = StandardPage(title="Who we are", slug="who-we-are", intro="The centre.")
    site_root.add_child(instance=about)
    about.save_revision().publish()
    CentreSettings.objects.update(about_page=about)
    html = client.get("/").content.decode()
    assert 'href="/who-we-are/"' in html
    page = client.get("/who-we-are/").content.decode()
    assert "Partner institutes" in page and "International Institute for Population Sciences" in page

    about.unpublish()
    html = client.get("/").content.decode()
    assert "/who-we-are/" not in html and 'href="/about/">About</a>' in html
    assert client.get("/who-we-are/").status_code == 404


def test_editors_change_partners_and_bad_addresses_are_refused(admin_client, site_root):
    data = form_fields(admin_client.get(_settings_url()).content, "form#w-editor-form")
    assert data["partners-TOTAL_FORMS"] == ["5"]
    assert data["partners-0-name"] == ["International Institute for Population Sciences"]

    bad = {**data, "funder_url": ["not a web address"], "partners-1-url": ["javascript:alert(1)"]}
    response = admin_client.post(_settings_url(), bad)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert CentreSettings.load().funder_url == "https://www.eda.admin.ch/sdc"

    good = {**data, "partners-0-name": ["International Institute for Population Sciences, Mumbai"]}
    response = admin_client.post(_settings_url(), good)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PartnerInstitute.objects.filter(name="International Institute for Population Sciences, Mumbai").exists()
