"""Real crawled reports (../shared/corpus/raw): flattened tables, hand-checked cell by cell."""

from __future__ import annotations

import pytest

from assistant.models import CellStatus
from conftest import corpus_file, read
from expected import B, active, appeals, mismatches, requests, row7

CORPUS_EXPECTATIONS = {
    # Flattened 2021 table, no delimiters; '270020130' is only 27,0,0,2,0,1,30 given the column totals.
    "pingtan_2021.txt": {
        "meta": {"body": "平潭综合实验区", "year": 2021, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [B, B, B], "licensing": [2293],
                              "punishment": [1282], "coercion": [42], "admin_fee": [24252.311082]}),
            **requests("2021", {
                "new": row7(64, 70, social=2, other_org=4), "granted": row7(27, 30, social=2, other_org=1),
                "partly_granted": row7(5, 5), "withheld.internal_affairs": row7(1, 1),
                "withheld.enforcement_file": row7(6, 6), "withheld.admin_query": row7(1, 1),
                "unable.not_held": row7(22, 25, other_org=3), "other.other": row7(1, 1),
                "total": row7(63, 69, social=2, other_org=4), "carried_forward": row7(1, 1)}),
            **appeals([1, 0, 2, 0, 3], [12, 0, 0, 0, 12], [0] * 5),
        },
        "ambiguous": {"active.normative_doc.issued": [6, 69]},
    },
    # 2019 template, flattened, spaces that mark some cell boundaries ('23 0 00 0 023').
    "pingtan_2019.txt": {
        "meta": {"body": "平潭综合实验区", "year": 2019, "template": "2019"},
        "figures": {
            "active.regulation.new_made": 0, "active.regulation.new_published": 0,
            "active.regulation.total_published": 0, "active.normative_doc.new_made": B,
            **requests("2019", {
                "new": row7(23, 23), "granted": row7(7, 7), "partly_granted": row7(1, 1),
                "unable.not_held": row7(7, 7), "unable.unclear": row7(5, 5), "not_processed.duplicate": row7(3, 3),
                "total": row7(23, 23)}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
        "ambiguous": {"active.admin_fee.prev_items": [3, 35], "active.admin_fee.change": [0, 50]},
    },
    # Cells separated by single spaces, 2019 template used for 2020.
    "pingtan_jingjifazhanju_2020.txt": {
        "meta": {"body": "平潭综合实验区经济发展局", "year": 2020, "template": "2019"},
        "figures": {
            **active("2019", {"regulation": [0, 0, 0], "normative_doc": [10, 10, 10], "licensing": [0, 0, 0],
                              "other_mgmt_service": [0, 0, 0], "punishment": [0, 0, 0], "coercion": [0, 0, 0],
                              "admin_fee": [0, 0], "procurement": [0, 0]}),
            **requests("2019", {}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
    },
    # '行政规范性文件97253' is 9,7,253 because the narrative says 制发9件、废止7件、现行有效253件.
    "pingtan_guanweihuibangongshi_2025.txt": {
        "meta": {"body": "平潭综合实验区管委会办公室", "year": 2025, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [9, 7, 253], "licensing": [0],
                              "punishment": [0], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {
                "new": row7(32, 32), "granted": row7(8, 8), "partly_granted": row7(7, 7),
                "withheld.internal_affairs": row7(1, 1), "withheld.process_info": row7(2, 2),
                "unable.not_held": row7(12, 12), "unable.needs_creation": row7(2, 2), "total": row7(32, 32)}),
            **appeals([2, 0, 0, 0, 2], [0] * 5, [0] * 5),
        },
    },
    # Multi-digit cells glued, a spaced section 四 ('10 0 1 200 0 …'), and a '2433' row where only
    # 本年制发 is certain (24 issued with 6 in force and repealed is impossible).
    "pingtan_ziranziyuanshengtaihuanjingju_2024.txt": {
        "meta": {"body": "平潭综合实验区自然资源与生态环境局", "year": 2024, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [2, B, B], "licensing": [308],
                              "punishment": [33], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {
                "new": row7(69, 69), "granted": row7(23, 23), "partly_granted": row7(9, 9),
                "unable.not_held": row7(37, 37), "total": row7(69, 69)}),
            **appeals([1, 0, 0, 1, 2], [0] * 5, [0] * 5),
        },
        "ambiguous": {"active.normative_doc.repealed": [4, 43], "active.normative_doc.in_force": [3, 33]},
    },
    # Stray spaces inside rows ('2100000 21'), nine reviews printed as '315090000000000'.
    "pingtan_jiaotongjiansheju_2025.txt": {
        "meta": {"body": "平潭综合实验区交通与建设局", "year": 2025, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [1, 0, 24], "licensing": [0],
                              "punishment": [0], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {
                "new": row7(21, 21), "granted": row7(10, 10), "partly_granted": row7(1, 1),
                "unable.not_held": row7(10, 10), "total": row7(21, 21)}),
            **appeals([3, 1, 5, 0, 9], [0] * 5, [0] * 5),
        },
    },
    # Inconsistent as printed: every 总计 cell is 0; the 规章 row is absent.
    "pingtan_haitanpianqu_2024.txt": {
        "meta": {"year": 2024, "template": "2021"},
        "figures": {
            "active.regulation.issued": B, "active.normative_doc.issued": 0, "active.normative_doc.in_force": 0,
            **requests("2021", {
                "new": [5, 1, 0, 0, 0, 0, 0], "unable.not_held": [4, 0, 0, 0, 0, 0, 0],
                "unable.unclear": [1, 0, 0, 0, 0, 0, 0], "other.overdue_correction": [1, 0, 0, 0, 0, 0, 0],
                "other.other": [0, 1, 0, 0, 0, 0, 0], "total": [5, 1, 0, 0, 0, 0, 0]}),
            **appeals([0, 0, 1, 0, 1], [0] * 5, [0] * 5),
        },
    },
    # Two rows printed with no numbers at all: blank, not zero.
    "pingtan_shichangjianduju_2022.txt": {
        "meta": {"year": 2022, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [6, 0, 51], "licensing": [568],
                              "punishment": [887], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {
                "new": row7(3, 3), "granted": row7(1, 1), "withheld.enforcement_file": row7(1, 1),
                "unable.not_held": row7(1, 1), "other.overdue_fee": [B] * 7, "other.other": [B] * 7,
                "total": row7(3, 3)}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
    },
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTATIONS))
def test_corpus_report_matches_the_hand_check(name):
    report = read(corpus_file(name))
    expected = CORPUS_EXPECTATIONS[name]
    assert mismatches(report, expected) == {}
    for key, candidates in expected.get("ambiguous", {}).items():
        cell = report.cell(key)
        assert (cell.status, cell.candidates) == (CellStatus.AMBIGUOUS, candidates)


def test_blank_rows_are_blank_not_missing():
    report = read(corpus_file("pingtan_shichangjianduju_2022.txt"))
    assert report.cell("requests.other.other.total").status == CellStatus.BLANK


def test_a_row_with_a_cell_missing_is_reported_missing_with_its_raw_text():
    report = read(corpus_file("pingtan_jinjingpianqu_2024.txt"))
    cell = report.cell("requests.carried_forward.total")
    assert (cell.status, cell.value, cell.raw) == (CellStatus.MISSING, None, "000000")


def test_whole_corpus_extracts_without_crashing(corpus_reports):
    assert len(corpus_reports) == 64
    for name, report in corpus_reports.items():
        assert report.meta.year is not None, name
        assert report.meta.template is not None, name
        assert {"一", "二", "三", "四", "五"} <= {s.id for s in report.sections}, name
