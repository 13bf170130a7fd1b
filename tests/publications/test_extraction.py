"""PDF text extraction: good, odd, broken and hostile files each end in a clear state.

Pure Python (no database): the PDFs are generated here with reportlab or written by hand. The
last test runs the shared third-party corpus (../shared/pdf-corpus) through the production path.
"""

from __future__ import annotations

import collections
import faulthandler
import functools
import hashlib
import io
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from publications.pdf import (
    FAILURE_REASONS,
    MESSAGES,
    ExtractionLimits,
    ExtractionResult,
    extract_many,
    extract_pdf_text,
    join_hyphenated_words,
    parse_pdf_date,
    read_unicode_map,
    sha256_of_file,
    validate_pdf_upload,
)
from tests.factories.publications import handwritten_pdf

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "pdf-corpus"

PAGES = [
    "Recruitment fees paid by migrant workers from Nepal to agencies in Kathmandu remain high.",
    "Remittances sent home by Bangladeshi workers in Saudi Arabia support rural households.",
    "Return and reintegration programmes in Sri Lanka help women migrant workers find jobs.",
]


def production_limits() -> ExtractionLimits:
    """The limits the extraction task uses: from settings under pytest-django, else the same defaults."""
    try:
        return ExtractionLimits.from_settings()
    except ImproperlyConfigured:
        return ExtractionLimits()


