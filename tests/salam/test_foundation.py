"""The hub stands up: taxonomy seeded, pages render, settings refuse bad configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command

from tests.gcm_titles import GCM_TITLES
from themes.models import Country, GCMObjective, Theme

ROOT = Path(__file__).resolve().parents[2]

COLOMBO_PROCESS = {"AF", "BD", "KH", "CN", "IN", "ID", "NP", "PK", "PH", "LK", "TH", "VN"}
DESTINATIONS = {"SA", "AE", "QA", "KW", "OM", "BH", "MY", "SG", "JP", "KR", "JO", "LB", "MV", "IL"}
THEME_SLUGS = {
    "pre-departure-orientation", "skills-recognition", "fair-recruitment", "remittances", "labour-market-analysis",
    "return-reintegration", "social-protection", "gender-equality", "gender-based-violence", "bilateral-agreements",
    "access-to-justice", "migration-data", "consular-support", "crisis-response", "migration-governance",
}  # fmt: skip


@pytest.mark.django_db
class TestTaxonomySeed:
    def test_the_23_gcm_objectives_have_their_official_titles(self):
        assert dict(GCMObjective.objects.values_list("number", "title")) == GCM_TITLES
        assert all(o.description.strip() for o in GCMObjective.objects.all())

    def test_the_26_countries_have_iso_codes_and_roles(self):
        countries = {c.alpha2: c for c in Country.objects.all()}
        assert set(countries) == COLOMBO_PROCESS | DESTINATIONS
        for code, country in countries.items():
            assert pycountry.countries.get(alpha_2=code).alpha_3 == country.alpha3
            assert country.colombo_process_member == (code in COLOMBO_PROCESS)
            assert country.main_destination == (code in DESTINATIONS)
        assert countries["VN"].name == "Viet Nam"
        assert "Nepali" in countries["NP"].demonym_list

    def test_the_15_themes_have_descriptions_and_keywords(self):
        themes = list(Theme.objects.all())
        assert {t.slug for t in themes} == THEME_SLUGS
        assert all(t.description.strip() and t.keyword_list for t in themes)

    def test_country_clean_rejects_codes_that_are_not_iso(self):
        with pytest.raises(ValidationError, match="not an ISO 3166"):
            Country(alpha2="XX", alpha3="XXX", name="Nowhere").clean()
        with pytest.raises(ValidationError, match="alpha-3 code for NP is NPL"):
            Country(alpha2="NP", alpha3="NEP", name="Nepal").clean()
        country = Country(alpha2="tr", name="Türkiye")
        country.clean()
        assert (country.alpha2, country.alpha3) == ("TR", "TUR")


@pytest.mark.django_db
class TestPagesRender:
    def test_home_page_has_landmarks_navigation_and_partners(self, client, site_root):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        for landmark in (
            '<header class="site-header" role="banner"',
            '<main id="main"',
            'role="contentinfo"',
            'role="search"',
            'class="skip-link"',
        ):
            assert landmark in html
        for label in ("Publications", "Lectures", "Search", "Themes"):
            assert f">{label}</a>" in html
        assert "Centre for the Study of Labour and Mobility" in html
        # The home page leads with its own search box; other pages have the header's.
        assert '<label for="hero-q"' in html and 'id="site-search-q"' not in html
        assert '<label for="site-search-q"' in client.get("/themes/").content.decode()

    def test_unknown_url_gets_the_friendly_404(self, client, site_root):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_500_page_is_self_contained(self, rf):
        from salam.views import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()

    def test_taxonomy_landing_pages(self, client):
        assert client.get("/themes/").status_code == 200
        response = client.get("/gcm/21/")
        assert response.status_code == 200
        assert GCM_TITLES[21] in response.content.decode()
        assert client.get("/countries/np/").status_code == 200
        assert client.get("/themes/remittances/").status_code == 200
        for bad in ("/gcm/24/", "/gcm/0/", "/countries/xx/", "/countries/nepal/", "/themes/no-such-theme/"):
            assert client.get(bad).status_code == 404, bad

    def test_admin_login_and_dashboard_render(self, client, admin_user):
        assert client.get("/admin/login/").status_code == 200
        client.force_login(admin_user)
        response = client.get("/admin/")
        assert response.status_code == 200
        assert client.get("/admin/snippets/themes/gcmobjective/").status_code == 200

    def test_debug_media_route_never_serves_documents_directly(self, rf, settings, tmp_path):
        from django.http import Http404

        from salam.views import serve_media_in_debug

        settings.MEDIA_ROOT = tmp_path
        (tmp_path / "documents").mkdir()
        (tmp_path / "documents" / "draft.pdf").write_bytes(b"%PDF-1.4 secret")
        (tmp_path / "speaker.jpg").write_bytes(b"jpeg")
        for path in ("documents/draft.pdf", "/documents/draft.pdf"):
            with pytest.raises(Http404):
                serve_media_in_debug(rf.get("/media/" + path), path)
        assert serve_media_in_debug(rf.get("/media/speaker.jpg"), "speaker.jpg").status_code == 200

    def test_migrations_create_the_database_cache_table(self, settings):
        # Without it every page answered 500 after a plain `migrate` (the cache holds site root paths).
        from importlib import import_module
        from types import SimpleNamespace

        from django.core.cache import caches
        from django.db import connection

        migration = import_module("salam.migrations.0003_cache_table")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "check_cache_table"}
        }
        assert "check_cache_table" not in connection.introspection.table_names()
        migration.create_cache_table(None, SimpleNamespace(connection=connection))
        assert "check_cache_table" in connection.introspection.table_names()
        caches["default"].set("key", "value")
        assert caches["default"].get("key") == "value"

    def test_healthz(self, client):
        assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
class TestEnsureAdmin:
    def test_generates_a_password_and_reprints_it(self, settings, tmp_path, capsys):
        settings.VAR_DIR = tmp_path
        call_command("ensure_admin")
        first = capsys.readouterr().out
        call_command("ensure_admin")
        second = capsys.readouterr().out
        assert first == second
        password = (tmp_path / "admin-password.txt").read_text().strip()
        assert len(password) >= 16 and password in first
        assert oct((tmp_path / "admin-password.txt").stat().st_mode)[-3:] == "600"
        from django.contrib.auth import get_user_model

        assert get_user_model().objects.get(username="admin").check_password(password)

    def test_rejects_an_empty_username(self, settings, tmp_path):
        settings.VAR_DIR = tmp_path
        with pytest.raises(CommandError, match="between 1 and 150"):
            call_command("ensure_admin", username=" ")


class TestSettings:
    def _run(self, env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
        own = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WAGTAILADMIN_BASE_URL"}
        env = {k: v for k, v in os.environ.items() if k not in own}
        env.update(env_overrides)
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    def test_production_refuses_to_start_without_secret_key(self):
        result = self._run({"DJANGO_SETTINGS_MODULE": "salam.settings.production"}, "check")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr

    def test_production_check_deploy_reports_nothing(self):
        result = self._run(
            {
                "DJANGO_SETTINGS_MODULE": "salam.settings.production",
                "SECRET_KEY": "k3y-" + "x9Q!z" * 12,
                "ALLOWED_HOSTS": "hub.example.org",
                "WAGTAILADMIN_BASE_URL": "https://hub.example.org",
                "DATABASE_URL": "sqlite:////tmp/salam-deploy-check.sqlite3",
            },
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_bad_boolean_and_integer_variables_are_clear_errors(self, monkeypatch):
        from salam.settings.env import env_bool, env_int, env_list

        monkeypatch.setenv("DEBUG", "maybe")
        with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
            env_bool("DEBUG", False)
        monkeypatch.setenv("EMAIL_PORT", "five")
        with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
            env_int("EMAIL_PORT", 587)
        monkeypatch.setenv("ALLOWED_HOSTS", " a.org, ,b.org ")
        assert env_list("ALLOWED_HOSTS", []) == ["a.org", "b.org"]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("", "30/h"), ("120/m", "120/m"), (" 10/5M ", "10/5m"), ("off", None), ("None", None)],
    )
    def test_rate_limit_variables(self, monkeypatch, value, expected):
        from salam.settings.env import env_rate

        monkeypatch.setenv("LECTURE_REGISTRATION_RATE_PER_IP", value)
        assert env_rate("LECTURE_REGISTRATION_RATE_PER_IP", "30/h") == expected

    @pytest.mark.parametrize("value", ["30", "30/hour", "-1/h", "h/30", "30/h;drop"])
    def test_bad_rate_limits_are_clear_errors(self, monkeypatch, value):
        from salam.settings.env import env_rate

        monkeypatch.setenv("SEARCH_API_RATE_LIMIT", value)
        with pytest.raises(ImproperlyConfigured, match="SEARCH_API_RATE_LIMIT must look like 30/h"):
            env_rate("SEARCH_API_RATE_LIMIT", "120/m")

    def test_thresholds_must_be_numbers_between_0_and_1(self, monkeypatch):
        from salam.settings.env import env_float

        monkeypatch.setenv("TAGGER_APPLY_THRESHOLD", "0.5")
        assert env_float("TAGGER_APPLY_THRESHOLD", 0.35, low=0, high=1) == 0.5
        monkeypatch.setenv("TAGGER_APPLY_THRESHOLD", "high")
        with pytest.raises(ImproperlyConfigured, match="TAGGER_APPLY_THRESHOLD must be a number"):
            env_float("TAGGER_APPLY_THRESHOLD", 0.35, low=0, high=1)
        monkeypatch.setenv("TAGGER_APPLY_THRESHOLD", "1.5")
        with pytest.raises(ImproperlyConfigured, match="between 0 and 1"):
            env_float("TAGGER_APPLY_THRESHOLD", 0.35, low=0, high=1)


@pytest.mark.elasticsearch
def test_elasticsearch_fixture_talks_to_the_real_server(es_client, settings):
    info = es_client.cluster.health()
    assert info["status"] in {"green", "yellow"}
    index = f"{settings.SEARCH_INDEX_NAME}-smoke"
    es_client.indices.create(index=index, mappings={"properties": {"title": {"type": "text"}}})
    es_client.index(index=index, id="1", document={"title": "Recruitment fees in Nepal"}, refresh=True)
    hits = es_client.search(index=index, query={"match": {"title": "nepal"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]
    nodes = es_client.nodes.info()["nodes"]
    assert all(n["version"].startswith("8.19.") for n in nodes.values())


class TestPublicAddress:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("", "http://localhost:8000"),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
            (" https://hub.example.org/ ", "https://hub.example.org"),
        ],
    )
    def test_the_base_url_is_read_without_a_trailing_slash(self, monkeypatch, value, expected):
        from salam.settings.env import env_base_url

        monkeypatch.setenv("WAGTAILADMIN_BASE_URL", value)
        assert env_base_url("WAGTAILADMIN_BASE_URL", "http://localhost:8000") == expected

    @pytest.mark.parametrize(
        "value", ["127.0.0.1:8000", "hub.example.org", "ftp://hub.example.org", "https://", "http://h:port",
                  "https://hub.example.org/salam", "https://hub.example.org/?a=1", "https://user@hub.example.org"],
    )  # fmt: skip
    def test_a_bad_base_url_is_a_clear_error(self, monkeypatch, value):
        from salam.settings.env import env_base_url

        monkeypatch.setenv("WAGTAILADMIN_BASE_URL", value)
        with pytest.raises(ImproperlyConfigured, match="WAGTAILADMIN_BASE_URL must be the site's address"):
            env_base_url("WAGTAILADMIN_BASE_URL", "http://localhost:8000")

    def test_production_refuses_to_start_without_it(self):
        result = TestSettings()._run(
            {"DJANGO_SETTINGS_MODULE": "salam.settings.production", "SECRET_KEY": "k3y-" + "x9Q!z" * 12}, "check"
        )
        assert result.returncode != 0
        assert "WAGTAILADMIN_BASE_URL must be set" in result.stderr

    @pytest.mark.django_db
    def test_page_links_use_it_and_not_the_site_record(self, settings, site_root):
        from wagtail.models import Site

        from salam.public_urls import public_page_url, public_url

        settings.WAGTAILADMIN_BASE_URL = "https://hub.example.org"
        assert Site.objects.get().root_url == "http://localhost"  # what the migrations leave
        assert public_page_url(site_root) == "https://hub.example.org/"
        assert public_url("/lectures/") == "https://hub.example.org/lectures/"
        with pytest.raises(ValueError, match="starting with '/'"):
            public_url("lectures/")
