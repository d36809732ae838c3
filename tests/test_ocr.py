"""Scanned reports read by OCR (Debian's tesseract-ocr + tesseract-ocr-chi-sim): seed 001 printed
as a PDF, scanned at 180 dpi with rotation, noise and JPEG artefacts, and read back.

Trust first: no cell may be read wrong; a cell that cannot be read for sure is null with a warning
that points to the page. The right-share floor is below what was measured on this scan (199 of 200
cells; bench/ocr_quality.py measures all five seeds and the corpus PDFs), with a little room for
tesseract builds that differ.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assistant.app.review_page import _table_html
from assistant.check import check_report
from assistant.config import Settings
from assistant.draft.memo import build_memo
from assistant.draft.memo_document import memo_document
from assistant.draft.official_tables import official_tables
from assistant.draft.document import to_markdown
from assistant.ingest import Ingestor
from assistant.errors import InputError
from assistant.load import load_bytes
from assistant.load.ocr import tesseract_path
from assistant.models import UNSURE_MARK, CellStatus
from assistant.parse import extract
from conftest import sample, store_rows
from documents import report_blocks, to_pdf
from scans import image_only_pdf, scanned_pages
from test_seed_figures import SEED_EXPECTATIONS

RIGHT_FLOOR = 0.97
needs_tesseract = pytest.mark.skipif(tesseract_path() is None, reason="tesseract is not installed")


@pytest.fixture(scope="module")
def scan_pages() -> list[bytes]:
    expected = SEED_EXPECTATIONS["001"]
    return scanned_pages(to_pdf(report_blocks(sample("001"), expected["meta"]["template"], expected["figures"])))


@pytest.fixture(scope="module")
def scanned_report(scan_pages):
    return extract(load_bytes(image_only_pdf(scan_pages), "001_scan.pdf", ".pdf"))


@needs_tesseract
def test_a_noisy_scan_reads_back_with_no_wrong_cell_and_every_null_warned(scanned_report):
    figures = SEED_EXPECTATIONS["001"]["figures"]
    wrong = {k: (scanned_report.figures.get(k), v) for k, v in figures.items()
             if scanned_report.figures.get(k) not in (None, v)}
    assert wrong == {}
    right = sum(scanned_report.figures.get(k) == v for k, v in figures.items())
    assert right / len(figures) >= RIGHT_FLOOR
    findings = check_report(scanned_report)
    warned = {key for finding in findings for key in finding.keys}
    nulls = [k for k in figures if scanned_report.figures.get(k) is None]
    assert nulls and set(nulls) <= warned
    unsure = next(f for f in findings if f.rule == "CELL_AMBIGUOUS" and f.keys[0] == nulls[0])
    assert "扫描件第" in unsure.message and "页" in unsure.message
    assert [s.id for s in scanned_report.sections] == ["一", "二", "三", "四", "五", "六"]
    assert scanned_report.meta.year == 2021 and scanned_report.meta.template == "2021"


@needs_tesseract
def test_every_ocr_cell_keeps_its_page_and_box(scanned_report):
    document = scanned_report.document
    assert document.read_by_ocr and len(document.page_starts) == 4
    cell = scanned_report.cell("requests.new.natural")
    box = document.ocr_cell_at(cell.offset)
    assert box is not None and box.page == document.page_of(cell.line) == 2
    left, top, right, bottom = box.box
    assert 0 < left < right and 0 < top < bottom


@needs_tesseract
def test_the_store_keeps_each_ocr_figure_with_its_page_and_box(scan_pages, scanned_report, tmp_path, new_database):
    """Written with the figure, read back with the stored report, shown where the memo cites the figure."""
    path = tmp_path / "001_scan.pdf"
    path.write_bytes(image_only_pdf(scan_pages))
    settings = Settings(index_dir=tmp_path / "index", database_url=new_database())
    ingestor = Ingestor(settings)
    try:
        ingestor.ingest([path])
        cell = scanned_report.cell("requests.new.natural")
        place = scanned_report.document.ocr_cell_at(cell.offset)
        assert store_rows(settings, "SELECT page, box_left, box_top, box_right, box_bottom FROM ocr_positions "
                                    "WHERE key = 'requests.new.natural'") == [(place.page, *place.box)]
        read_cells = [c for c in scanned_report.cells if c.status != CellStatus.MISSING
                      and scanned_report.document.ocr_cell_at(c.offset) is not None]
        assert store_rows(settings, "SELECT COUNT(*) FROM ocr_positions") == [(len(read_cells),)]
        stored = ingestor.db.load_report(ingestor.db.reports()[0].id)
        assert stored.cells == scanned_report.cells
        assert stored.document.ocr_cell_at(stored.cell("requests.new.natural").offset) == place
        memo = to_markdown(memo_document(build_memo(stored, check_report(stored))))
        null = next(c for c in stored.cells if c.value is None and c.status != CellStatus.MISSING)
        box = stored.document.ocr_cell_at(null.offset).box
        assert f"扫描件第{stored.document.page_of(null.line)}页（图像坐标 {box[0]},{box[1]}–{box[2]},{box[3]}）" in memo
        requests_table = next(t for t in official_tables("2021") if any("requests.new.natural" in r.cells for r in t.rows))
        left, top, right, bottom = place.box
        assert f'title="扫描件第{place.page}页（图像坐标 {left},{top}–{right},{bottom}）"' in _table_html(
            requests_table, stored, set())
    finally:
        ingestor.close()


@needs_tesseract
def test_a_cell_read_unsure_is_settled_only_by_the_arithmetic(scanned_report):
    """A cell the loader marked unsure either took a listed count that the table's equations
    confirm, or stays null; never the reading as such."""
    figures = SEED_EXPECTATIONS["001"]["figures"]
    unsure = [c for c in scanned_report.cells if c.raw.startswith(UNSURE_MARK) and c.key in figures]
    assert unsure
    for cell in unsure:
        assert (cell.status == CellStatus.OK and cell.value == figures[cell.key]) or cell.value is None


@needs_tesseract
def test_the_memo_says_the_report_was_read_by_ocr(scanned_report):
    memo = build_memo(scanned_report, check_report(scanned_report))
    assert "文字识别（OCR）" in to_markdown(memo_document(memo))


@needs_tesseract
def test_a_page_image_is_read_as_a_report_page(scan_pages):
    """A PNG of the section 三 page: its table rows come back as pipe rows with the printed counts."""
    out = io.BytesIO()
    Image.open(io.BytesIO(scan_pages[1])).save(out, format="PNG")
    document = load_bytes(out.getvalue(), "page2.png", ".png")
    assert document.read_by_ocr and document.page_starts == [1]
    line = next(line for line in document.text.split("\n") if line.startswith("| 二、上年结转政府信息公开申请数量 |"))
    assert line.split("|")[2:9] == [" 2 ", " 0 ", " 0 ", " 0 ", " 0 ", " 0 ", " 2 "]
    assert all(cell.page == 1 for cell in document.ocr_cells)


def test_without_tesseract_a_scan_is_one_clear_line(scan_pages, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    for data, name in ((image_only_pdf(scan_pages[:1]), "scan.pdf"), (scan_pages[0], "page.jpg")):
        with pytest.raises(InputError) as raised:
            load_bytes(data, name, "." + name.rsplit(".", 1)[1])
        message = str(raised.value)
        assert "tesseract" in message and "apt-get install" in message and "\n" not in message
