"""No silent empty extraction (issue 19) and a flattened table whose digits cannot be placed (issue 10,
item 4): the reader says the table could not be read, once, instead of calling it missing or blank."""

from __future__ import annotations

import pytest

from assistant.check import check_report
from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.load import decode_bytes, load_bytes
from assistant.parse import extract
from conftest import sample
from documents import report_blocks, requests_grid
from test_formats import WRITERS
from test_seed_figures import SEED_EXPECTATIONS

NEXT_SECTION = {"三": "四", "四": "五"}
PREFIX = {"三": "requests.", "四": "appeals."}


def without_table(seed: str, section: str) -> str:
    """The seed's text with everything between the section's heading and the next heading removed."""
    text = sample(seed).read_text(encoding="utf-8")
    report = extract(decode_bytes(text.encode("utf-8"), "seed.txt"))
    heading, following = report.section(section), report.section(NEXT_SECTION[section])
    return text[:heading.body_start] + "\n" + text[following.start:]


@pytest.mark.parametrize("section", sorted(NEXT_SECTION))
@pytest.mark.parametrize("seed", sorted(SEED_EXPECTATIONS))
def test_a_text_report_whose_table_is_deleted_says_it_is_unreadable(seed, section):
    findings = check_report(extract(decode_bytes(without_table(seed, section).encode("utf-8"), f"{seed}.txt")))
    unreadable = [f for f in findings if f.rule == "TABLE_UNREADABLE"]
    assert [(f.severity, f.message[:4]) for f in unreadable] == [("error", f"第{section}部分")]
    assert "无法读取" in unreadable[0].message and "缺少" not in unreadable[0].message
    assert not [f for f in findings if f.rule in {"SECTION_MISSING", "CELL_BLANK", "TABLE_ROW_MISSING"}
                and any(k.startswith(PREFIX[section]) for k in f.keys)]


def flattened_appeals_of_seed_002() -> str:
    """Seed 002's section 四 as a crawler flattens it: headers run together, blank cells dropped."""
    text = sample("002").read_text(encoding="utf-8")
    start, end = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    heading = text[start:end].split("\n", 1)[0]
    header = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉" + "结果维持结果纠正其他结果尚未审结总计" * 2
    return text[:start] + f"{heading}\n{header}3149110\n" + text[end:]


def test_flattened_digits_that_cannot_be_placed_are_an_unreadable_table_not_a_missing_one():
    report = extract(decode_bytes(flattened_appeals_of_seed_002().encode("utf-8"), "yinzhou_2020_flat.txt"))
    findings = check_report(report)
    unreadable = [f for f in findings if f.rule == "TABLE_UNREADABLE"]
    assert [(f.severity, [e.text for e in f.evidence]) for f in unreadable] == [("warning", ["3149110"])]
    assert "“3149110”" in unreadable[0].message and unreadable[0].message.startswith("第四部分")
    assert not [f for f in findings if f.rule == "SECTION_MISSING"]
    assert not [f for f in findings if any(k.startswith("appeals.") for k in f.keys) and f.rule != "TABLE_UNREADABLE"]
    assert report.value("appeals.review.upheld") is None


def test_ingest_records_an_unreadable_report_as_failed_not_clean(tmp_path):
    broken = tmp_path / "no_table.txt"
    broken.write_text(without_table("000", "三"), encoding="utf-8")
    ingestor = Ingestor(Settings(index_dir=tmp_path / "index"))
    try:
        summary = ingestor.ingest([broken, sample("001")])
        assert summary.new == [str(sample("001").resolve())]
        assert [(source, reason[:4]) for source, reason in summary.failed] == [(str(broken.resolve()), "第三部分")]
        assert "无法读取" in summary.line() and ingestor.db.report_by_source(str(broken.resolve())) is None
    finally:
        ingestor.close()


@pytest.mark.parametrize("suffix", [".html", ".docx", ".pdf"])
@pytest.mark.parametrize("seed", ["000", "002"])
def test_every_format_says_a_lost_table_is_unreadable(seed, suffix):
    expected = SEED_EXPECTATIONS[seed]
    blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
    without_requests = [b for b in blocks if not (b[0] == "table" and b[1] == requests_grid(expected["meta"]["template"],
                                                                                              expected["figures"]))]
    assert len(without_requests) == len(blocks) - 1
    report = extract(load_bytes(WRITERS[suffix](without_requests), f"{seed}{suffix}", suffix))
    unreadable = [f for f in check_report(report) if f.rule == "TABLE_UNREADABLE"]
    assert [(f.severity, f.message[:4]) for f in unreadable] == [("error", "第三部分")]
    assert report.value("appeals.review.total") == expected["figures"]["appeals.review.total"]
