"""HTML, DOCX and PDF versions of the seeds give the same figures as the text versions, cell by cell."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.load import load_bytes
from assistant.parse import extract
from conftest import sample
from documents import report_blocks, to_docx, to_html, to_pdf
from expected import mismatches
from test_seed_figures import SEED_EXPECTATIONS

SEEDS = sorted(SEED_EXPECTATIONS)
WRITERS = {".html": lambda blocks: to_html(blocks).encode("utf-8"), ".docx": to_docx, ".pdf": to_pdf}


def rebuilt(seed: str, suffix: str):
    expected = SEED_EXPECTATIONS[seed]
    blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
    return extract(load_bytes(WRITERS[suffix](blocks), f"{seed}{suffix}", suffix))


@pytest.mark.parametrize("suffix", sorted(WRITERS))
@pytest.mark.parametrize("seed", SEEDS)
def test_same_figures_in_every_format(seed, suffix):
    expected = SEED_EXPECTATIONS[seed]
    report = rebuilt(seed, suffix)
    meta = {k: expected["meta"][k] for k in ("template", "year")}
    assert mismatches(report, {"meta": meta, "figures": expected["figures"]}) == {}
    assert [s.id for s in report.sections] == ["一", "二", "三", "四", "五", "六"]


def test_html_page_chrome_is_left_out_and_lines_follow_the_rendered_text():
    report = rebuilt("000", ".html")
    text = report.document.text
    assert "分享到" not in text and "版权所有" not in text and "var share" not in text and "通知公告" not in text
    cell = report.cell("requests.new.total")
    assert report.document.line_text(cell.line).startswith("| 一、本年新收政府信息公开申请数量 |")


def test_pdf_cells_cite_their_page():
    report = rebuilt("001", ".pdf")
    document = report.to_contract()
    pages = {c["key"]: c["page"] for c in document["cells"]}
    assert pages["active.regulation.issued"] >= 1
    assert pages["requests.total.total"] > pages["requests.new.total"]
    assert all(set(c) == {"key", "value", "raw", "line", "page"} for c in document["cells"])
    assert "page" not in rebuilt("001", ".docx").to_contract()["cells"][0]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_decrease_written_with_jian_in_a_table_cell_reads_as_negative(suffix):
    """农业农村局 2019's page has '减12' in the 行政事业性收费 本年增/减 cell; the text crawl reads -12."""
    expected = SEED_EXPECTATIONS["002"]
    figures = dict(expected["figures"], **{"active.admin_fee.change": -12})
    blocks = report_blocks(sample("002"), expected["meta"]["template"], figures)
    written = [(kind, [[replace(c, text="减12") if c.text == "-12" else c for c in row] for row in content])
               if kind == "table" else (kind, content) for kind, content in blocks]
    assert written != blocks
    report = extract(load_bytes(WRITERS[suffix](written), f"002{suffix}", suffix))
    assert report.cell("active.admin_fee.change").value == -12
