"""PDFs with a text layer (pdfplumber): text and ruled tables in reading order, page by page.
A PDF without one (a scan) goes to OCR (`ocr`).

Ruled tables are located by position and written as pipe rows; the text around them is written
line by line, with visually wrapped lines joined back into paragraphs so that a sentence broken
at the right margin is still one sentence. A frame drawn around the whole page is not a table.
Each page's first line is recorded so that every figure can cite its page. pdfminer and pdfplumber
read the pages through the exact, faster equivalents of `pdf_fast`.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils import chars_to_textmap, crop_to_bbox, extract_text

from assistant.errors import InputError
from assistant.load.grid import cell_text, pipe_rows
from assistant.load.ocr import scanned_pdf_to_text
from assistant.load.pdf_fast import install as install_fast_pdf_readers
from assistant.models import DecodedText

_PAGE_NUMBER = re.compile(r"^[-—\s]*\d+[-—\s]*$|^第\s*\d+\s*页")
_WRAP_CHARS = 1.5
_SENTENCE_END = tuple("。；;：:！!？?）)”")

install_fast_pdf_readers()


def pdf_to_text(data: bytes, source: str) -> DecodedText:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfplumber wraps pdfminer's many error types in PdfminerException
        raise InputError(source, _open_failure(error)) from None
    with pdf:
        try:
            pages = [_page_lines(page) for page in pdf.pages]
        except Exception as error:  # a page that pdfminer cannot decode spoils the whole document
            raise InputError(source, f"PDF 内容无法解析（{type(error).__name__}）") from None
    if not any(any(re.search(r"[\u4e00-\u9fff]", line) for line in page) for page in pages):
        return scanned_pdf_to_text(data, source)
    lines: list[str] = []
    page_starts: list[int] = []
    for page in pages:
        page_starts.append(len(lines) + 1)
        lines.extend(page)
    return DecodedText(source=source, encoding="pdf", text="\n".join(lines) + "\n", page_starts=page_starts)


def _open_failure(error: Exception) -> str:
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    if isinstance(cause, PDFPasswordIncorrect) or "encrypt" in type(cause).__name__.lower():
        return "PDF 已加密（需要密码），无法读取"
    if isinstance(cause, PDFSyntaxError):
        return "PDF 文件已损坏（结构无法解析）"
    return f"PDF 文件已损坏或无法打开（{type(cause).__name__}）"


def _page_lines(page) -> list[str]:
    """Each table's cells are extracted once (`_cell_texts`)."""
    found = [(table, _cell_texts(table, page.chars)) for table in page.find_tables()]
    tables = sorted(((t, cells) for t, cells in found if _data_rows(cells) >= 2), key=lambda item: item[0].bbox[1])
    lines: list[str] = []
    cursor = 0.0
    for table, cells in tables:
        lines += _text_lines(page, cursor, table.bbox[1])
        lines += _table_lines(page, table, cells)
        cursor = table.bbox[3]
    return lines + _text_lines(page, cursor, page.height)


def _cell_texts(table, chars: list[dict]) -> list[list]:
    """`table.extract()`: each cell's text from the characters whose centre lies in it, in page
    order. pdfplumber tests every character of the page against every row; here the characters are
    sorted by the height of their centre once and each row takes its band by bisection."""
    centres = sorted(((char["top"] + char["bottom"]) / 2, index, (char["x0"] + char["x1"]) / 2)
                     for index, char in enumerate(chars))
    heights = [centre[0] for centre in centres]
    extracted = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        band = centres[bisect_left(heights, top):bisect_left(heights, bottom)]
        in_row = sorted((index, across, height) for height, index, across in band if x0 <= across < x1)
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            left, cell_top, right, cell_bottom = cell
            inside = [chars[index] for index, across, height in in_row
                      if left <= across < right and cell_top <= height < cell_bottom]
            cells.append(extract_text(inside) if inside else "")
        extracted.append(cells)
    return extracted


def _data_rows(extracted: list[list]) -> int:
    return sum(1 for cells in extracted if sum(c is not None for c in cells) >= 2)


def _table_lines(page, table, extracted: list[list]) -> list[str]:
    """Rows with two or more cells are table rows; single-cell rows (a frame drawn around the
    page's text, a title inside the table) are read as text, their wrapped lines joined."""
    lines: list[str] = []
    text_band: list[float] = []
    for row, cells in zip(table.rows, extracted):
        present = [c for c in cells if c is not None]
        if len(present) >= 2:
            if text_band:
                lines += _text_lines(page, text_band[0], text_band[1])
                text_band = []
            lines += pipe_rows([[cell_text(c) for c in present]])
        else:
            text_band = [text_band[0] if text_band else row.bbox[1], row.bbox[3]]
    if text_band:
        lines += _text_lines(page, text_band[0], text_band[1])
    return lines


def _text_lines(page, top: float, bottom: float) -> list[str]:
    if bottom - top < 1:
        return []
    raw = [line for line in _band_lines(page, top, bottom) if not _PAGE_NUMBER.match(line["text"].strip())]
    if not raw:
        return []
    ends = sorted(line["x1"] for line in raw)
    right_margin = ends[int(0.75 * (len(ends) - 1))]
    widths = sorted((line["x1"] - line["x0"]) / max(len(line["text"]), 1) for line in raw)
    slack = _WRAP_CHARS * widths[len(widths) // 2]
    lines: list[str] = []
    joining = False
    for line in raw:
        text = line["text"].strip()
        if joining:
            lines[-1] += text
        else:
            lines.append(text)
        joining = line["x1"] >= right_margin - slack and not text.endswith(_SENTENCE_END)
    return lines


def _band_lines(page, top: float, bottom: float) -> list[dict]:
    """`page.crop((0, top, page.width, bottom)).extract_text_lines()` without cropping the page's
    rules and images too, and without the characters of each line, which are not used."""
    region = page.crop((0, top, page.width, bottom))  # pdfplumber's check that the band is on the page
    near = [char for char in page.chars if char["bottom"] >= top and char["top"] <= bottom]
    textmap = chars_to_textmap(crop_to_bbox(near, region.bbox), layout_bbox=region.bbox,
                               layout_width=region.width, layout_height=region.height)
    return textmap.extract_text_lines(strip=True, return_chars=False)
