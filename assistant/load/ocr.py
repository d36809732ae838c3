"""Scanned reports (image-only PDFs, PNG and JPEG pages) read by tesseract (Debian `tesseract-ocr`
with `tesseract-ocr-chi-sim`), never by guessing.

Each page is deskewed and its ruled tables are found in the image (`grid_image`); the text around
them is read line by line, and every table cell is cropped and read on its own, twice: once as
Chinese text and once restricted to digits. A count is accepted only when both readings agree on
its digits and tesseract is confident; otherwise the cell is written as `UNSURE_MARK` followed by the
reading, which the parser keeps as a non-number (null, with a warning). Each cell keeps its page and
its box in the page image (`DecodedText.ocr_cells`), so a reviewer can find it on the scan.
"""

from __future__ import annotations

import csv
import difflib
import os
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from assistant import catalogue
from assistant.errors import InputError
from assistant.load.grid import cell_text, pipe_rows
from assistant.load.grid_image import GridCell, TableGrid, binarize, deskew, find_tables
from assistant.models import UNSURE_MARK, DecodedText, OcrCell

OCR_ENCODING = "ocr"
RENDER_DPI = 300
MIN_CONFIDENCE = 60
SURE_CONFIDENCE = 90
DOUBT_CONFIDENCE = 60
TESSERACT_TIMEOUT_S = 300
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COUNT = re.compile(r"-?\d+(?:\.\d+)?")
_MARGIN = 5
_MIN_INK_PIXELS = 12
_UPSCALE = 2
_RETRY_UPSCALE = 3
_COLUMN_GRAIN = 12  # pixels: cells whose right rules round to the same multiple share a column
_COUNT_COLUMN_SHARE = 0.6
_DIGIT_PASS = ("eng", "7", "-c", "tessedit_char_whitelist=0123456789.-")
# Characters the Chinese pass reads for a lone printed digit ('1' as ']' or 'T', '0' as 'O'): only
# ever a candidate, which the table's arithmetic must confirm.
_DIGIT_LOOKALIKES = str.maketrans({"]": "1", "[": "1", "|": "1", "¦": "1", "I": "1", "l": "1", "T": "1", "i": "1", "!": "1",
                                   "O": "0", "o": "0", "D": "0", "Q": "0", "Z": "2", "z": "2", "S": "5",
                                   "s": "5", "B": "8", "g": "9", "q": "9", "了": "7"})
_OPENING_BRACKETS = "（(《【〈〔<[{"
_ORDINAL_START = re.compile(r"^.\s*[一二三四五六七八九十\d]{1,2}\s*[）)》】〉〕>\]}]")
_RULE_MARKS = "[]|¦"  # a cell's rule caught at the edge of its crop (a read pipe is written ¦)


@dataclass(frozen=True)
class _Reading:
    text: str
    confidence: float


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def _require_tesseract(source: str) -> None:
    if tesseract_path() is None:
        raise InputError(source, "文件没有文字层（扫描件或图片），需要文字识别，但本机未安装 tesseract"
                                 "（apt-get install -y tesseract-ocr tesseract-ocr-chi-sim）")


def image_to_text(data: bytes, source: str) -> DecodedText:
    _require_tesseract(source)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as error:  # Pillow raises many types for damaged images
        raise InputError(source, f"图片文件已损坏，无法读取（{type(error).__name__}）") from None
    return read_pages([image], source)


def scanned_pdf_to_text(data: bytes, source: str) -> DecodedText:
    import pypdfium2

    _require_tesseract(source)
    pdf = pypdfium2.PdfDocument(data)
    try:
        images = [page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil() for page in pdf]
    finally:
        pdf.close()
    return read_pages(images, source)