def write_text_pdf(path: Path, pages: list[str], encrypt: object = None, **info: str) -> Path:
    """A text PDF with one paragraph per page (wrapped at about 60 characters)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    for key, value in info.items():
        getattr(pdf, f"set{key.capitalize()}")(value)
    for text in pages:
        words, line, lines = text.split(), "", []
        for word in words:
            if len(line) + len(word) > 60:
                lines.append(line)
                line = ""
            line = f"{line} {word}".strip()
        lines.append(line)
        text_object = pdf.beginText(72, 760)
        text_object.setFont("Helvetica", 12)
        for row in lines:
            text_object.textLine(row)
        pdf.drawText(text_object)
        pdf.showPage()
    pdf.save()
    return path


def raw_pdf(content: bytes, info: bytes | None = None, deflated: bytes | None = None) -> bytes:
    """A one-page PDF written by hand, for content no PDF library would produce."""
    data = zlib.compress(content) if deflated is None else deflated
    return raw_pdf_pages([b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"], info)


def raw_pdf_pages(streams: list[bytes], info: bytes | None = None) -> bytes:
    """A PDF with one page per content stream object (dictionary and stream), Helvetica as /F1."""
    count = len(streams)
    font, first_page = 3, 4  # objects: catalog, pages, font, then each page and its stream
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(streams):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, first_page + 2 * i + 1)
        )
        objects.append(stream)
    return handwritten_pdf(objects, info)


def text_content(lines: list[tuple[float, float, str]], size: int = 12) -> bytes:
    """Content-stream operators that draw each (x, y, text) with Helvetica."""
    ops = [b"BT /F1 %d Tf" % size]
    for x, y, text in lines:
        ops.append(b"1 0 0 1 %.1f %.1f Tm (%s) Tj" % (x, y, text.encode("latin-1")))
    ops.append(b"ET")
    return b"\n".join(ops)


def assert_failed(result: ExtractionResult, reason: str) -> None:
    assert (result.status, result.reason) == ("failed", reason), result.message
    assert result.message
    assert result.pages == []


# --- files read with the production limits, in one batch ---------------------------------------

SampleWriter = Callable[[Path], Path]
SAMPLES: dict[str, SampleWriter] = {}  # name -> writes that sample into a folder; filled by @sample


def sample(function: SampleWriter) -> SampleWriter:
    """Register a sample file writer; all samples are extracted together by the `extracted` fixture."""
    SAMPLES[function.__name__] = function
    return function


@sample
def report(folder: Path) -> Path:
    return write_text_pdf(folder / "report.pdf", PAGES)


@sample
def described(folder: Path) -> Path:
    return write_text_pdf(
        folder / "described.pdf",
        PAGES[:1],
        title="Fair recruitment in South Asia",
        author="SALAM research team",
        subject="Policy brief",
        keywords="recruitment, fees",
    )


@sample
def garbage_info(folder: Path) -> Path:
    info = (
        b"<< /Title 42 /Author [1 2 3] /Subject <FEFF00530061006C0061006D> /Keywords /Name "
        b"/Producer (null\\000byte) /CreationDate (yesterday) /ModDate (D:20231345) >>"
    )
    path = folder / "garbage-info.pdf"
    path.write_bytes(raw_pdf(text_content([(72, 700, "Labour migration governance in the region")]), info))
    return path


@sample
def owner_password_only(folder: Path) -> Path:
    # Only an owner password: any reader opens it, so should we.
    encrypt = pdfencrypt.StandardEncryption("", ownerPassword="owner-secret", strength=128)
    return write_text_pdf(folder / "owner-only.pdf", PAGES[:2], encrypt=encrypt)


@sample
def user_password(folder: Path) -> Path:
    encrypt = pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret", strength=128)
    return write_text_pdf(folder / "locked.pdf", PAGES, encrypt=encrypt)


@sample
def bom_and_whitespace(folder: Path) -> Path:
    path = folder / "bom.pdf"
    path.write_bytes(b"\xef\xbb\xbf\r\n " + raw_pdf(text_content([(72, 700, "Skills recognition for returnees")])))
    return path


@sample
def rotated(folder: Path) -> Path:
    path = folder / "rotated.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 12)
    pdf.translate(300, 100)
    pdf.rotate(90)
    pdf.drawString(0, 0, "Bilateral labour agreements in a landscape table")
    pdf.save()
    return path


LEFT = ["Left column first line", "left column second line", "left column third line"]
RIGHT = ["Right column first line", "right column second line", "right column third line"]


@sample
def two_columns(folder: Path) -> Path:
    lines = [(72, 700 - 14 * i, text) for i, text in enumerate(LEFT)]
    lines += [(320, 700 - 14 * i, text) for i, text in enumerate(RIGHT)]
    path = folder / "columns.pdf"
    path.write_bytes(raw_pdf(text_content(lines)))
    return path


@sample
def truncated(folder: Path) -> Path:
    whole = write_text_pdf(folder / "whole.pdf", PAGES).read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(whole[:400])  # the header and the start of the first object
    return path


NOT_PDF = {
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000,
    "html": b"<!DOCTYPE html><html><body>Session expired</body></html>",
    "zip_with_late_signature": b"PK\x03\x04" + b"%PDF-1.4 after the first KiB".rjust(2000, b" "),
    "signature_inside_the_first_kib": b"PK\x03\x04 not a pdf " + b"%PDF-1.4 inside the first KiB",
    "banner_before_the_header": b"GPL Ghostscript 10.02.0\nCopyright notice\n%PDF-1.7\n",
    "too_much_white_space": b"\x00" * 200 + b"%PDF-1.4\n",
    "empty": b"",
}


def write_bytes(folder: Path, name: str, content: bytes) -> Path:
    path = folder / f"{name}.pdf"  # the name says PDF, the bytes do not
    path.write_bytes(content)
    return path


for _name, _content in NOT_PDF.items():
    SAMPLES[f"not_pdf_{_name}"] = functools.partial(write_bytes, name=_name, content=_content)


@sample
def one_broken_page(folder: Path) -> Path:
    good = zlib.compress(text_content([(72, 700, "Labour market analysis for returnees")]))
    broken = b"4"  # one hex digit: ASCIIHexDecode cannot decode it
    path = folder / "one-broken-page.pdf"
    path.write_bytes(
        raw_pdf_pages(
            [
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(good) + good + b"\nendstream",
                b"<< /Length 1 /Filter /ASCIIHexDecode >>\nstream\n" + broken + b"\nendstream",
            ]
        )
    )
    return path


@sample
def scan(folder: Path) -> Path:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "A scanned letter, pixels only", fill=0)
    path = folder / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.drawImage(ImageReader(image), 50, 400, width=400, height=200)
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfs")
    return {name: write(folder) for name, write in SAMPLES.items()}


@pytest.fixture(scope="module")
def extracted(samples: dict[str, Path]) -> dict[str, ExtractionResult]:
    """Every sample through extract_many with the production limits, as the extraction task runs it."""
    by_path = dict(extract_many(samples.values(), production_limits()))
    return {name: by_path[path] for name, path in samples.items()}


def test_multi_page_pdf_keeps_text_per_page_and_detects_english(
    samples: dict[str, Path], extracted: dict[str, ExtractionResult]
) -> None:
    result = extracted["report"]

    assert result.status == "done", result.message
    assert result.reason == ""
    assert result.page_count == 3 == len(result.pages)
    for expected, page in zip(PAGES, result.pages, strict=True):
        assert " ".join(page.split()) == expected  # words separated, nothing from other pages
    assert result.language == "en"
    assert result.message == "Text was extracted from 3 pages."
    path = samples["report"]
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == sha256_of_file(path)


def test_document_information_is_read_with_iso_dates(extracted: dict[str, ExtractionResult]) -> None:
    metadata = extracted["described"].metadata

    assert metadata["title"] == "Fair recruitment in South Asia"
    assert metadata["author"] == "SALAM research team"
    assert metadata["subject"] == "Policy brief"
    assert metadata["keywords"] == "recruitment, fees"
    # reportlab's invariant mode stamps 2000-01-01 00:00:00 UTC.
    assert metadata["created"] == "2000-01-01T00:00:00+00:00"
    assert metadata["modified"] == "2000-01-01T00:00:00+00:00"


def test_garbage_metadata_is_tolerated(extracted: dict[str, ExtractionResult]) -> None:
    result = extracted["garbage_info"]

    assert result.status == "done", result.message
    assert result.metadata["title"] == "42"
    assert result.metadata["author"] is None
    assert result.metadata["subject"] == "Salam"
    assert result.metadata["keywords"] == "Name"
    assert result.metadata["producer"] == "nullbyte"  # NUL would break PostgreSQL
    assert result.metadata["created"] is None
    assert result.metadata["modified"] is None


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20240131143005+05'45'", "2024-01-31T14:30:05+05:45"),
        ("D:20240131143005-08'00", "2024-01-31T14:30:05-08:00"),
        ("D:20240131143005Z", "2024-01-31T14:30:05+00:00"),
        ("D:20240131", "2024-01-31T00:00:00"),
        ("D:2024", "2024-01-01T00:00:00"),
        ("20240131143005", "2024-01-31T14:30:05"),
        ("2024-01-31T14:30:05+00:00", "2024-01-31T14:30:05+00:00"),
        ("2024-13-31", None),
        ("D:20241340", None),
        ("Tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_pdf_dates_parse_to_iso_or_none(raw: str | None, iso: str | None) -> None:
    assert parse_pdf_date(raw) == iso


def test_pdf_with_empty_user_password_is_read(extracted: dict[str, ExtractionResult]) -> None:
    result = extracted["owner_password_only"]

    assert result.status == "done", result.message
    assert " ".join(result.pages[1].split()) == PAGES[1]


def test_a_byte_order_mark_and_white_space_before_the_header_are_accepted(
    extracted: dict[str, ExtractionResult],
) -> None:
    result = extracted["bom_and_whitespace"]

    assert result.status == "done", result.message
    assert result.pages == ["Skills recognition for returnees"]


def test_text_rotated_on_the_page_still_reads_as_words(extracted: dict[str, ExtractionResult]) -> None:
    assert extracted["rotated"].pages == ["Bilateral labour agreements in a landscape table"]


def test_two_columns_are_read_one_after_the_other(extracted: dict[str, ExtractionResult]) -> None:
    assert extracted["two_columns"].pages == ["\n".join(LEFT) + "\n\n" + "\n".join(RIGHT)]


def test_password_protected_pdf_is_encrypted(samples: dict[str, Path], extracted: dict[str, ExtractionResult]) -> None:
    result = extracted["user_password"]

    assert_failed(result, "encrypted")
    assert result.message == MESSAGES["encrypted"]
    assert result.sha256 == sha256_of_file(samples["user_password"])


def test_truncated_pdf_is_damaged(extracted: dict[str, ExtractionResult]) -> None:
    assert_failed(extracted["truncated"], "damaged")


@pytest.mark.parametrize("name", NOT_PDF)
def test_file_that_is_not_a_pdf_is_not_pdf(name: str, extracted: dict[str, ExtractionResult]) -> None:
    result = extracted[f"not_pdf_{name}"]

    assert_failed(result, "not_pdf")
    assert result.sha256 == hashlib.sha256(NOT_PDF[name]).hexdigest()


def test_one_unreadable_page_costs_only_itself(extracted: dict[str, ExtractionResult]) -> None:
    result = extracted["one_broken_page"]

    assert result.status == "done", result.message
    assert result.pages == ["Labour market analysis for returnees", ""]
    assert result.message == "Text was extracted from 1 of 2 pages; page(s) 2 could not be read."


def test_image_only_pdf_has_no_text(extracted: dict[str, ExtractionResult]) -> None:
    result = extracted["scan"]

    assert_failed(result, "no_text")
    assert result.message == MESSAGES["no_text"]
    assert result.page_count == 2  # still known, for the form


# --- files past a limit --------------------------------------------------------------------------


def test_file_over_the_size_limit_is_too_large(tmp_path: Path) -> None:
    path = write_text_pdf(tmp_path / "big.pdf", PAGES)
    limits = ExtractionLimits(timeout_s=60, memory_mb=768, max_bytes=1024)

    result = extract_pdf_text(path, limits)

    assert_failed(result, "too_large")
    assert re.match(r"The PDF is \d+ KB, more than the 1 KB limit\.", result.message)
    assert result.sha256 == sha256_of_file(path)


@pytest.fixture(scope="module")
def endless_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Half a million text operations in one small compressed page: many seconds of work for any reader."""
    path = tmp_path_factory.mktemp("endless") / "endless.pdf"
    body = b"(Recruitment fees and wage theft) Tj 0 -14 Td\n" * 500_000
    path.write_bytes(raw_pdf(b"BT /F1 12 Tf 72 700 Td\n" + body + b"ET"))
    return path


