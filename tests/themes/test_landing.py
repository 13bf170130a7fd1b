"""Landing pages take their figures from the source another app registers (themes imports no search code)."""

import pytest

from search.landing import landing_figures
from themes import landing

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_source():
    landing.register_figures(None)
    yield
    landing.register_figures(landing_figures)


def test_the_search_index_registers_itself_as_the_source():
    assert landing._source is landing_figures


def test_without_a_source_the_page_still_answers_and_says_why(client, no_source):
    with pytest.raises(landing.FiguresUnavailable):
        landing.figures("gcm", "6")
    response = client.get("/gcm/6/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The figures for this page are not available at the moment." in html
    assert 'href="/search/?gcm=6"' in html


def test_a_bad_value_from_the_url_still_gives_404(client, no_source):
    assert client.get("/gcm/0/").status_code == 404
    assert client.get("/countries/nepal/").status_code == 404