def read_pages(images: list[Image.Image], source: str) -> DecodedText:
    lines: list[str] = []
    page_starts: list[int] = []
    placed: list[tuple[int, int, GridCell, _Reading]] = []
    with tempfile.TemporaryDirectory(prefix="audit-ocr-") as folder:
        for number, image in enumerate(images, start=1):
            page_starts.append(len(lines) + 1)
            for block in _page_blocks(image, Path(folder) / f"p{number}", source):
                if isinstance(block, str):
                    lines.append(block)
                else:
                    for row in block:
                        placed += [(len(lines), number, cell, reading) for cell, reading in row]
                        lines += pipe_rows([[reading.text for _, reading in row]])
    text = "\n".join(lines) + "\n"
    if not _CJK.search(text):
        raise InputError(source, "文件没有文字层，文字识别（OCR）也未能读出任何中文内容")
    return DecodedText(source=source, encoding=OCR_ENCODING, text=text, page_starts=page_starts,
                       ocr_cells=_cell_boxes(lines, placed))


def _cell_boxes(lines: list[str], placed) -> list[OcrCell]:
    """Where each cell's text starts in the decoded text, with its page, box and confidence."""
    line_offsets = [0]
    for line in lines:
        line_offsets.append(line_offsets[-1] + len(line) + 1)
    boxes: list[OcrCell] = []
    cursor_by_line: dict[int, int] = {}
    for line_index, page, cell, reading in placed:
        line = lines[line_index]
        cursor = cursor_by_line.get(line_index, 0)
        start = line.index("| ", cursor) + 2
        cursor_by_line[line_index] = start
        boxes.append(OcrCell(offset=line_offsets[line_index] + start, page=page, confidence=round(reading.confidence, 1),
                             box=(int(cell.left), int(cell.top), int(cell.right), int(cell.bottom))))
    return boxes


def _page_blocks(image: Image.Image, folder: Path, source: str) -> list[str | list[list[tuple[GridCell, _Reading]]]]:
    """The page as text lines and tables (rows of read cells), top to bottom."""
    folder.mkdir()
    gray = deskew(image)
    ink = binarize(gray)
    page = _without_speckle(gray, ink)
    tables = find_tables(ink)
    blanked = page.copy()
    for table in tables:
        blanked.paste(255, (0, table.top - 3, page.width, table.bottom + 4))
    blocks: list[tuple[int, object]] = [(top, line) for top, line in _text_lines(blanked, folder, source)]
    readings = _read_cells(page, ink, tables, folder, source)
    for table in tables:
        rows = [_joined_label_parts([(cell, readings[cell]) for cell in row]) for row in table.rows]
        blocks.append((table.top, rows))
    return [block for _, block in sorted(blocks, key=lambda item: item[0])]


def _joined_label_parts(row: list[tuple[GridCell, _Reading]]) -> list[tuple[GridCell, _Reading]]:
    """A label whose bracketed second line was cut off as a cell of its own ('（二）部分公开' |
    '（区分处理的，…）') is one label again, so that its row's counts stay in their columns."""
    joined: list[tuple[GridCell, _Reading]] = []
    for cell, reading in row:
        if joined and _is_continuation(reading.text) and _is_label_text(joined[-1][1].text):
            before, read_before = joined.pop()
            cell = GridCell(before.row, before.left, min(before.top, cell.top), cell.right, max(before.bottom, cell.bottom))
            reading = _Reading(_official_label(read_before.text + reading.text), min(read_before.confidence, reading.confidence))
        joined.append((cell, reading))
    return joined


def _is_continuation(text: str) -> bool:
    """Bracketed Chinese that is not a label of its own ('（一）予以公开' after '三、本年度办理结果' is)."""
    return text[:1] in _OPENING_BRACKETS and _is_label_text(text) and not _ORDINAL_START.match(text)


def _is_label_text(text: str) -> bool:
    return bool(_CJK.search(text)) and not text.startswith(UNSURE_MARK)


def _without_speckle(gray: Image.Image, ink: np.ndarray) -> Image.Image:
    """Paper made white away from the strokes (scanner noise and JPEG halos gone), strokes kept grey."""
    near_ink = np.asarray(Image.fromarray(ink.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(5))) > 0
    return Image.fromarray(np.where(near_ink, np.asarray(gray), 255).astype(np.uint8))