@pytest.fixture(scope="module")
def bomb_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page whose content stream inflates from under 2 MB to 400 MB of zeros."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    compressor = zlib.compressobj(1)
    chunk = b"\x00" * (16 * 1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(25)) + compressor.flush()
    path.write_bytes(raw_pdf(b"", deflated=data))
    return path


def test_extraction_past_the_time_limit_is_stopped(endless_pdf: Path) -> None:
    limits = ExtractionLimits(timeout_s=1.0, memory_mb=768, max_bytes=50 * 1024 * 1024)

    result = extract_pdf_text(endless_pdf, limits)

    assert_failed(result, "timeout")
    assert result.message.startswith("Extraction took longer than 1 seconds and was stopped.")


def test_extraction_past_the_memory_limit_is_stopped(bomb_pdf: Path) -> None:
    # A worker maps about 110 MB before it reads anything; 256 MB leaves room for normal files only.
    limits = ExtractionLimits(timeout_s=60, memory_mb=256, max_bytes=50 * 1024 * 1024)

    result = extract_pdf_text(bomb_pdf, limits)

    assert_failed(result, "memory")
    assert "more than 256 MB of memory" in result.message


def test_a_tiny_memory_limit_stops_a_file_that_needs_memory(endless_pdf: Path) -> None:
    # 1 MB is below what the worker already has mapped: any file that needs fresh memory (this one
    # inflates to 25 MB) fails, while a few-KB file may still fit in what is already there.
    limits = ExtractionLimits(timeout_s=60, memory_mb=1, max_bytes=50 * 1024 * 1024)

    assert_failed(extract_pdf_text(endless_pdf, limits), "memory")


