"""The pdfminer.six internals that publications.pdf overrides or patches, pinned.

pdfminer offers no hook for a faster reader, so publications.pdf subclasses or patches parts of it
that are not public API:

- tounicode.ToUnicodeParser subclasses CMapParser (reads `fp` and `cmap`, replaces `run`), and
  worker._warm_up swaps it in by assigning `pdfminer.pdffont.CMapParser`, which only works while
  pdffont looks the class up by that module-level name each time it reads a ToUnicode stream;
- document.LenientParser overrides PDFParser.do_keyword and flips its `fallback` flag, reading the
  stream's dictionary from `curstack`;
- interpreter.TextInterpreter replaces PDFPageInterpreter.init_resources, execute and do_TJ, calls
  pdfminer's operator methods by name with as many operands as their code objects declare, and
  relies on `stream_ids`, `parent_stream_ids` and `subinterp` for nested forms;
- device.PageTextDevice overrides PDFTextDevice.render_string_horizontal and render_char, which
  PDFTextDevice.render_string calls with a fixed list of arguments.

None of this is covered by pdfminer's compatibility promises, so an upgrade may change it without
a word. Each test below names the override to review when it fails. Pure Python, no database.
"""

from __future__ import annotations

import inspect
import io
from importlib.metadata import version

import pdfminer.pdffont
import pytest
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import LIT

from publications.pdf import document, interpreter, tounicode, worker
from publications.pdf.device import PageTextDevice
from publications.pdf.document import LenientParser, read_pdf_bytes
from publications.pdf.interpreter import TextInterpreter
from publications.pdf.tounicode import ToUnicodeParser
from tests.factories.publications import handwritten_pdf

# The pdfminer.six releases the overrides were last checked against (inclusive). To accept a new
# release: read its changes to the classes named in this module's docstring, run this file,
# tests/publications/test_extraction.py (with the shared corpus) and bench/extract.py, and only
# then widen the range.
PDFMINER_CHECKED = ("20260107", "20260107")

# Operands of each operator the text interpreter runs, from the PDF reference (ISO 32000-1,
# annex A); TextInterpreter passes as many as pdfminer's method declares.
OPERANDS = {
    "do_q": 0,
    "do_Q": 0,
    "do_cm": 6,
    "do_BT": 0,
    "do_ET": 0,
    "do_Tc": 1,
    "do_Tw": 1,
    "do_Tz": 1,
    "do_TL": 1,
    "do_Tf": 2,
    "do_Tr": 1,
    "do_Ts": 1,
    "do_Td": 2,
    "do_TD": 2,
    "do_Tm": 6,
    "do_T_a": 0,
    "do_Tj": 1,
    "do_TJ": 1,
    "do__q": 1,
    "do__w": 3,
    "do_Do": 1,
}


def parameters(function: object) -> list[str]:
    """The parameter names of a function or method, self included."""
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def one_page_pdf(
    content: bytes, font: bytes, extra: tuple[bytes, ...] = (), xobjects: bytes = b"", length: bool = True
) -> bytes:
    """A one-page PDF: catalog 1, pages 2, font 3, page 4, its content stream 5, then `extra` from 6."""
    # Written with the right offsets: a wrong xref would put all of pdfminer into its fallback mode.
    stream = b"<< /Length %d >>" % len(content) if length else b"<< >>"
    return handwritten_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            font,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << " + xobjects + b" >> >> >>",
            stream + b"\nstream\n" + content + b"\nendstream",
            *extra,
        ]
    )


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def test_pdfminer_is_a_release_the_overrides_were_checked_against() -> None:
    installed = version("pdfminer.six")
    oldest, newest = PDFMINER_CHECKED
    assert oldest <= installed <= newest, (
        f"pdfminer.six {installed} is installed, but publications.pdf patches pdfminer internals that were "
        f"checked only against {oldest}..{newest}. Review the overrides listed in {__name__}'s docstring "
        f"against the new release, run this file, test_extraction.py with the corpus and bench/extract.py, "
        f"then widen PDFMINER_CHECKED."
    )


# --- ToUnicodeParser and the pdffont patch -------------------------------------------------------


def test_cmap_parser_keeps_its_map_and_stream_where_to_unicode_parser_reads_them() -> None:
    cmap, stream = FileUnicodeMap(), io.BytesIO(b"")
    parser = CMapParser(cmap, stream)
    assert parameters(CMapParser.__init__) == ["self", "cmap", "fp"], "CMapParser's constructor changed"
    assert parser.cmap is cmap and parser.fp is stream, "CMapParser no longer keeps .cmap and .fp (ToUnicodeParser)"
    assert isinstance(cmap.cid2unichr, dict), "FileUnicodeMap.cid2unichr is not a dict (ToUnicodeParser updates it)"
    assert parameters(CMapParser.run) == ["self"], "CMapParser.run changed (ToUnicodeParser overrides it)"