def _text_lines(page: Image.Image, folder: Path, source: str) -> list[tuple[int, str]]:
    path = folder / "text.png"
    page.save(path)
    rows = _tesseract(path, source, "chi_sim", "4")
    lines: dict[tuple[str, str, str], list[dict]] = {}
    for row in rows:
        if row["text"].strip():
            lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    found = [(min(int(w["top"]) for w in words), _official_heading(_join_words(w["text"] for w in words)))
             for words in lines.values()]
    return sorted(found)


_HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def _official_heading(line: str) -> str:
    """A short line read as a section heading with one character too many, too few or wrong
    ('一、和总体情况') becomes the official heading, so a speck of noise does not hide a section;
    any other line (a body's own wording of a heading included) is kept as read."""
    for heading in _HEADINGS:
        if abs(len(line) - len(heading)) <= 1 and _one_edit_apart(line, heading):
            return heading
    return line


def _one_edit_apart(read: str, official: str) -> bool:
    changes = difflib.SequenceMatcher(None, read, official, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in changes if tag != "equal") <= 1


def _join_words(words) -> str:
    """Tesseract separates Chinese characters by spaces; keep a space only between Latin/digit words."""
    text = ""
    for word in words:
        word = word.strip()
        if text and not (_CJK.search(text[-1]) or _CJK.search(word[0])):
            text += " "
        text += word
    return text


def _read_cells(page: Image.Image, ink, tables: list[TableGrid], folder: Path, source: str) -> dict[GridCell, _Reading]:
    """Cells without ink are empty; the others are cropped once and read by both passes in one
    tesseract run each (a listing of crops), so the cost per cell is a crop, not a process. The
    digit pass reads the cells that are counts: not read as Chinese, or standing in a column of counts."""
    readings: dict[GridCell, _Reading] = {}
    inked: list[GridCell] = []
    for cell in (cell for table in tables for row in table.rows for cell in row):
        inner = ink[cell.top + _MARGIN : cell.bottom - _MARGIN + 1, cell.left + _MARGIN : cell.right - _MARGIN + 1]
        if inner.size == 0 or int(inner.sum()) < _MIN_INK_PIXELS:
            readings[cell] = _Reading("", 100.0)
        else:
            inked.append(cell)
    if not inked:
        return readings
    crops = _crops(page, inked, folder / "cells")
    texts = _read_crops(crops, source, "chi_sim", "6")
    labels = {cell for index, cell in enumerate(inked) if _is_label(_words_text(texts.get(index, [])), texts.get(index, []))}
    misread_digits = _in_count_columns(tables, inked, labels, texts)
    counts = [index for index, cell in enumerate(inked) if cell not in labels or cell in misread_digits]
    digits = _read_crops([crops[index] for index in counts], source, *_DIGIT_PASS)
    digits_of = {index: digits.get(position, []) for position, index in enumerate(counts)}
    for index, cell in enumerate(inked):
        readings[cell] = _cell_reading(texts.get(index, []), digits_of.get(index, []), count=index in digits_of)
    unsure = [cell for cell in inked if readings[cell].text.startswith(UNSURE_MARK)]
    if unsure:
        retry = _read_crops(_crops(page, unsure, folder / "retry", _RETRY_UPSCALE, sharpen=True), source, *_DIGIT_PASS)
        for index, cell in enumerate(unsure):
            readings[cell] = _with_candidate(readings[cell], "".join(w["text"].strip() for w in retry.get(index, [])))
    return readings


def _in_count_columns(tables: list[TableGrid], inked: list[GridCell], labels: set[GridCell],
                      texts: dict[int, list[dict]]) -> set[GridCell]:
    """Cells read as one or two Chinese characters in a column whose other cells are mostly counts:
    a small digit read as Chinese ('7' as '了'), which must not pass for a label and shift its row."""
    position = {cell: index for index, cell in enumerate(inked)}
    found: set[GridCell] = set()
    for table in tables:
        columns: dict[int, list[GridCell]] = {}
        for cell in (cell for row in table.rows for cell in row if cell in position):
            columns.setdefault(round(cell.right / _COLUMN_GRAIN), []).append(cell)
        for column in columns.values():
            numeric = [cell for cell in column if cell not in labels]
            if len(numeric) >= 3 and len(numeric) >= _COUNT_COLUMN_SHARE * len(column):
                found.update(cell for cell in column if cell in labels
                             and len(_CJK.findall(_words_text(texts.get(position[cell], [])))) <= 2)
    return found


