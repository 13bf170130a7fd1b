"""Cover thumbnails: drawn from a PDF's first page in the background, served only to those who may read the PDF."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption

from publications import covers
from publications.models import PublicationCover, PublicationPage
from publications.signals import pdf_text_extracted
from tests.factories.publications import make_document, pdf_bytes

PLACEHOLDER_URL = "/static/publications/cover-placeholder.svg"
CORPUS = Path("/work/shared/pdf-corpus")


def encrypted_pdf() -> bytes:
    return pdf_bytes(["Confidential"], encrypt=StandardEncryption("user-secret", "owner-secret"))


@pytest.fixture
def no_text_reading(monkeypatch):
    """The PDFs' text is not needed here; reading every PDF a test makes would take most of its time."""
    from publications import services

    monkeypatch.setattr(services, "request_extraction", lambda *args, **kwargs: None)


class TestRendering:
    def test_first_page_becomes_a_png_of_the_configured_width(self, settings):
        settings.COVER_WIDTH_PX = 120
        png = covers.render_first_page(pdf_bytes(["First page", "Second page"]))
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == 120
        assert image.height == pytest.approx(120 * 297 / 210, abs=2)  # A4 kept its proportions

    @pytest.mark.parametrize(
        "content, message",
        [
            (encrypted_pdf(), "encrypted with a password"),
            (pdf_bytes()[:300], "damaged"),
            (b"%PDF-1.4\n" + b"\x00" * 200, "damaged"),
            (b"<html>not a pdf</html>", "not a PDF"),
            (b"", "not a PDF"),
        ],
    )
    def test_unreadable_files_raise_a_readable_reason(self, content, message):
        with pytest.raises(covers.CoverError, match=message):
            covers.render_first_page(content)

    @pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared PDF corpus is not on this machine")
    @pytest.mark.parametrize(
        "name, message", [("pdfjs__issue21579.pdf", "encrypted"), ("pdfjs__bug1980958.pdf", "damaged")]
    )
    def test_real_world_encrypted_and_truncated_files(self, name, message):
        with pytest.raises(covers.CoverError, match=message):
            covers.render_first_page((CORPUS / name).read_bytes())

    def test_the_time_limit_stops_a_slow_drawing(self, settings, tmp_path):
        slow = tmp_path / "slow-pdftoppm"
        slow.write_text("#!/bin/sh\nsleep 10\n")
        slow.chmod(0o755)
        settings.COVER_PDFTOPPM = str(slow)
        settings.COVER_TIMEOUT_S = 1
        with pytest.raises(covers.CoverError, match="longer than 1 s"):
            covers.render_first_page(pdf_bytes())

    def test_a_missing_pdftoppm_is_reported(self, settings):
        settings.COVER_PDFTOPPM = "/nonexistent/pdftoppm"
        with pytest.raises(covers.CoverError, match="not installed"):
            covers.render_first_page(pdf_bytes())


@pytest.mark.django_db
@pytest.mark.usefixtures("no_text_reading")
class TestStoring:
    def test_cover_is_a_wagtail_image_with_alt_text_in_its_collection(self, site_root):
        from tests.factories.publications import make_index, make_publication

        document = make_document(name="fees.pdf")
        make_publication(make_index(site_root), title="Fees <and> workers", pdf=document)
        cover = covers.make_cover(document.pk)
        assert cover.image_id and not cover.error
        image = cover.image
        assert image.description == "Cover of \u201cFees <and> workers\u201d"
        assert image.collection.name == covers.COLLECTION_NAME
        # Unguessable stored name: no title, no id, 128 random bits.
        assert re.fullmatch(r"original_images/cover-[0-9a-f]{32}\.png", image.file.name)
        # The same file is not drawn twice.
        assert covers.make_cover(document.pk).image_id == image.pk
        # A new file replaces the picture and deletes the old one.
        document.file.save("fees-2.pdf", ContentFile(pdf_bytes(["Another first page"])), save=True)
        replaced = covers.make_cover(document.pk)
        assert replaced.image_id != image.pk
        assert not type(image).objects.filter(pk=image.pk).exists()

    def test_an_unreadable_pdf_records_why(self, site_root):
        document = make_document(encrypted_pdf(), name="locked.pdf")
        cover = covers.make_cover(document.pk)
        assert cover.image is None and "encrypted" in cover.error
        assert covers.render_cover.call(document.pk) == "failed"
        assert covers.render_cover.call(999_999_999) == "gone"

    def test_reading_the_pdf_queues_the_cover(self, site_root, django_capture_on_commit_callbacks):
        from tests.factories.publications import make_index, make_publication

        document = make_document(name="queued.pdf")
        page = make_publication(make_index(site_root), title="Queued", pdf=document)
        with django_capture_on_commit_callbacks(execute=True):
            pdf_text_extracted.send(sender=PublicationPage, page=page)
        assert PublicationCover.objects.get(document=document).image_id


