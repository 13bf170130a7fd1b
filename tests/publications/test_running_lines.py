"""Running heads and feet (a title and page number on every page) are dropped from extracted text."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from publications.pdf import strip_running_lines
from publications.pdf.document import read_pdf_bytes

HEAD = "Journal of Labour Mobility Studies, vol. 4"
FOOT = "Who pays for the visa? Recruitment fees of Nepali workers"
BODY = [
    "Workers from Nepal paid agents in Kathmandu for jobs in Qatar.",
    "Remittances sent home from Malaysia repaid the loans within two years.",
    "Women returning from Saudi Arabia found few jobs in their districts.",
    "Pre-departure orientation was attended by one in three departing workers.",
]


def _pages(n: int = 4, *, head: str | None = HEAD, foot: str | None = FOOT) -> list[str]:
    pages = []
    for number, body in enumerate(BODY[:n], start=1):
        lines = ([head] if head else []) + [body, f"More on {body.split()[2]} follows in the next section."]
        lines += ([foot] if foot else []) + [f"Page {number} of {n}"]
        pages.append("\n".join(lines))
    return pages


def test_heads_feet_and_page_numbers_repeated_on_every_page_go():
    result = strip_running_lines(_pages())
    for page, body in zip(result, BODY, strict=True):
        assert HEAD not in page and FOOT not in page and "Page " not in page
        assert body in page and f"More on {body.split()[2]} follows" in page


def test_a_line_repeated_in_the_body_stays():
    # The same sentence in the middle of every page is content, not a running head.
    pages = [
        "\n".join([f"Heading {i}", "one", "two", "The fee ceiling is 10,000 rupees.", "three", "four", f"End {i}"])
        for i in range(4)
    ]
    result = strip_running_lines(pages)
    assert all("The fee ceiling is 10,000 rupees." in page for page in result)


@pytest.mark.parametrize("pages", [_pages(2), [HEAD + "\nonly page"], []])
def test_documents_of_fewer_than_three_pages_are_left_alone(pages):
    assert strip_running_lines(pages) == pages


def test_a_line_on_fewer_than_half_of_the_pages_stays():
    pages = _pages(4, head=None, foot=None)
    pages[0] = "Box 1: a case\n" + pages[0]
    pages[1] = "Box 1: a case\n" + pages[1]
    result = strip_running_lines(pages)
    assert result[0].startswith("Box 1: a case") and result[1].startswith("Box 1: a case")


def test_blank_pages_and_pages_without_the_running_lines_are_kept_as_they_are():
    pages = [*_pages(4), "", "Annex: a page without a running head."]
    result = strip_running_lines(pages)
    assert result[4] == "" and result[5] == "Annex: a page without a running head."
    assert all(HEAD not in page for page in result[:4])


def test_a_real_pdf_with_a_running_foot_is_read_without_it():
    """The extractor itself drops them: reportlab draws the foot and page number at the bottom of each page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number, body in enumerate(BODY, start=1):
        pdf.drawString(60, 780, body)
        pdf.drawString(60, 60, FOOT)
        pdf.drawString(300, 40, str(number))
        pdf.showPage()
    pdf.save()
    result = read_pdf_bytes(buffer.getvalue(), "digest")
    assert result.status == "done" and len(result.pages) == 4
    for page, body in zip(result.pages, BODY, strict=True):
        assert body in page
        assert FOOT not in page
        assert page.strip() == body  # the page number went too