def _read_crops(crops: list[Path], source: str, *arguments: str) -> dict[int, list[dict]]:
    """The words tesseract reads in each crop (by position in `crops`), all crops in one run. Tesseract
    5.3 dies of a floating-point exception on some crops under a character whitelist; then each crop
    is read alone, and one that kills it stays unread (its cell is unsure)."""
    if not crops:
        return {}
    listing = crops[0].parent / f"listing-{'-'.join(arguments[:2])}.txt"
    listing.write_text("\n".join(map(str, crops)) + "\n", encoding="utf-8")
    rows = _tesseract(listing, source, *arguments, survive_crash=True)
    if rows is not None:
        return {page - 1: words for page, words in _by_page(rows).items()}
    found = {}
    for index, crop in enumerate(crops):
        words = [row for row in _tesseract(crop, source, *arguments, survive_crash=True) or [] if row["text"].strip()]
        if words:
            found[index] = words
    return found


def _with_candidate(reading: _Reading, count: str) -> _Reading:
    """An unsure cell with one more count it may be (from the sharpened retry), if it is a count."""
    listed = reading.text[len(UNSURE_MARK):].split("/")
    if not _COUNT.fullmatch(count) or count in listed:
        return reading
    return _Reading(UNSURE_MARK + "/".join([*listed, count]), reading.confidence)


def _crops(image: Image.Image, cells: list[GridCell], folder: Path, scale: int = _UPSCALE,
                  sharpen: bool = False) -> list[Path]:
    """Each cell's inside, enlarged and framed in white, as an image file.
    `sharpen` thresholds the enlarged crop (smooth edges, no grey halo), which reads some small
    digits that the grey crop does not."""
    folder.mkdir()
    paths = []
    for index, cell in enumerate(cells):
        crop = image.crop((cell.left + _MARGIN, cell.top + _MARGIN, cell.right - _MARGIN + 1, cell.bottom - _MARGIN + 1))
        crop = crop.resize((crop.width * scale, crop.height * scale), Image.BICUBIC if sharpen else Image.LANCZOS)
        if sharpen:
            pixels = np.asarray(crop)
            middle = (float(np.percentile(pixels, 90)) + float(np.percentile(pixels, 1))) / 2
            crop = Image.fromarray(np.where(pixels < middle, 0, 255).astype(np.uint8))
        padded = Image.new("L", (crop.width + 40, crop.height + 40), 255)
        padded.paste(crop, (20, 20))
        path = folder / f"cell{index}.png"
        padded.save(path)
        paths.append(path)
    return paths


def _words_text(words: list[dict]) -> str:
    return cell_text(_join_words(w["text"] for w in words))


def _is_label(text: str, words: list[dict]) -> bool:
    """Chinese read in a cell: two characters, or one read with confidence (a digit is never read so)."""
    return len(_CJK.findall(text)) >= 2 or bool(_CJK.search(text)) and _confidence(words) >= MIN_CONFIDENCE