def test_unusual_maps_still_go_to_pdfminers_own_parser() -> None:
    cmap = FileUnicodeMap()
    data = b"1 begincidrange <20> <7e> 1 endcidrange 1 beginbfchar <41> <005A> endbfchar"
    ToUnicodeParser(cmap, io.BytesIO(data)).run()
    assert cmap.cid2unichr.get(0x41) == "Z", "CMapParser.run no longer reads bfchar (ToUnicodeParser's fallback)"


def test_fonts_read_to_unicode_maps_with_the_parser_the_worker_installs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker assigns pdfminer.pdffont.CMapParser; monkeypatch puts pdfminer's class back afterwards.
    assert pdfminer.pdffont.CMapParser is CMapParser, "pdfminer.pdffont no longer imports CMapParser by that name"
    monkeypatch.setattr(pdfminer.pdffont, "CMapParser", CMapParser)
    calls: list[bytes] = []
    quick = tounicode.read_unicode_map

    def counting(data: bytes) -> dict[int, str] | None:
        calls.append(data)
        return quick(data)

    monkeypatch.setattr(tounicode, "read_unicode_map", counting)
    worker._warm_up()
    assert pdfminer.pdffont.CMapParser is ToUnicodeParser

    to_unicode = b"1 beginbfchar <41> <005A> endbfchar"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    stream = b"<< /Length %d >>\nstream\n" % len(to_unicode) + to_unicode + b"\nendstream"
    result = read_pdf_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td (AAA AAA) Tj ET", font, (stream,)), "")

    assert calls == [to_unicode], (
        "A font's ToUnicode map did not reach ToUnicodeParser: pdfminer.pdffont no longer builds "
        "CMapParser(FileUnicodeMap(), BytesIO(data)).run() through its module-level name (worker._warm_up)"
    )
    assert result.pages == ["ZZZ ZZZ"]


# --- LenientParser --------------------------------------------------------------------------------


def test_pdf_parser_has_the_state_lenient_parser_reads() -> None:
    parser = PDFParser(io.BytesIO(b""))
    assert parameters(PDFParser.do_keyword) == ["self", "pos", "token"], "PDFParser.do_keyword changed (LenientParser)"
    assert getattr(PDFParser, "KEYWORD_STREAM", None) is not None, "PDFParser.KEYWORD_STREAM is gone (LenientParser)"
    assert parser.fallback is False, "PDFParser.fallback is gone or not a flag (LenientParser)"
    assert parser.curstack == [], "PSStackParser.curstack is gone (LenientParser reads the stream dictionary there)"


def test_a_stream_without_a_length_is_read_up_to_endstream() -> None:
    content = b"BT /F1 12 Tf 72 700 Td (Read without a Length) Tj ET"
    data = one_page_pdf(content, HELVETICA, length=False)
    assert read_pdf_bytes(data, "").pages == ["Read without a Length"], (
        "pdfminer's fallback mode no longer reads a stream without /Length up to endstream (LenientParser)"
    )


def test_pdfminer_alone_still_reads_such_a_stream_as_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    content = b"BT /F1 12 Tf 72 700 Td (Read without a Length) Tj ET"
    data = one_page_pdf(content, HELVETICA, length=False)
    assert issubclass(LenientParser, PDFParser)
    monkeypatch.setattr(document, "LenientParser", PDFParser)
    assert read_pdf_bytes(data, "").status == "failed", (
        "pdfminer now reads a stream without /Length by itself: LenientParser may no longer be needed"
    )


# --- TextInterpreter ------------------------------------------------------------------------------


def test_operator_methods_take_the_operands_the_text_interpreter_passes() -> None:
    assert set(interpreter._TEXT_OPERATORS.values()) == set(OPERANDS)
    for name, count in OPERANDS.items():
        method = getattr(PDFPageInterpreter, name, None)
        assert method is not None, f"PDFPageInterpreter.{name} is gone (TextInterpreter calls it by name)"
        declared = method.__code__.co_argcount - 1
        assert declared == count, f"PDFPageInterpreter.{name} declares {declared} operands, not {count}"


