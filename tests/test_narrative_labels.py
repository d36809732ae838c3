"""The hand-labelled narrative claims (tests/data/narrative_labels.tsv) checked against the reports.

The labels are the yardstick for the narrative checks, so the file itself must be right: every quote
is verbatim in the line it cites, every key is a key of the report's template, the labels are
internally consistent, and every table value agrees with the extractor wherever the extractor
resolves the cell (a disagreement is either a labelling error or an extractor defect).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.catalogue import template_keys
from assistant.load import load_file
from assistant.models import Report
from assistant.parse import extract
from conftest import CORPUS, SAMPLES, corpus_file

LABELS = Path(__file__).parent / "data" / "narrative_labels.tsv"
COLUMNS = ["report", "line", "quote", "value", "approx", "kind", "cells", "scope", "table_value", "agrees", "note"]
NEGATION = re.compile(r"无|未|没有|不存在|不收取|暂无|均已结案")
CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?")


def load_rows() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


ROWS = load_rows()
REPORTS = sorted({row["report"] for row in ROWS})


def report_path(report: str) -> Path:
    kind, name = report.split(":", 1)
    if kind == "seed":
        return SAMPLES / name
    assert kind == "corpus" and name.startswith("raw/"), report
    return corpus_file(name[len("raw/"):])


@lru_cache(maxsize=None)
def extracted(report: str) -> Report:
    return extract(load_file(report_path(report)))


def numbers_stated(quote: str) -> set[float]:
    """Every number the quote states: Arabic (scaled by 万/亿), simple Chinese numerals, zero by negation."""
    found = {float(m.group(1)) * {"万": 1e4, "亿": 1e8}.get(m.group(2) or "", 1) for m in ARABIC.finditer(quote)}
    for word in re.findall(r"[一二两三四五六七八九十]+(?=[件条个次起项场期份名批篇家处轮])", quote):
        tens, _, units = word.partition("十")
        if "十" in word:
            found.add(float(CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(units, 0)))
        elif len(word) == 1:
            found.add(float(CHINESE_DIGITS[word]))
    if NEGATION.search(quote):
        found.add(0.0)
    return found


def cell_sum(report: Report, keys: list[str]):
    values = [report.value(key) for key in keys]
    return None if any(value is None for value in values) else sum(values)


def test_file_is_utf8_tab_separated_with_one_header():
    text = LABELS.read_text(encoding="utf-8")
    lines = text.rstrip("\n").split("\n")
    assert lines[0].split("\t") == COLUMNS
    assert all(line.count("\t") == len(COLUMNS) - 1 for line in lines), "a field holds a tab or a row is short"


def test_coverage_of_reports_years_and_kinds():
    seeds = {r for r in REPORTS if r.startswith("seed:")}
    pdfs = {r for r in REPORTS if r.endswith(".pdf")}
    corpus_text = [r for r in REPORTS if r.startswith("corpus:") and r.endswith(".txt")]
    assert len(REPORTS) >= 25
    assert seeds == {f"seed:{p.name}" for p in SAMPLES.glob("*.txt")}
    assert pdfs == {"corpus:raw/huaian_2024.pdf", "corpus:raw/huaian_hongzequ_2023.pdf",
                    "corpus:raw/huaian_hongzequ_2024.pdf"}
    assert len(corpus_text) >= 17
    assert {int(re.search(r"_(\d{4})\.txt$", r).group(1)) for r in corpus_text} == set(range(2019, 2026))
    kinds = {row["kind"] for row in ROWS}
    assert kinds == {"cell", "arith", "context"}


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['report']}:{row['line']}:{row['quote'][:12]}")
def test_row_is_consistent_in_itself(row):
    assert row["approx"] in {"yes", "no"} and row["agrees"] in {"yes", "no", "n/a"}
    value = float(row["value"])
    assert any(abs(value - stated) <= 1e-6 * max(1.0, stated) for stated in numbers_stated(row["quote"])), \
        "the value is not a number the quote states"
    if row["kind"] == "context":
        assert (row["cells"], row["table_value"], row["agrees"]) == ("", "", "n/a")
    elif row["kind"] == "arith":
        assert row["cells"] == "" and row["table_value"] == "" and row["note"], "an arith row says its sum"
    else:
        assert row["cells"], "a cell row names its cells"
        if row["table_value"] == "" or row["approx"] == "yes":
            assert row["agrees"] == "n/a"
        elif row["agrees"] == "yes":
            assert value == float(row["table_value"])
        elif row["agrees"] == "no":
            assert value != float(row["table_value"]) and row["note"], "a disagreement says why"
        else:
            assert row["note"], "a comparable figure left uncompared says why (scope)"


@pytest.mark.parametrize("report", REPORTS)
def test_quotes_keys_and_table_values_match_the_report(report):
    parsed = extracted(report)
    document = parsed.document
    keys = set(template_keys(parsed.meta.template))
    for row in (r for r in ROWS if r["report"] == report):
        line = int(row["line"])
        assert 1 <= line <= document.line_count
        assert row["quote"] in document.line_text(line), f"quote not verbatim in line {line}: {row['quote']}"
        if row["kind"] != "cell":
            continue
        cells = row["cells"].split("+")
        assert set(cells) <= keys, f"not keys of the {parsed.meta.template} template: {set(cells) - keys}"
        resolved = cell_sum(parsed, cells)
        if resolved is not None:
            assert row["table_value"] != "", f"{row['quote']}: the extractor resolves {cells} to {resolved}"
            assert float(row["table_value"]) == pytest.approx(resolved), row["quote"]


def test_every_corpus_report_named_exists():
    if not (CORPUS / "raw").exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    missing = [r for r in REPORTS if r.startswith("corpus:") and not (CORPUS / r.split(":", 1)[1]).exists()]
    assert missing == []
