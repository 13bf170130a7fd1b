"""Every snippet list and chooser in the admin finds what an editor types: names, codes, aliases, numbers.

The admin search runs on Wagtail's database backend, which reads its own index table: the rows the
migrations create (the taxonomy) must be in it without anyone running update_index, and so must
the rows editors add.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from lectures.models import Speaker
from publications.models import Author
from salam.models import PartnerInstitute
from themes.models import Country, GCMObjective, Theme

# (model, what the editor types, the str() of an object that must be found)
SEARCHES = [
    (Country, "Nepal", "Nepal"),
    (Country, "nep", "Nepal"),
    (Country, "NP", "Nepal"),
    (Country, "npl", "Nepal"),
    (Country, "Nepali", "Nepal"),
    (Country, "UAE", "United Arab Emirates"),
    (Country, "Emirati", "United Arab Emirates"),
    (Country, "Sri Lanka", "Sri Lanka"),
    (Country, "Kor", "Republic of Korea"),
    (Theme, "Remittances", "Remittances"),
    (Theme, "remit", "Remittances"),
    (Theme, "fair-recruitment", "Fair and ethical recruitment"),
    (Theme, "PDO", "Pre-departure orientation and empowerment"),
    (Theme, "recruitment fee", "Fair and ethical recruitment"),
    (GCMObjective, "7", "Objective 7: Address and reduce vulnerabilities in migration"),
    (GCMObjective, "Objective 7", "Objective 7: Address and reduce vulnerabilities in migration"),
    (GCMObjective, "vulnerabilities", "Objective 7: Address and reduce vulnerabilities in migration"),
    (GCMObjective, "exploitation", "Objective 7: Address and reduce vulnerabilities in migration"),
    (Author, "Thapa", "Sita Thapa (Tribhuvan University)"),
    (Author, "tha", "Sita Thapa (Tribhuvan University)"),
    (Author, "Tribhuvan", "Sita Thapa (Tribhuvan University)"),
    (PartnerInstitute, "Migratory", "Refugee and Migratory Movements Research Unit (Bangladesh)"),
    (PartnerInstitute, "Nepal", "Centre for the Study of Labour and Mobility (Nepal)"),
    (Speaker, "Rahman", "Farida Rahman (BRAC University)"),
    (Speaker, "BRAC", "Farida Rahman (BRAC University)"),
]


@pytest.fixture
def people(db):
    """Rows an editor would have added (the taxonomy and the partner institutes come from the migrations)."""
    Author.objects.create(name="Sita Thapa", affiliation="Tribhuvan University", orcid="0000-0002-1825-0097")
    Author.objects.create(name="Arjun Karki", affiliation="Kathmandu School of Law")
    Speaker.objects.create(name="Farida Rahman", affiliation="BRAC University")
    Speaker.objects.create(name="Manoj Pandey", affiliation="Tribhuvan University")


def list_url(model) -> str:
    return reverse(model.snippet_viewset.get_url_name("list_results"))


def chooser_url(model) -> str:
    return reverse(model.snippet_viewset.chooser_viewset.get_url_name("choose_results"))


def found(response) -> list[str]:
    assert response.status_code == 200, response.content[:3000]
    objects = response.context["object_list"] if "object_list" in response.context else response.context["results"]
    return [str(obj) for obj in objects]


@pytest.mark.django_db
class TestSnippetSearch:
    @pytest.mark.parametrize("model,query,expected", SEARCHES, ids=[f"{m.__name__}-{q}" for m, q, _ in SEARCHES])
    def test_the_list_finds_it(self, admin_client, people, model, query, expected):
        names = found(admin_client.get(list_url(model), {"q": query}))
        assert expected in names
        assert len(names) < model.objects.count(), "a search that finds everything is no search"

    @pytest.mark.parametrize("model,query,expected", SEARCHES, ids=[f"{m.__name__}-{q}" for m, q, _ in SEARCHES])
    def test_the_chooser_finds_it(self, admin_client, people, model, query, expected):
        assert expected in found(admin_client.get(chooser_url(model), {"q": query}))

    @pytest.mark.parametrize("model", [Country, Theme, GCMObjective, Author, PartnerInstitute, Speaker])
    def test_searching_a_sorted_or_filtered_list_works(self, admin_client, people, model):
        viewset = model.snippet_viewset
        response = admin_client.get(reverse(viewset.get_url_name("list")), {"q": "a"})
        assert response.status_code == 200
        for column in viewset.list_display:
            for ordering in (column, f"-{column}"):
                response = admin_client.get(list_url(model), {"q": "an", "ordering": ordering})
                assert response.status_code == 200, (ordering, response.content[:2000])
        list_filter = getattr(viewset, "list_filter", None)
        for name in list_filter if isinstance(list_filter, (list, tuple)) else []:
            response = admin_client.get(list_url(model), {"q": "an", name: "true"})
            assert response.status_code == 200, (name, response.content[:2000])

    def test_a_search_that_finds_nothing_says_so(self, admin_client, people):
        response = admin_client.get(list_url(Country), {"q": "Atlantis"})
        assert found(response) == []
        assert "No countries match" in response.content.decode()


@pytest.mark.django_db
class TestNewRowsAreFindable:
    def test_a_country_an_editor_adds_is_found_at_once(self, admin_client):
        response = admin_client.post(
            reverse("wagtailsnippets_themes_country:add"),
            {"name": "Kenya", "alpha2": "KE", "alpha3": "KEN", "aliases": "Jamhuri ya Kenya", "demonyms": "Kenyan"},
        )
        assert response.status_code == 302, response.content[:2000]
        for query in ("Kenya", "KE", "Jamhuri", "Kenyan"):
            assert "Kenya" in found(admin_client.get(chooser_url(Country), {"q": query})), query

    def test_an_author_an_editor_adds_is_found_at_once(self, admin_client):
        response = admin_client.post(
            reverse("wagtailsnippets_publications_author:add"), {"name": "Meena Gurung", "affiliation": "", "orcid": ""}
        )
        assert response.status_code == 302, response.content[:2000]
        assert "Meena Gurung" in found(admin_client.get(chooser_url(Author), {"q": "Gurung"}))

    def test_vocabulary_changed_outside_the_admin_is_found_after_migrate(self, admin_client):
        # Data migrations change rows with the historical models, which Wagtail's index never hears of.
        Country.objects.filter(alpha2="NP").update(aliases="Federal Democratic Republic of Nepal\nGorkhaland")
        assert "Nepal" not in found(admin_client.get(chooser_url(Country), {"q": "Gorkhaland"}))
        call_command("migrate", verbosity=0)
        assert "Nepal" in found(admin_client.get(chooser_url(Country), {"q": "Gorkhaland"}))
