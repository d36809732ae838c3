"""Every cell of the five seed reports, hand-checked against the source text."""

from __future__ import annotations

import pytest

from assistant import catalogue
from assistant.models import CellStatus
from conftest import read, sample
from expected import B, Z7, active, appeals, mismatches, requests, row7

SEED_EXPECTATIONS = {
    "000": {
        "meta": {"body": "定海区", "region": "定海区", "year": 2021, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [21, 10, 200], "licensing": [12371],
                              "punishment": [15679], "coercion": [1117], "admin_fee": [5187]}),
            **requests("2021", {
                "new": row7(31, 31), "carried_over": row7(1, 1), "granted": row7(6, 6), "partly_granted": row7(6, 6),
                "withheld.third_party": row7(1, 1), "withheld.internal_affairs": row7(1, 1),
                "withheld.enforcement_file": row7(2, 2), "unable.not_held": row7(9, 9), "other.other": row7(4, 4),
                "total": row7(29, 29), "carried_forward": row7(3, 3)}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
    },
    "001": {
        "meta": {"body": "越城区人民政府办公室", "region": "越城区", "year": 2021, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [21, 2, 108], "licensing": [0],
                              "punishment": [0], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {
                "new": row7(36, 36), "carried_over": row7(2, 2), "granted": row7(14, 14), "partly_granted": row7(6, 6),
                "withheld.internal_affairs": row7(1, 1), "withheld.admin_query": row7(2, 2),
                "unable.not_held": row7(8, 8), "unable.needs_creation": row7(2, 2), "unable.unclear": row7(1, 1),
                "not_processed.complaint": row7(1, 1), "not_processed.duplicate": row7(1, 1),
                "not_processed.reconfirm": row7(1, 1), "other.overdue_correction": row7(1, 1),
                "total": row7(38, 38), "carried_forward": Z7}),
            **appeals([3, 0, 0, 0, 3], [0, 0, 0, 1, 1], [2, 0, 0, 0, 2]),
        },
    },
    "002": {
        "meta": {"body": "鄞州区人民政府办公室", "region": "鄞州区", "year": 2020, "template": "2019"},
        "figures": {
            **active("2019", {"regulation": [0, 0, 0], "normative_doc": [21, 21, 101], "licensing": [0, 0, 0],
                              "other_mgmt_service": [0, 0, 0], "punishment": [0, 0, 0], "coercion": [0, 0, 0],
                              "admin_fee": [0, 0], "procurement": [1, 3.27]}),
            **requests("2019", {
                "new": [47, 1, B, B, B, B, 48], "carried_over": [4, B, B, B, B, B, 4],
                "granted": [13, B, B, B, B, B, 13], "partly_granted": [10, B, B, B, B, B, 10],
                "unable.not_held": [5, B, B, B, B, B, 5], "unable.needs_creation": [1, B, B, B, B, B, 1],
                "unable.unclear": [3, B, B, B, B, B, 3], "not_processed.complaint": [2, B, B, B, B, B, 2],
                "not_processed.duplicate": [2, B, B, B, B, B, 2], "other.all": [12, B, B, B, B, B, 12],
                "total": [48, B, B, B, B, B, 48], "carried_forward": [3, 1, B, B, B, B, 4]},
                default=[B] * 7),
            **appeals([3, B, 1, B, 4], [B] * 5, [9, B, 1, B, 10]),
        },
    },
    "003": {
        "meta": {"body": "奉化区政务办", "region": "奉化区", "year": 2021, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [0, 0, 0], "licensing": [0],
                              "punishment": [0], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
    },
    "004": {
        "meta": {"body": "环南街道", "region": "定海区", "year": 2021, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [2, 0, 2], "licensing": [0],
                              "punishment": [0], "coercion": [0], "admin_fee": [0]}),
            **requests("2021", {}),
            **appeals([0] * 5, [0] * 5, [0] * 5),
        },
    },
}


@pytest.mark.parametrize("seed", sorted(SEED_EXPECTATIONS))
def test_every_cell_of_the_seed_matches_the_hand_check(seed):
    report = read(sample(seed))
    expected = SEED_EXPECTATIONS[seed]
    assert mismatches(report, expected) == {}
    assert set(report.figures) == set(catalogue.template_keys(expected["meta"]["template"]))


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_2021_seeds_have_all_200_keys(seed):
    assert len(read(sample(seed)).figures) == 200


def test_blank_cells_stay_null_with_their_raw_text_and_line():
    report = read(sample("002"))
    cell = report.cell("requests.new.research")
    assert cell.status == CellStatus.BLANK and cell.value is None
    assert report.document.line_text(cell.line).strip() == ""
    assert cell.line == 117


def test_cells_point_at_the_line_they_were_read_from():
    report = read(sample("000"))
    cell = report.cell("requests.new.total")
    assert (cell.value, cell.line, report.document.line_text(cell.line).strip()) == (31, 82, "31")
    fee = report.cell("active.admin_fee.amount_10k_yuan")
    assert fee.line == 54 and report.document.line_text(54).strip() == "5187"


def test_sections_of_a_seed_with_arabic_numbering():
    report = read(sample("004"))
    assert [(s.id, s.start_line) for s in report.sections] == [
        ("一", 3), ("二", 12), ("三", 59), ("四", 346), ("五", 392), ("六", 402)]
    assert report.section("三").title.startswith("3、")


def test_sub_items_numbered_like_sections_are_not_sections():
    report = read(sample("003"))
    assert [(s.id, s.start_line) for s in report.sections] == [
        ("一", 3), ("二", 18), ("三", 65), ("四", 351), ("五", 397), ("六", 407)]