def test_killed_workers_do_not_take_down_the_batch(tmp_path: Path, endless_pdf: Path, bomb_pdf: Path) -> None:
    good = [write_text_pdf(tmp_path / f"good-{i}.pdf", PAGES[i : i + 1]) for i in range(3)]
    limits = ExtractionLimits(timeout_s=8.0, memory_mb=256, max_bytes=50 * 1024 * 1024)

    results = dict(extract_many([endless_pdf, good[0], bomb_pdf, good[1], good[2]], limits, workers=2))

    assert set(results) == {endless_pdf, bomb_pdf, *good}
    # The endless file also grows: on a fast machine it reaches 256 MB before 8 s. Either way its
    # worker is killed (each limit's own reason is checked by the two tests above).
    assert results[endless_pdf].status == "failed" and results[endless_pdf].reason in {"timeout", "memory"}
    assert results[endless_pdf].pages == []
    assert_failed(results[bomb_pdf], "memory")
    for i, path in enumerate(good):
        assert results[path].status == "done", results[path].message
        assert " ".join(results[path].pages[0].split()) == PAGES[i]


def test_words_broken_at_line_ends_are_joined() -> None:
    pages = [
        "the privacy guar-\nantees hold; pre-departure training\nand pre-\ndeparture briefings",
        "from 1990-\n2000 the Ministry-\nLevel talks; a soft\u00ad\nhyphen",
    ]

    assert join_hyphenated_words(pages) == [
        "the privacy guarantees hold; pre-departure training\nand pre-departure briefings",
        "from 1990-\n2000 the Ministry-\nLevel talks; a softhyphen",
    ]


