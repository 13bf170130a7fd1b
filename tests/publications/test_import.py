"""manage.py import_publications: drafts or live pages from a folder and a CSV, failures reported at the end."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from publications.models import Author, PublicationPage
from tests.factories.publications import pdf_bytes
from themes.models import TagSource

HEADER = ["file", "title", "type", "date", "authors", "countries", "themes", "gcm", "keywords", "doi", "abstract"]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "fees.pdf").write_bytes(pdf_bytes(["Recruitment fees in Nepal are high.", "Second page."]))
    (tmp_path / "remit.pdf").write_bytes(pdf_bytes(["Remittances to Sri Lanka cost five per cent."]))
    (tmp_path / "fake.pdf").write_bytes(b"this is not a pdf")
    return tmp_path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_publications", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD_ROWS = [
    ["fees.pdf", "Fees in Nepal", "policy_brief", "2024-05-01",
     "Anjali Sharma | Centre for Labour Mobility Research | 0000-0002-1825-0097; Bikash Thapa",
     "NP; Qatar", "fair-recruitment", "6", "fees; debt", "https://doi.org/10.5555/x.1", "One.\n\nTwo."],
    ["remit.pdf", "Remittance costs", "Report", "2023-02-01", "Dilani Fernando | SLILM", "LK", "", "20", "", "",
     "Costs."],
]  # fmt: skip


@pytest.mark.django_db
class TestImport:
    def test_creates_drafts_with_authors_tags_and_progress(self, index, folder):
        out, err = run(folder, write_csv(folder / "list.csv", GOOD_ROWS))
        assert "Created 2 draft publication(s)." in out
        assert "Importing publications" in err and "2/2" in err  # the tqdm bar
        fees = PublicationPage.objects.get(title="Fees in Nepal").get_latest_revision_as_object()
        assert not fees.live and fees.get_parent().pk == index.pk
        assert [a.name for a in fees.authors] == ["Anjali Sharma", "Bikash Thapa"]
        assert fees.authors[0].orcid == "0000-0002-1825-0097"
        assert fees.doi == "10.5555/x.1"
        assert sorted(t.country.alpha2 for t in fees.country_tags.all()) == ["NP", "QA"]
        assert {t.source for t in fees.country_tags.all()} == {TagSource.EDITOR}
        assert [t.theme.slug for t in fees.theme_tags.all()] == ["fair-recruitment"]
        assert [t.objective.number for t in fees.gcm_tags.all()] == [6]
        assert sorted(k.name for k in fees.keywords.all()) == ["debt", "fees"]
        assert fees.extraction.status == "done" and fees.extraction.page_count == 2
        remit = PublicationPage.objects.get(title="Remittance costs")
        assert remit.publication_type == "report"

    def test_live_and_parent_options(self, index, site_root, folder):
        from tests.factories.publications import make_index

        other = make_index(site_root, title="Archive", slug="archive")
        out, _ = run(folder, write_csv(folder / "list.csv", GOOD_ROWS[:1]), "--live", "--parent", other.pk)
        assert "Created 1 live publication(s)." in out
        page = PublicationPage.objects.get(title="Fees in Nepal")
        assert page.live and page.get_parent().pk == other.pk

    def test_a_second_run_skips_what_it_imported(self, index, folder):
        csv_path = write_csv(folder / "list.csv", GOOD_ROWS)
        run(folder, csv_path)
        out, _ = run(folder, csv_path)
        assert "Created 0 draft publication(s)." in out
        assert "Skipped 2 file(s) already imported" in out
        assert PublicationPage.objects.count() == 2
        assert Author.objects.filter(name="Anjali Sharma").count() == 1

    def test_the_same_file_twice_in_one_csv_is_imported_once(self, index, folder):
        out, _ = run(folder, write_csv(folder / "list.csv", [GOOD_ROWS[0], GOOD_ROWS[0]]))
        assert "Created 1 draft" in out and "already imported (row 2)" in out

    def test_bad_rows_are_reported_and_the_rest_imported(self, index, folder):
        rows = [
            GOOD_ROWS[0],
            ["missing.pdf", "Missing", "report", "2024-01-01", "", "", "", "", "", "", "Abstract."],
            ["fake.pdf", "Fake", "report", "2024-01-01", "", "", "", "", "", "", "Abstract."],
            ["remit.pdf", "Bad type", "novel", "2024-01-01", "", "", "", "", "", "", "Abstract."],
            ["remit.pdf", "Bad date", "report", "01/02/2024", "", "", "", "", "", "", "Abstract."],
            ["remit.pdf", "Bad country", "report", "2024-01-01", "", "Atlantis", "", "", "", "", "A."],
            ["remit.pdf", "Bad gcm", "report", "2024-01-01", "", "", "", "24", "", "", "A."],
            ["remit.pdf", "Bad theme", "report", "2024-01-01", "", "", "astrology", "", "", "", "A."],
            ["remit.pdf", "Bad orcid", "report", "2024-01-01", "X | Y | 0000-0002-1825-0098", "", "", "", "", "", "A."],
            ["remit.pdf", "Bad doi", "report", "2024-01-01", "", "", "", "", "", "doi please", "A."],
            ["remit.pdf", "No abstract", "report", "2024-01-01", "", "", "", "", "", "", ""],
            ["../secret.pdf", "Escape", "report", "2024-01-01", "", "", "", "", "", "", "Abstract."],
            ["remit.pdf", "", "report", "2024-01-01", "", "", "", "", "", "", "Abstract."],
            ["remit.pdf", "Too many", "report", "2024-01-01", "", "", "", "", "", "", "Abstract.", "extra"],
            GOOD_ROWS[1],
        ]
        out, _ = run(folder, write_csv(folder / "list.csv", rows))
        assert "Created 2 draft publication(s)." in out
        assert "13 row(s) failed:" in out
        for expected in [
            "row 3 (missing.pdf): missing.pdf: no such file",
            "row 4 (fake.pdf): fake.pdf: This file is not a PDF",
            "“novel” is not one of research_paper",
            "“01/02/2024” is not a date in the form YYYY-MM-DD",
            "“Atlantis” is not a country in the taxonomy",
            "“24” is not a GCM objective number",
            "“astrology” is not a theme",
            "wrong check digit",
            "doi: doi please is not a DOI",
            "must be inside the import folder",
            "The title column is empty",
            "more fields than the header",
            "every publication needs an abstract",
        ]:
            assert expected in out, expected
        assert set(PublicationPage.objects.values_list("title", flat=True)) == {"Fees in Nepal", "Remittance costs"}

    def test_missing_folder_csv_columns_or_parent_are_command_errors(self, index, folder, tmp_path):
        csv_path = write_csv(folder / "list.csv", GOOD_ROWS)
        with pytest.raises(CommandError, match="is not a folder"):
            run(tmp_path / "nowhere", csv_path)
        with pytest.raises(CommandError, match="is not a file"):
            run(folder, folder / "nothing.csv")
        with pytest.raises(CommandError, match=r"lacks the required column\(s\): type, date, abstract"):
            run(folder, write_csv(folder / "thin.csv", [["fees.pdf", "T"]], header=["file", "title"]))
        with pytest.raises(CommandError, match="no publications index with ID 999999"):
            run(folder, csv_path, "--parent", 999999)
        with pytest.raises(CommandError, match="not UTF-8"):
            (folder / "latin1.csv").write_bytes(
                "file,title,type,date,abstract\nf.pdf,Caf\xe9,report,2024-01-01,A\n".encode("latin-1")
            )
            run(folder, folder / "latin1.csv")

    def test_no_index_at_all_is_a_command_error(self, site_root, folder):
        with pytest.raises(CommandError, match="no publications index yet"):
            run(folder, write_csv(folder / "list.csv", GOOD_ROWS))

    def test_help_documents_the_columns(self, capsys):
        with pytest.raises(SystemExit):
            call_command("import_publications", "--help")
        help_text = capsys.readouterr().out
        for column in (
            "file",
            "title",
            "type",
            "date",
            "abstract",
            "authors",
            "countries",
            "themes",
            "gcm",
            "embargo_until",
        ):
            assert f"  {column} " in help_text
