"""Original portal pages of the public archive (issue 19): the report is found as a reader finds it,
its figures equal those of the same report's text crawl cell by cell, and a page whose table is
deleted says the table could not be read instead of passing as clean."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from assistant.cli import main
from assistant.models import CellStatus
from conftest import corpus_file, read

PAGES = Path(__file__).resolve().parent / "fixtures" / "portal_pages"
with (PAGES / "PROVENANCE.tsv").open(encoding="utf-8") as handle:
    PROVENANCE = list(csv.DictReader(handle, delimiter="\t"))
FIXTURES = [row["fixture"] for row in PROVENANCE]
TABLE_MARKERS = {"三": ("本年新收", "requests."), "四": ("结果维持", "appeals.")}

# Read off the original pages by hand (template from the table headers, a few cells of each table).
HAND_CHECKED = {
    "pingtan_guanweihuibangongshi_2025.html": {
        "template": "2021", "requests.new.total": 32, "requests.unable.not_held.natural": 12,
        "requests.withheld.process_info.total": 2, "appeals.review.upheld": 2, "appeals.review.total": 2,
        "active.normative_doc.in_force": 253},
    "pingtan_jinjingpianqu_2019.html": {
        "template": "2019", "requests.new.total": 0, "requests.other.all.total": 0, "appeals.review.total": 0,
        "active.procurement.items": 3, "active.procurement.amount_10k_yuan": 14.723},
    "pingtan_shehuishiyeju_2025.html": {
        "template": "2021", "requests.new.total": 3, "requests.unable.needs_creation.total": 1,
        "appeals.review.corrected": 1, "appeals.suit_direct.total": 6, "appeals.suit_after_review.upheld": 2,
        "active.regulation.issued": None, "active.licensing.decisions": 1483},
    "pingtan_ziranziyuanshengtaihuanjingju_2024.html": {
        "template": "2021", "requests.new.total": 69, "requests.granted.total": 23, "requests.unable.not_held.total": 37,
        "appeals.review.upheld": 1, "appeals.review.pending": 1, "appeals.review.total": 2,
        "active.normative_doc.repealed": 4, "active.normative_doc.in_force": 33},
    "pingtan_2025.html": {
        "template": "2021", "requests.new.natural": 151, "requests.new.total": 154, "requests.other.overdue_fee.total": 2,
        "requests.total.total": 148, "requests.carried_forward.commercial": 2, "appeals.review.other": 8,
        "appeals.review.total": 36, "appeals.suit_after_review.total": 3, "active.admin_fee.amount_10k_yuan": 4166.241619},
    "pingtan_shehuishiyeju_2023.html": {
        "template": "2021", "requests.new.total": 1, "requests.unable.not_held.natural": 1, "requests.carried_forward.total": 0,
        "appeals.review.total": 0, "appeals.suit_direct.upheld": 3, "appeals.suit_direct.pending": 1,
        "appeals.suit_direct.total": 4, "appeals.suit_after_review.total": 1, "active.normative_doc.repealed": 12},
    "pingtan_jinjingpianqu_2025.html": {
        "template": "2021", "requests.new.total": 11, "requests.partly_granted.total": 3, "requests.unable.not_held.total": 7,
        "requests.other.overdue_correction.total": 1, "requests.total.total": 11, "appeals.review.total": 0,
        "active.normative_doc.in_force": 1},
    "pingtan_2019.html": {
        "template": "2019", "requests.new.total": 23, "requests.granted.total": 7, "requests.unable.not_held.natural": 7,
        "requests.unable.unclear.total": 5, "requests.not_processed.duplicate.total": 3, "requests.total.total": 23,
        "appeals.review.total": 0, "active.punishment.prev_items": 2648, "active.procurement.amount_10k_yuan": 7539.443252},
    "pingtan_2020.html": {
        "template": "2019", "requests.new.natural": 20, "requests.new.other_org": 1, "requests.new.total": 21,
        "requests.granted.total": 7, "requests.other.all.total": 4, "requests.total.total": 21,
        "active.licensing.change": 442, "active.punishment.change": -18, "active.admin_fee.change": -15,
        "active.procurement.items": 395},
    "pingtan_caizhengjinrongju_2019.html": {
        "template": "2019", "requests.new.total": 0, "requests.total.total": 0, "appeals.review.total": 0,
        "active.normative_doc.new_made": 10, "active.normative_doc.new_published": 7, "active.licensing.prev_items": 3,
        "active.punishment.prev_items": 35, "active.procurement.items": 2, "active.procurement.amount_10k_yuan": 83.2995},
    "pingtan_guanweihuibangongshi_2020.html": {
        "template": "2019", "requests.new.total": 0, "requests.unable.not_held.total": 0, "requests.total.total": 0,
        "active.normative_doc.new_made": 3, "active.normative_doc.total_published": 36, "active.licensing.prev_items": 1,
        "active.licensing.change": -1, "active.procurement.items": 197, "active.procurement.amount_10k_yuan": 360.16274},
    "pingtan_jingjifazhanju_2020.html": {
        "template": "2019", "active.normative_doc.new_made": 10, "active.normative_doc.total_published": 10,
        "active.licensing.decisions": 0, "active.procurement.items": 0, "requests.new.total": 0,
        "requests.not_processed.complaint.total": 0, "requests.total.total": 0, "appeals.suit_after_review.total": 0},
    "pingtan_nongyenongcunju_2019.html": {
        "template": "2019", "active.licensing.prev_items": 77, "active.licensing.change": 0,
        "active.admin_fee.prev_items": 16, "active.admin_fee.change": -12, "active.procurement.items": 48,
        "active.procurement.amount_10k_yuan": 3851.869909, "requests.new.total": 0, "requests.total.total": 0,
        "appeals.review.total": 0},
    "pingtan_shehuishiyeju_2020.html": {
        "template": "2019", "active.normative_doc.total_published": 8, "active.licensing.prev_items": 72,
        "active.licensing.change": 17, "active.licensing.decisions": 1051, "active.punishment.change": 74,
        "active.procurement.items": 19, "active.procurement.amount_10k_yuan": 1276.2137,
        "requests.unable.not_held.commercial": 0, "requests.total.total": 0, "appeals.suit_direct.total": 0},
    "pingtan_2023.html": {
        "template": "2021", "requests.new.natural": 80, "requests.new.commercial": 1, "requests.new.total": 81,
        "requests.partly_granted.total": 20, "requests.unable.not_held.total": 31, "requests.withheld.admin_query.total": 2,
        "appeals.review.total": 2, "appeals.suit_direct.pending": 1, "appeals.suit_direct.total": 5,
        "appeals.suit_after_review.other": 1, "active.normative_doc.repealed": 132, "active.admin_fee.amount_10k_yuan": 5949.088667},
    "pingtan_2021.html": {
        "template": "2021", "requests.new.natural": 64, "requests.new.social": 2, "requests.new.other_org": 4,
        "requests.new.total": 70, "requests.granted.total": 30, "requests.unable.not_held.other_org": 3,
        "requests.total.total": 69, "requests.carried_forward.total": 1, "appeals.review.other": 2,
        "appeals.review.total": 3, "appeals.suit_direct.upheld": 12, "active.normative_doc.in_force": 665,
        "active.admin_fee.amount_10k_yuan": 24252.311082},
    "pingtan_gonganju_2022.html": {
        "template": "2021", "requests.new.total": 1, "requests.carried_over.natural": 1, "requests.partly_granted.total": 1,
        "requests.other.overdue_correction.total": 1, "requests.total.total": 2, "appeals.review.total": 0,
        "active.normative_doc.issued": 4, "active.normative_doc.in_force": 7, "active.punishment.decisions": 157},
    "pingtan_jiaotongjiansheju_2021.html": {
        "template": "2021", "requests.new.natural": 5, "requests.granted.total": 3, "requests.partly_granted.total": 1,
        "requests.unable.not_held.total": 1, "requests.total.total": 5, "requests.carried_forward.total": 0,
        "appeals.suit_after_review.total": 0, "active.normative_doc.in_force": 12, "active.punishment.decisions": 2},
    "pingtan_lvyouwentiju_2024.html": {
        "template": "2021", "requests.new.total": 1, "requests.unable.not_held.natural": 1, "requests.total.total": 1,
        "requests.granted.total": 0, "appeals.review.total": 0, "active.normative_doc.issued": 7,
        "active.normative_doc.in_force": 30, "active.licensing.decisions": 8, "active.punishment.decisions": 1},
    "pingtan_xingzhengshenpiju_2022.html": {
        "template": "2021", "requests.new.natural": 4, "requests.granted.total": 4, "requests.total.total": 4,
        "requests.carried_forward.total": 0, "appeals.suit_direct.total": 0, "active.normative_doc.issued": 2,
        "active.normative_doc.in_force": 25, "active.licensing.decisions": 7677},
    "pingtan_junshanpianqu_2023.html": {
        "template": "2021", "requests.new.natural": 2, "requests.granted.total": 2, "requests.total.total": 2,
        "requests.withheld.law_forbidden.total": 0, "appeals.review.total": 0, "active.normative_doc.in_force": 11,
        "active.licensing.decisions": 0},
}


def test_every_fixture_has_its_provenance():
    assert sorted(FIXTURES) == sorted(p.name for p in PAGES.glob("*.html"))
    for row in PROVENANCE:
        assert row["repository"] == "changwu/pingtan-gov-zwgk-archive" and len(row["commit"]) == 40
        assert row["path"].endswith("/page.html") and row["corpus"].startswith("raw/") and int(row["total_chars"]) > 0
    assert set(HAND_CHECKED) <= set(FIXTURES)


@pytest.mark.parametrize("fixture", sorted(HAND_CHECKED))
def test_page_reads_its_tables_whatever_the_preface_says(fixture):
    report = read(PAGES / fixture)
    expected = dict(HAND_CHECKED[fixture])
    assert report.meta.template == expected.pop("template")
    assert {key: report.value(key) for key in expected} == expected
    text = report.document.text
    assert "扫一扫" not in text and "省市政府网站" not in text and "长者模式" not in text and "chnlmap" not in text


@pytest.mark.parametrize("row", PROVENANCE, ids=FIXTURES)
def test_page_agrees_with_its_text_crawl_cell_by_cell(row):
    page = read(PAGES / row["fixture"])
    crawl = read(corpus_file(row["corpus"].removeprefix("raw/")))
    assert page.meta.template is not None and page.meta.template == crawl.meta.template
    assert (page.meta.body, page.meta.year, page.meta.title) == (crawl.meta.body, crawl.meta.year, crawl.meta.title)
    assert [s.id for s in page.sections] == [s.id for s in crawl.sections]
    assert list(page.figures) == list(crawl.figures)
    differences = {}
    for cell in crawl.cells:
        value = page.value(cell.key)
        agrees = value in cell.candidates if cell.status == CellStatus.AMBIGUOUS else value == cell.value
        if not agrees:
            differences[cell.key] = (value, cell.value, cell.raw)
    assert differences == {}


def without_table(markup: str, marker: str) -> str:
    soup = BeautifulSoup(markup, "lxml")
    next(t for t in soup.find_all("table") if marker in t.get_text() and not t.find("table")).decompose()
    return str(soup)


def run(capsys, *args: str) -> tuple[int, dict]:
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("section", sorted(TABLE_MARKERS))
@pytest.mark.parametrize("fixture", FIXTURES)
def test_a_page_whose_table_is_deleted_says_the_table_is_unreadable(fixture, section, tmp_path, capsys):
    marker, prefix = TABLE_MARKERS[section]
    mutated = tmp_path / fixture
    mutated.write_text(without_table((PAGES / fixture).read_text(encoding="utf-8"), marker), encoding="utf-8")
    code, checked = run(capsys, "check", str(mutated), "--json")
    findings = checked["reports"][0]["findings"]
    unreadable = [f for f in findings if f["rule"] == "TABLE_UNREADABLE"]
    assert code == 1
    assert [(f["severity"], f["message"][:4]) for f in unreadable] == [("error", f"第{section}部分")]
    assert not [f for f in findings if f["rule"] in {"CELL_BLANK", "SECTION_MISSING", "TABLE_ROW_MISSING"}
                and any(k.startswith(prefix) for k in f["keys"])]
    code, extracted = run(capsys, "extract", str(mutated), "--json")
    assert code == 1 and [f["rule"] for f in extracted["findings"]] == ["TABLE_UNREADABLE"]
    assert all(v is None for k, v in extracted["figures"].items() if k.startswith(prefix))


def test_a_page_that_lost_every_table_cannot_name_its_template(tmp_path, capsys):
    markup = (PAGES / "pingtan_guanweihuibangongshi_2025.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(markup, "lxml")
    for table in soup.find_all("table"):
        table.decompose()
    bare = tmp_path / "bare.html"
    bare.write_text(str(soup), encoding="utf-8")
    code, extracted = run(capsys, "extract", str(bare), "--json")
    assert code == 1 and extracted["meta"]["template"] is None
    messages = [f["message"] for f in extracted["findings"]]
    assert len(messages) == 4 and messages[-1].startswith("无法从表头判断表格采用2021年格式还是2019年试行格式")