def _cell_reading(text_words: list[dict], digit_words: list[dict], count: bool) -> _Reading:
    """A label (not `count`) keeps its Chinese reading. A count needs its two readings to agree confidently, or one
    very confident reading that the other does not contradict with any confidence; otherwise the
    cell is unsure and lists the counts it may be (`UNSURE_MARK` + '1/7'), which the parser accepts
    only where the table's arithmetic singles one out."""
    text = _words_text(text_words)
    text_confidence = _confidence(text_words)
    number = "".join(w["text"].strip() for w in digit_words)
    number_confidence = _confidence(digit_words)
    if not count:
        return _Reading(_official_label(text), text_confidence)
    text_number = re.sub(r"\s+", "", text)
    readers = [(text_number, text_confidence), (number, number_confidence)]
    agreed = text_number == number and min(text_confidence, number_confidence) >= MIN_CONFIDENCE
    sure = [value for value, confidence in readers if confidence >= SURE_CONFIDENCE]
    unopposed = len(sure) == 1 and all(confidence < DOUBT_CONFIDENCE or not value
                                       for value, confidence in readers if value != sure[0])
    if (agreed or unopposed) and _COUNT.fullmatch(number if agreed else sure[0]):
        return _Reading(number if agreed else sure[0], max(text_confidence, number_confidence))
    readings = [number, text_number, text_number.strip(_RULE_MARKS), text_number.translate(_DIGIT_LOOKALIKES)]
    candidates = [value for value in dict.fromkeys(readings) if _COUNT.fullmatch(value)]
    shown = "/".join(candidates) or number or text_number
    return _Reading(UNSURE_MARK + shown, min(text_confidence, number_confidence))


def _official_labels() -> list[str]:
    """Every label printed in the official tables of both templates (rows, columns, groups)."""
    labels = {"三、本年度办理结果", "申请人情况", "自然人", "法人或其他组织", "信息内容", "行政复议", "行政诉讼",
              "未经复议直接起诉", "复议后起诉"}
    for template in ("2021", "2019"):
        for _, label in catalogue.request_rows(template):
            labels.update(part for part in label.split(" ") if part)
        for row in catalogue.active_rows(template):
            labels.add(row.label)
            labels.update(header for _, header in row.columns)
    labels.add("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    labels.update(label for _, label in catalogue.APPLICANT_COLUMNS)
    labels.update(label for _, label in catalogue.APPEAL_OUTCOMES)
    return sorted(labels)


_LABELS = _official_labels()
_SNAP_RATIO = 0.5


_ARTICLE_HEADER = re.compile(r"^第.{1,6}条第(.{1,6})项$")


def _official_label(text: str) -> str:
    """A misread label cell ('一、上年绪转…', '规剖') snapped to the official label it resembles most,
    since the tables' labels are fixed by the template; text resembling none, or two equally, is kept.
    Section 二's group headers all cite article 二十 ('第- -上条第〈 -)项' → '第二十条第〈 -)项'),
    so that number is restored and the item is kept as read."""
    article = _ARTICLE_HEADER.match(text)
    if article:
        return f"第二十条第{article[1]}项"
    scored = sorted(((difflib.SequenceMatcher(None, text, label).ratio(), label) for label in _LABELS), reverse=True)
    (best_ratio, best), (second_ratio, _) = scored[0], scored[1]
    return best if best_ratio >= _SNAP_RATIO and best_ratio > second_ratio else text


def _confidence(words: list[dict]) -> float:
    values = [float(w["conf"]) for w in words if w["text"].strip()]
    return min(values, default=0.0)


def _by_page(rows: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        if row["text"].strip():
            grouped.setdefault(int(row["page_num"]), []).append(row)
    return grouped


# Tesseract's OpenMP threads spin while they wait: on a shared CPU one thread does the same work
# in a fifth of the CPU time, and pages can be read side by side instead.
_ONE_THREAD = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _tesseract(path: Path, source: str, language: str, psm: str, *options: str,
               survive_crash: bool = False) -> list[dict] | None:
    """Tesseract's TSV rows for an image or a listing of images; None when it died of a signal and
    `survive_crash` asks to be told rather than to fail the document."""
    command = [tesseract_path(), str(path), "stdout", "-l", language, "--psm", psm, *options, "tsv"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=TESSERACT_TIMEOUT_S, check=False, env=_ONE_THREAD)
    except subprocess.TimeoutExpired:
        raise InputError(source, f"文字识别（OCR）超时（超过 {TESSERACT_TIMEOUT_S} 秒）") from None
    if result.returncode < 0 and survive_crash:
        return None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["未知错误"]
        raise InputError(source, f"文字识别（OCR）失败：{reason[0]}")
    return list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE))