def test_init_resources_sets_what_pdfminers_sets() -> None:
    resources = {
        "Font": {"F1": {"Type": LIT("Font"), "Subtype": LIT("Type1"), "BaseFont": LIT("Helvetica")}},
        "XObject": {"X1": PDFObjRef(None, 9)},
        "ColorSpace": {"CS0": LIT("DeviceRGB")},
        "ProcSet": [LIT("PDF"), LIT("Text")],
    }
    manager = PDFResourceManager()
    theirs = PDFPageInterpreter(manager, PDFTextDevice(manager))
    ours = TextInterpreter(manager, PageTextDevice(manager))
    before = set(vars(theirs))
    assert set(vars(ours)) == before
    theirs.init_resources(resources)
    ours.init_resources(resources)
    assert set(vars(ours)) == set(vars(theirs)), (
        "PDFPageInterpreter.init_resources now sets other attributes; TextInterpreter.init_resources must match"
    )
    assert set(ours.fontmap) == {"F1"} and isinstance(ours.fontmap["F1"], PDFFont)
    assert ours.xobjmap == theirs.xobjmap
    assert parameters(PDFResourceManager.get_font) == ["self", "objid", "spec"]


def test_interpreter_keeps_the_stream_ids_that_guard_nested_forms() -> None:
    manager = PDFResourceManager()
    ours = TextInterpreter(manager, PageTextDevice(manager))
    assert ours.stream_ids == set() and ours.parent_stream_ids == set(), (
        "PDFPageInterpreter no longer tracks stream_ids / parent_stream_ids (TextInterpreter.execute)"
    )
    ours.stream_ids.add(5)
    nested = ours.subinterp()
    assert type(nested) is TextInterpreter, "subinterp() no longer builds the same class (forms would use pdfminer's)"
    assert nested.parent_stream_ids == {5}
    assert parameters(PDFPageInterpreter.execute) == ["self", "streams"]
    assert parameters(PDFPageInterpreter.init_resources) == ["self", "resources"]
    assert parameters(PDFPageInterpreter.do_TJ) == ["self", "seq"]


def test_forms_are_read_once_even_when_they_invoke_themselves() -> None:
    form = b"BT /F1 12 Tf 72 600 Td (Form text) Tj ET /X1 Do"
    form_object = (
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> /Length %d >>\nstream\n"
        % len(form)
        + form
        + b"\nendstream"
    )
    page = b"BT /F1 12 Tf 72 700 Td (Page text) Tj ET /X1 Do"
    result = read_pdf_bytes(one_page_pdf(page, HELVETICA, (form_object,), xobjects=b"/X1 6 0 R"), "")
    assert result.status == "done", result.message
    assert result.pages == ["Page text\n\nForm text"]


def test_text_state_and_device_call_are_what_do_tj_uses() -> None:
    manager = PDFResourceManager()
    ours = TextInterpreter(manager, PageTextDevice(manager))
    ours.init_state((1, 0, 0, 1, 0, 0))
    assert hasattr(ours.textstate, "font") and hasattr(ours.graphicstate, "ncs"), (
        "the text or graphics state changed (TextInterpreter.do_TJ reads textstate.font and graphicstate.ncs)"
    )
    assert parameters(PDFTextDevice.render_string) == ["self", "textstate", "seq", "ncs", "graphicstate"]


# --- PageTextDevice -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["render_string_horizontal", "render_char", "begin_page", "end_page"])
def test_device_overrides_take_the_arguments_pdfminer_passes(name: str) -> None:
    assert parameters(getattr(PageTextDevice, name)) == parameters(getattr(PDFTextDevice, name)), (
        f"PDFTextDevice.{name} changed its arguments; PageTextDevice.{name} overrides it"
    )


def test_fonts_offer_what_the_device_asks_of_them() -> None:
    for name in ("to_unichr", "char_width", "decode", "get_descent", "char_disp", "is_multibyte", "is_vertical"):
        assert callable(getattr(PDFFont, name, None)), f"PDFFont.{name} is gone (PageTextDevice uses it)"
    assert issubclass(PDFUnicodeNotDefined, Exception)


def test_upright_rotated_and_letter_spaced_text_reads_as_words() -> None:
    content = b"\n".join(
        [
            b"BT /F1 12 Tf 1 0 0 1 72 700 Tm (Upright words) Tj ET",
            b"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (Turned words) Tj ET",
            b"BT /F1 12 Tf 0.5 Tc 1 0 0 1 72 100 Tm (Spaced) Tj ET",
        ]
    )
    result = read_pdf_bytes(one_page_pdf(content, HELVETICA), "")
    assert result.status == "done", result.message
    assert sorted(result.pages[0].split("\n\n")) == ["Spaced", "Turned words", "Upright words"]