TO_UNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Test def 1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <00660066 0069>
<0012> <D835DC9C>
endbfchar
3 beginbfrange
<0020> <0024> <0041>
<00FE> <0101> <00FE>
<0200> <0202> [<0078> <0079>
<007A>]
endbfrange
1 beginbfchar <0003> <00A0> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"""


def test_quick_to_unicode_map_reads_chars_ranges_ligatures_and_surrogates() -> None:
    mapping = read_unicode_map(TO_UNICODE)

    assert mapping is not None
    assert [mapping[code] for code in (0x03, 0x11, 0x12)] == [" ", "ffi", "\U0001d49c"]
    assert "".join(mapping[code] for code in range(0x20, 0x25)) == "ABCDE"
    assert "".join(mapping[code] for code in range(0xFE, 0x102)) == "\u00fe\u00ff\u0100\u0101"
    assert "".join(mapping[code] for code in range(0x200, 0x203)) == "xyz"


@pytest.mark.parametrize(
    "cmap",
    [TO_UNICODE, TO_UNICODE.replace(b"<0041>", b"<00 41>"), b"2 beginbfchar <01> <0041> <02> <0042> endbfchar"],
    ids=["typical", "spaced-hex", "one-byte-codes"],
)
def test_quick_to_unicode_maps_match_pdfminer(cmap: bytes) -> None:
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap

    expected = FileUnicodeMap()
    CMapParser(expected, io.BytesIO(cmap)).run()

    assert read_unicode_map(cmap) == expected.cid2unichr


@pytest.mark.parametrize(
    "cmap",
    [
        b"1 beginbfchar <01> /A endbfchar",
        b"/Base usecmap 1 beginbfchar <01> <0041> endbfchar",
        b"1 beginbfchar <123> <0041> endbfchar",
    ],
    ids=["glyph-name", "usecmap", "odd-hex"],
)
def test_unusual_to_unicode_maps_are_left_to_pdfminer(cmap: bytes) -> None:
    assert read_unicode_map(cmap) is None


def test_every_failure_reason_has_a_message() -> None:
    for reason in FAILURE_REASONS:
        assert MESSAGES[reason].strip()


# --- upload validation ---------------------------------------------------------------------------


def test_valid_upload_passes_and_keeps_the_file_position() -> None:
    upload = io.BytesIO(raw_pdf(text_content([(72, 700, "Hello")])))
    upload.seek(7)

    validate_pdf_upload(upload, max_bytes=1024 * 1024)

    assert upload.tell() == 7


@pytest.mark.parametrize(
    ("content", "max_bytes", "code"),
    [
        (b"GIF89a" + b"\x00" * 100, 1024 * 1024, "not_pdf"),
        (b"<html>renamed page</html>\n%PDF-1.4\n", 1024 * 1024, "not_pdf"),
        (b"\n" * 9 + b"%PDF-1.4\n", 1024 * 1024, "not_pdf"),
        (b"%PDF-1.7\n" + b"0" * 5000, 1000, "too_large"),
        (b"", 1024, "empty"),
    ],
)
def test_bad_uploads_are_rejected_with_a_reason(content: bytes, max_bytes: int, code: str) -> None:
    upload = io.BytesIO(content)
    upload.seek(len(content) // 2)

    with pytest.raises(ValidationError) as raised:
        validate_pdf_upload(upload, max_bytes=max_bytes)

    assert raised.value.code == code
    assert raised.value.messages[0]
    assert upload.tell() == len(content) // 2


@pytest.mark.parametrize("head", [b"%PDF-1.4\n", b"\xef\xbb\xbf%PDF-1.4\n", b"\r\n  %PDF-2.0\n", b"\x00\x00%PDF-1.7"])
def test_a_pdf_may_start_after_a_bom_and_a_little_white_space(head: bytes) -> None:
    validate_pdf_upload(io.BytesIO(head + b"1 0 obj\n"), max_bytes=1024 * 1024)


def test_uploaded_file_size_is_taken_from_the_upload() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b" " * 3 * 1024 * 1024, "application/pdf")

    with pytest.raises(ValidationError, match="PDFs may be at most 2 MB"):
        validate_pdf_upload(upload, max_bytes=2 * 1024 * 1024)
    validate_pdf_upload(upload, max_bytes=4 * 1024 * 1024)
    assert upload.tell() == 0


def test_limits_come_from_settings() -> None:
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured in this run (-p no:django)")
    limits = ExtractionLimits.from_settings()
    assert limits.timeout_s == float(settings.PDF_EXTRACT_TIMEOUT_S)
    assert limits.memory_mb == settings.PDF_EXTRACT_MEMORY_MB
    assert limits.max_bytes == settings.PDF_MAX_UPLOAD_MB * 1024 * 1024


# --- the shared corpus ---------------------------------------------------------------------------


@pytest.mark.slow
def test_every_corpus_pdf_ends_in_a_clear_state() -> None:
    """Every third-party PDF is done or failed for a known reason, with a message; none hangs the batch."""
    if not CORPUS.is_dir():
        pytest.skip(f"No PDF corpus at {CORPUS.resolve()} (the shared folder next to the repository)")
    files = sorted(CORPUS.glob("*.pdf"))
    limits = production_limits()
    results: dict[Path, ExtractionResult] = {}
    # At most one file per worker runs at a time and each is killed at the limit, so the gap
    # between two results can only pass the limit (plus worker start-up) if the pool itself hangs.
    watchdog_s = limits.timeout_s + 60
    faulthandler.dump_traceback_later(watchdog_s, exit=True)
    try:
        for path, result in extract_many(files, limits):
            faulthandler.dump_traceback_later(watchdog_s, exit=True)
            results[path] = result
    finally:
        faulthandler.cancel_dump_traceback_later()

    assert sorted(results) == files
    for path, result in results.items():
        assert result.status in ("done", "failed"), path.name
        assert result.message.strip(), path.name
        if result.status == "done":
            assert result.reason == "", path.name
            assert result.page_count == len(result.pages) > 0, path.name
            assert re.fullmatch(r"[0-9a-f]{64}", result.sha256), path.name
            assert result.language is None or re.fullmatch(r"[a-z]{2,3}", result.language), path.name
        else:
            assert result.reason in FAILURE_REASONS, path.name
            assert result.pages == [], path.name
    counts = collections.Counter(f"{r.status}/{r.reason}" if r.reason else r.status for r in results.values())
    print(f"\n{len(files)} corpus PDFs: " + ", ".join(f"{key} {n}" for key, n in sorted(counts.items())))
