"""Read the text of uploaded PDFs, page by page, in child processes with time and memory limits.

pdfminer.six is pure Python and trusts its input: a hostile or pathological file can make it loop
for minutes or allocate gigabytes. So every file is read in a worker process that has an
address-space limit (RLIMIT_AS) and is killed when it runs past its wall-clock limit; the parent
only ever sees a finished `ExtractionResult`.

Speed (measured by ``bench/extract.py``): files are spread over a pool of workers, one per core;
content streams are scanned with one regular expression and only text operators are executed
(pdfminer tokenises byte by byte and also runs every drawing operator); each string is placed as
a whole and joined into lines with pdfminer's LAParams rules for lines and word gaps, without an
LTChar object per glyph; lines are grouped into paragraph boxes and read column by column; the
usual ToUnicode maps are read with one regular expression. The text keeps words separated and
paragraphs together (words hyphenated at line ends are rejoined, running heads and feet dropped),
which is what search and highlights need. pdfminer still parses the file structure, fonts and
everything unusual.

One module per concern, each importing only modules listed below it:

    pool         extract_many / extract_pdf_text: prechecks and the pool of limited workers
    worker       the worker process (memory limit, alarm, serving files)
    document     opening a document leniently and reading its pages (in the worker)
    language     language detection (in the parent)
    metadata     the document information dictionary
    device       the glyph device (pdfminer PDFTextDevice)
    interpreter  the text-only content-stream interpreter (pdfminer PDFPageInterpreter)
    layout       glyphs to lines, lines to boxes, boxes in reading order
    tounicode    the quick ToUnicode CMap reader
    text         cleaning text, rejoining hyphenated words, dropping running heads and feet
    checks       hash, PDF signature and upload checks (no parsing)
    limits       limits, results, failure reasons and every message a researcher reads

The pdfminer internals that `tounicode`, `worker`, `document`, `device` and `interpreter` rely
on are pinned by tests/publications/test_pdf_contract.py.
"""

from publications.pdf.checks import has_pdf_signature, sha256_of_file, validate_pdf_upload
from publications.pdf.language import detect_language
from publications.pdf.limits import FAILURE_REASONS, MESSAGES, ExtractionLimits, ExtractionResult
from publications.pdf.metadata import parse_pdf_date, read_metadata
from publications.pdf.pool import extract_many, extract_pdf_text
from publications.pdf.text import clean_text, join_hyphenated_words, strip_running_lines
from publications.pdf.tounicode import read_unicode_map

__all__ = [
    "FAILURE_REASONS",
    "MESSAGES",
    "ExtractionLimits",
    "ExtractionResult",
    "clean_text",
    "detect_language",
    "extract_many",
    "extract_pdf_text",
    "has_pdf_signature",
    "join_hyphenated_words",
    "parse_pdf_date",
    "read_metadata",
    "read_unicode_map",
    "sha256_of_file",
    "strip_running_lines",
    "validate_pdf_upload",
]