@pytest.mark.django_db
class TestServing:
    @pytest.fixture
    def pubs(self, site_root, no_text_reading):
        from wagtail.models import PageViewRestriction

        from tests.factories.publications import make_index, make_publication

        index = make_index(site_root)
        made = {}
        for name, fields in {
            "public": {},
            "draft": {"live": False},
            "private": {},
            "embargoed": {"embargo_until": datetime.date(2999, 1, 1)},
            "locked": {"pdf": make_document(encrypted_pdf(), name="locked.pdf")},
        }.items():
            fields.setdefault("pdf", make_document(name=f"{name}.pdf"))
            made[name] = make_publication(index, title=f"The {name} one", **fields)
            covers.make_cover(made[name].pdf_id)
        PageViewRestriction.objects.create(page=made["private"], restriction_type="password", password="x")
        made["no_pdf"] = make_publication(index, title="Without a PDF", pdf=None)
        return made

    def test_public_cover_is_served_as_png(self, client, pubs):
        response = client.get(f"/publications/{pubs['public'].pk}/cover")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(covers.PNG_SIGNATURE)
        assert response["Cache-Control"].startswith("private")

    def test_what_a_visitor_may_not_read_or_cannot_be_drawn_gets_the_placeholder(self, client, pubs, django_user_model):
        for name in ("draft", "private", "embargoed", "locked", "no_pdf"):
            response = client.get(f"/publications/{pubs[name].pk}/cover")
            assert (name, response.status_code, response["Location"]) == (name, 302, PLACEHOLDER_URL)
        # Editors see the embargoed cover, as they may download its PDF.
        client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-for-tests-only"))
        assert client.get(f"/publications/{pubs['embargoed'].pk}/cover").status_code == 200

    def test_bad_ids_are_404_and_unknown_ones_get_the_placeholder(self, client, pubs):
        for path in ("/publications/abc/cover", "/publications/%C2%B2/cover", "/publications/-1/cover"):
            assert client.get(path, follow=True).status_code == 404, path
        assert client.get("/publications/999999999/cover")["Location"] == PLACEHOLDER_URL

    def test_list_and_page_show_the_cover_or_the_placeholder(self, client, pubs):
        html = client.get(pubs["public"].get_parent().url).content.decode()
        public = pubs["public"]
        assert f'src="/publications/{public.pk}/cover" alt="Cover of \u201cThe public one\u201d"' in html
        assert f'src="{PLACEHOLDER_URL}" alt=""' in html  # the publication without a PDF
        assert "The draft one" not in html
        html = client.get(public.url).content.decode()
        assert f'class="cover cover--large" src="/publications/{public.pk}/cover"' in html
        # An embargoed publication's own page shows the placeholder, not a cover link.
        html = client.get(pubs["embargoed"].url).content.decode()
        assert f"/publications/{pubs['embargoed'].pk}/cover" not in html and PLACEHOLDER_URL in html


@pytest.mark.django_db
@pytest.mark.usefixtures("no_text_reading")
def test_render_covers_command_backfills_and_rejects_bad_ids(site_root):
    from django.core.management import CommandError, call_command

    from tests.factories.publications import make_index, make_publication

    index = make_index(site_root)
    good = make_publication(index, title="Good", pdf=make_document(name="good.pdf"))
    make_publication(index, title="Locked", pdf=make_document(encrypted_pdf(), name="locked.pdf"))
    out, err = io.StringIO(), io.StringIO()
    call_command("render_covers", stdout=out, stderr=err)
    assert "1 cover(s) drawn, 1 PDF(s) could not be drawn." in out.getvalue()
    assert "encrypted" in err.getvalue()
    out = io.StringIO()
    call_command("render_covers", stdout=out, stderr=io.StringIO())  # nothing left to draw
    assert "0 cover(s) drawn, 0 PDF(s)" in out.getvalue()
    call_command("render_covers", "--all", "--page", str(good.pk), stdout=out, stderr=io.StringIO())
    for bad, message in (("999999", "No publication with a PDF has the id 999999"), ("-3", "positive")):
        with pytest.raises(CommandError, match=message):
            call_command("render_covers", "--page", bad)
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("render_covers", "--page", "abc")
