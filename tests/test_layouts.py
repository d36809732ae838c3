"""The same hand-checked figures, printed in every layout real reports use, read back identically."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant import catalogue
from assistant.catalogue import key_label
from assistant.check import check_report
from assistant.load import decode_bytes, load_bytes
from assistant.models import CellStatus
from assistant.parse import extract
from assistant.render.text import render_report
from conftest import corpus_file, sample
from documents import report_blocks, to_docx, to_html
from layouts import ExtraColumn, tables_cell_lines, tables_inline, tables_markdown, with_tables
from test_seed_figures import SEED_EXPECTATIONS

SEEDS = ["000", "001", "003", "004"]


def reprinted(seed: str, tables: dict[str, str]):
    text = with_tables(sample(seed).read_text(encoding="utf-8"), tables)
    return extract(decode_bytes(text.encode("utf-8"), f"{seed}-reprinted.md"))


@pytest.mark.parametrize("seed", SEEDS + ["002"])
def test_markdown_tables(seed):
    expected = SEED_EXPECTATIONS[seed]
    report = reprinted(seed, tables_markdown(expected["meta"]["template"], expected["figures"]))
    assert report.meta.template == expected["meta"]["template"]
    assert report.figures == expected["figures"]


@pytest.mark.parametrize("seed", SEEDS)
def test_space_separated_cells(seed):
    expected = SEED_EXPECTATIONS[seed]
    report = reprinted(seed, tables_inline("2021", expected["figures"], " "))
    assert report.figures == expected["figures"]


@pytest.mark.parametrize("seed", SEEDS)
def test_flattened_tables_are_solved_or_left_open_never_guessed(seed):
    expected = SEED_EXPECTATIONS[seed]
    report = reprinted(seed, tables_inline("2021", expected["figures"], ""))
    for key, value in expected["figures"].items():
        cell = report.cell(key)
        if cell.status == CellStatus.AMBIGUOUS:
            assert value in cell.candidates and cell.value is None, key
        else:
            assert cell.value == value, key
    resolved = [k for k in expected["figures"] if k.startswith(("requests.", "appeals.")) and report.value(k) is not None]
    assert len(resolved) == 190


def test_markdown_exported_by_other_tools():
    """Headings marked with #, bold labels and cells, <br> in cells, as exporters write them."""
    expected = SEED_EXPECTATIONS["001"]
    tables = tables_markdown("2021", expected["figures"])
    tables["三"] = tables["三"].replace("| 36 |", "| **36** |").replace("（七）总计", "**（七）总计**")
    tables["四"] = tables["四"].replace("结果维持 |", "结果<br>维持 |")
    text = with_tables(sample("001").read_text(encoding="utf-8"), tables)
    text = "\n".join(("## " + line) if line[:2] in ("一、", "二、", "三、", "四、", "五、", "六、") else line
                     for line in text.split("\n"))
    report = extract(decode_bytes(text.encode("utf-8"), "exported.md"))
    assert [s.id for s in report.sections] == ["一", "二", "三", "四", "五", "六"]
    assert report.figures == expected["figures"]
    cell = report.cell("requests.new.natural")
    assert cell.raw == "36" and report.document.text[cell.offset - 2 : cell.offset + 4] == "**36**"


@pytest.mark.parametrize("broken_headers", [False, True], ids=["cell-lines", "cell-lines-broken-headers"])
@pytest.mark.parametrize("seed", SEEDS + ["002"])
def test_every_cell_on_its_own_line_ending_in_a_pipe(seed, broken_headers):
    expected = SEED_EXPECTATIONS[seed]
    report = reprinted(seed, tables_cell_lines(expected["meta"]["template"], expected["figures"], broken_headers))
    assert report.meta.template == expected["meta"]["template"]
    assert report.figures == expected["figures"]
    cell = report.cell("requests.total.total")
    assert report.document.line_text(cell.line) == f"{cell.raw} |"


def test_provincial_extra_rows_in_section_two_do_not_shift_the_standard_keys():
    expected = SEED_EXPECTATIONS["001"]
    extra = {"行政强制": ("行政给付", (7,)), "行政规范性文件": ("其他文件", (4, 1, 9))}
    report = reprinted("001", tables_cell_lines("2021", expected["figures"], extra_rows=extra))
    extras = {"active.extra.1.issued": 4, "active.extra.1.repealed": 1, "active.extra.1.in_force": 9,
              "active.extra.2.decisions": 7}
    assert report.figures == expected["figures"] | extras
    assert report.cell("active.extra.2.decisions").note == "省级增设行“行政给付”"
    assert key_label("active.extra.1.repealed") == "省级增设第1项（行）·本年废止件数"
    shown = render_report(report, columns=200).split("\n")
    title = shown.index("二、主动公开·省级增设行“其他文件”")
    assert shown[title + 1].split() == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert shown[title + 2].split() == ["增设第1项（行）", "4", "1", "9"]
    markdown = tables_markdown("2021", expected["figures"])
    markdown["二"] = markdown["二"].replace("| 行政强制 | 0 |", "| 行政强制 | 0 |\n| 行政给付 | 7 |")
    assert reprinted("001", markdown).figures == expected["figures"] | {"active.extra.1.decisions": 7}


def test_the_2019_template_used_for_a_later_year_is_read_and_flagged():
    expected = SEED_EXPECTATIONS["002"]
    text = with_tables(sample("002").read_text(encoding="utf-8"), tables_cell_lines("2019", expected["figures"], True))
    report = extract(decode_bytes(text.replace("2020年", "2023年").encode("utf-8"), "2019-template-2023.txt"))
    assert (report.meta.year, report.meta.template) == (2023, "2019")
    assert report.figures == expected["figures"]
    assert "TEMPLATE_OUTDATED" in {finding.rule for finding in check_report(report)}


def _with_two_request_tables(seed: str, first: tuple[str, dict], second: tuple[str, dict]) -> str:
    """Section 三 printed twice, each table under a caption naming its scope, in two layouts."""
    expected = SEED_EXPECTATIONS[seed]
    tables = tables_markdown("2021", expected["figures"])
    (first_caption, first_figures), (second_caption, second_figures) = first, second
    tables["三"] = "\n".join([first_caption, tables_markdown("2021", first_figures)["三"],
                             second_caption, tables_cell_lines("2021", second_figures)["三"]])
    return with_tables(sample(seed).read_text(encoding="utf-8"), tables)


def _whole_area(figures: dict) -> dict:
    """A plausible whole-area table: the body's own figures plus 5 more granted requests from the
    natural persons of other bodies (new, granted, total rows and the total column all grow by 5)."""
    area = dict(figures)
    for row in ("new", "granted", "total"):
        for column in ("natural", "total"):
            area[f"requests.{row}.{column}"] += 5
    return area


@pytest.mark.parametrize("order", ["own-first", "area-first"])
def test_tables_for_the_body_and_for_the_whole_area_are_both_read(order):
    expected = SEED_EXPECTATIONS["001"]
    own = ("（一）区政府办公室本级收到和处理政府信息公开申请情况", expected["figures"])
    area = ("（二）全区收到和处理政府信息公开申请情况", _whole_area(expected["figures"]))
    text = _with_two_request_tables("001", *((own, area) if order == "own-first" else (area, own)))
    report = extract(decode_bytes(text.encode("utf-8"), f"two-scopes-{order}.md"))
    standard = {k: v for k, v in report.figures.items() if not k.startswith("alt_scope.")}
    assert standard == expected["figures"]
    alternative = {k.removeprefix("alt_scope."): v for k, v in report.figures.items() if k.startswith("alt_scope.")}
    assert alternative == {k: v for k, v in _whole_area(expected["figures"]).items() if k.startswith("requests.")}
    assert report.cell("alt_scope.requests.new.natural").note == "全区表格（本报告口径为本级）"
    assert report.value("alt_scope.requests.new.natural") == 41
    assert key_label("alt_scope.requests.new.natural") == "另一口径表格·一、本年新收政府信息公开申请数量·自然人"
    shown = render_report(report, columns=200).split("\n")
    title = shown.index("三、另一口径：全区表格（本报告口径为本级）")
    assert shown[title + 2].split()[-8:] == ["一、本年新收政府信息公开申请数量", "41", *map(str, [
        report.value(f"alt_scope.requests.new.{c}") for c in ("commercial", "research", "social", "legal", "other_org",
                                                               "total")])]
    assert not [f for f in check_report(report) if f.severity == "error"]


def test_a_report_titled_for_the_whole_area_takes_the_whole_area_table():
    expected = SEED_EXPECTATIONS["001"]
    own = ("（一）本级收到和处理政府信息公开申请情况", expected["figures"])
    area = ("（二）全区收到和处理政府信息公开申请情况", _whole_area(expected["figures"]))
    text = "越城区2021年全区政府信息公开工作年度报告\n" + _with_two_request_tables("001", own, area)
    report = extract(decode_bytes(text.encode("utf-8"), "whole-area-title.md"))
    assert report.value("requests.new.natural") == 41 and report.value("alt_scope.requests.new.natural") == 36


# Provincial extra columns: a column the template lacks, printed between standard ones (the
# figures are the seeds' hand-checked ones, the provincial column's values are the fixture's own).
EXTRA_COLUMNS = {
    "001": ExtraColumn("repealed", "本年修订件数", {"active.regulation": 0, "active.normative_doc": 3}),
    "002": ExtraColumn("new_published", "本年新解读数量", {"active.regulation": 0, "active.normative_doc": 4}),
}
COLUMN_LAYOUTS = {
    "markdown": lambda template, figures, column: tables_markdown(template, figures, column),
    "cell-lines-broken-headers": lambda template, figures, column: tables_cell_lines(template, figures, True,
                                                                                      extra_column=column),
    "space-separated": lambda template, figures, column: tables_inline(template, figures, " ", column),
}


def _extra_column_keys(column: ExtraColumn) -> dict:
    """These layouts print a header above every row, so each row's provincial cell is an addition of its own."""
    return {f"active.extra.{n}.{stem.removeprefix('active.')}": value
            for n, (stem, value) in enumerate(column.values.items(), 1)}


@pytest.mark.parametrize(("seed", "layout"), [(seed, layout) for seed in sorted(EXTRA_COLUMNS) for layout in COLUMN_LAYOUTS
                                             if (seed, layout) != ("002", "space-separated")])
def test_a_provincial_extra_column_does_not_shift_the_standard_keys(seed, layout):
    expected = SEED_EXPECTATIONS[seed]
    template = expected["meta"]["template"]
    report = reprinted(seed, COLUMN_LAYOUTS[layout](template, expected["figures"], EXTRA_COLUMNS[seed]))
    assert report.figures == expected["figures"] | _extra_column_keys(EXTRA_COLUMNS[seed])
    assert report.cell("active.extra.2.normative_doc").note == f"省级增设列“{EXTRA_COLUMNS[seed].header}”"


@pytest.mark.parametrize("layout", ["markdown", "cell-lines-broken-headers"])
def test_an_extra_column_beside_a_single_count(layout):
    """本年处理决定数量 (2021's wording; 2019 prints 处理决定数量) with a provincial column after it."""
    expected = SEED_EXPECTATIONS["000"]
    column = ExtraColumn("decisions", "其中网上办理数量",
                         {"active.licensing": 12000, "active.punishment": 0, "active.coercion": 17})
    report = reprinted("000", COLUMN_LAYOUTS[layout]("2021", expected["figures"], column))
    assert report.figures == expected["figures"] | _extra_column_keys(column)
    assert report.value("active.licensing.decisions") == 12371


def test_a_flattened_table_with_an_extra_column_is_solved_or_left_open_never_guessed():
    expected = SEED_EXPECTATIONS["001"]
    column = EXTRA_COLUMNS["001"]
    report = reprinted("001", tables_inline("2021", expected["figures"], "", column))
    truth = expected["figures"] | _extra_column_keys(column)
    assert set(report.figures) == set(truth)
    for key, value in truth.items():
        cell = report.cell(key)
        assert cell.value == value or (cell.value is None and value in cell.candidates), key
    # '0000' splits one way only; '2123108' (21, 2, 3, 108) in several, so that row stays open.
    assert [report.value(k) for k in ("active.regulation.issued", "active.extra.1.regulation")] == [0, 0]
    assert report.cell("active.normative_doc.in_force").status == CellStatus.AMBIGUOUS
    assert "CELL_AMBIGUOUS" in {f.rule for f in check_report(report) if "active.normative_doc.in_force" in f.keys}


def _with_column_in_grids(blocks, column: ExtraColumn):
    """The official grids of a rebuilt document with the provincial column added after its `after` column."""
    labels = {label for row in _active_rows_with(column.after) for name, label in row.columns if name == column.after}
    values = {row.label: column.values[row.stem] for row in _active_rows_with(column.after)}
    rebuilt = []
    for kind, content in blocks:
        if kind == "table" and len(content) > 1 and labels & {cell.text for cell in content[1]}:
            position = next(i for i, cell in enumerate(content[1]) if cell.text in labels) + 1
            title, header, *rows = content
            title = [replace(title[0], cols=title[0].cols + 1)]
            header = header[:position] + [replace(header[0], text=column.header)] + header[position:]
            rows = [row[:position] + [replace(row[0], text=str(values[row[0].text]))] + row[position:] for row in rows]
            content = [title, header, *rows]
        rebuilt.append((kind, content))
    return rebuilt


def _active_rows_with(column: str):
    return [row for template in ("2021", "2019") for row in catalogue.active_rows(template)
            if column in dict(row.columns)]


@pytest.mark.parametrize("suffix", [".html", ".docx"])
def test_an_extra_column_in_an_html_or_word_table(suffix):
    """One header over the 规章 and 行政规范性文件 rows, as the official grid prints it: one addition."""
    expected = SEED_EXPECTATIONS["001"]
    blocks = _with_column_in_grids(report_blocks(sample("001"), "2021", expected["figures"]), EXTRA_COLUMNS["001"])
    data = to_html(blocks).encode("utf-8") if suffix == ".html" else to_docx(blocks)
    report = extract(load_bytes(data, f"001-extra-column{suffix}", suffix))
    assert report.figures == expected["figures"] | {"active.extra.1.regulation": 0, "active.extra.1.normative_doc": 3}
    assert key_label("active.extra.1.normative_doc") == "省级增设第1项（列）·行政规范性文件"
    shown = render_report(report, columns=200).split("\n")
    title = shown.index("二、主动公开·省级增设列“本年修订件数”")
    assert shown[title + 1].split() == ["规章", "行政规范性文件"]
    assert shown[title + 2].split() == ["增设第1项（列）", "0", "3"]


def test_an_extra_row_in_a_table_with_an_extra_column():
    expected = SEED_EXPECTATIONS["001"]
    tables = tables_cell_lines("2021", expected["figures"], extra_rows={"行政规范性文件": ("其他文件", (4, 1, 2, 9))},
                               extra_column=EXTRA_COLUMNS["001"])
    report = reprinted("001", tables)
    extras = {"active.extra.1.regulation": 0, "active.extra.2.normative_doc": 3, "active.extra.3.issued": 4,
              "active.extra.3.repealed": 1, "active.extra.3.2": 2, "active.extra.3.in_force": 9}
    assert report.figures == expected["figures"] | extras
    assert key_label("active.extra.3.2") == "省级增设第3项（行）·省级增设第2项（列）"


FLAT_EXTRA_ROWS = {"行政强制": ("行政给付", (7,)), "行政规范性文件": ("其他文件", (4, 1, 9))}
FLAT_EXTRA_KEYS = {"active.extra.1.issued": 4, "active.extra.1.repealed": 1, "active.extra.1.in_force": 9,
                   "active.extra.2.decisions": 7}


def test_extra_rows_in_space_separated_text():
    expected = SEED_EXPECTATIONS["001"]
    report = reprinted("001", tables_inline("2021", expected["figures"], " ", extra_rows=FLAT_EXTRA_ROWS))
    assert report.figures == expected["figures"] | FLAT_EXTRA_KEYS
    assert report.cell("active.extra.2.decisions").note == "省级增设行“行政给付”"


def test_extra_rows_in_flattened_digit_runs_are_read_where_the_split_is_unique():
    expected = SEED_EXPECTATIONS["000"]
    extra_rows = FLAT_EXTRA_ROWS | {"规章": ("地方性法规", (12, 1, 30))}
    report = reprinted("000", tables_inline("2021", expected["figures"], "", extra_rows=extra_rows))
    truth = expected["figures"] | {"active.extra.1.issued": 12, "active.extra.1.repealed": 1,
                                   "active.extra.1.in_force": 30, "active.extra.2.issued": 4,
                                   "active.extra.2.repealed": 1, "active.extra.2.in_force": 9,
                                   "active.extra.3.decisions": 7}
    assert set(report.figures) == set(truth)
    for key, value in truth.items():
        cell = report.cell(key)
        assert cell.value == value or (cell.value is None and value in cell.candidates), key
    assert {k: report.value(k) for k in ("active.extra.2.issued", "active.extra.2.in_force", "active.extra.3.decisions")} \
        == {"active.extra.2.issued": 4, "active.extra.2.in_force": 9, "active.extra.3.decisions": 7}
    # '12130' is 12,1,30 or 1,21,30 or 12,13,0 …: left open, with its readings listed.
    assert report.cell("active.extra.1.issued").status == CellStatus.AMBIGUOUS
    assert report.figures["active.licensing.decisions"] == 12371


@pytest.mark.parametrize("separator", ["", " "], ids=["digit-runs", "space-separated"])
def test_a_provincial_table_of_its_own_in_flattened_text(separator):
    """A 第二十条 table the template lacks (行政给付 under 本年处理决定数量): its row comes first under
    its header, which is exactly a standard table's columns, so the header ends where the label begins."""
    expected = SEED_EXPECTATIONS["001"]
    tables = tables_inline("2021", expected["figures"], separator)
    assert tables["二"].count("行政强制0") == 1
    tables["二"] = tables["二"].replace("行政强制0", "行政强制0第二十条信息内容本年处理决定数量行政给付12")
    report = reprinted("001", tables)
    assert {k: v for k, v in report.figures.items() if not k.startswith("active.normative_doc")} == {
        k: v for k, v in expected["figures"].items() if not k.startswith("active.normative_doc")} | {
        "active.extra.1.decisions": 12}
    assert report.cell("active.extra.1.decisions").note == "省级增设行“行政给付”"


def test_an_extra_row_in_the_word_copy_paste_layout_of_a_real_report():
    """农业农村局 2019 (seed 002) prints one cell per line after a tab; a provincial row with a
    decrease is added under 行政强制, in the same layout."""
    expected = SEED_EXPECTATIONS["002"]
    text = sample("002").read_text(encoding="utf-8")
    coercion = "\t行政强制\n\t\u30000\n\t0\u3000\n\t0\n\n"
    assert text.count(coercion) == 1
    text = text.replace(coercion, coercion + "\t行政给付\n\t3\n\t-1\n\t2\n\n")
    report = extract(decode_bytes(text.encode("utf-8"), "002-extra-row.txt"))
    assert report.figures == expected["figures"] | {"active.extra.1.prev_items": 3, "active.extra.1.change": -1,
                                                    "active.extra.1.decisions": 2}
    assert report.cell("active.extra.1.change").status == CellStatus.OK


def test_a_flattened_extra_row_with_too_few_digits_is_left_open_with_a_warning():
    expected = SEED_EXPECTATIONS["001"]
    report = reprinted("001", tables_inline("2021", expected["figures"], "", extra_rows={"规章": ("地方性法规", (7,))}))
    assert [report.cell(f"active.extra.1.{c}").status for c in ("issued", "repealed", "in_force")] == [CellStatus.MISSING] * 3
    assert report.cell("active.extra.1.issued").note == "省级增设行“地方性法规”；该行数字无法拆分为3个单元格"
    assert {k: v for k, v in report.figures.items() if k.startswith("active.regulation")} == {
        k: v for k, v in expected["figures"].items() if k.startswith("active.regulation")}
    assert any("active.extra.1.issued" in f.keys for f in check_report(report) if f.severity == "warning")


@pytest.mark.parametrize("name", ["pingtan_caizhengjinrongju_2021.txt", "pingtan_2021.txt", "pingtan_2019.txt"])
def test_narrative_after_a_flattened_table_is_not_an_extra_row(name):
    """These crawled reports print no provincial row; '(二)主动公开政府信息的主要类别 2021年…' follows the last table."""
    report = extract(decode_bytes(corpus_file(name).read_bytes(), name))
    assert not [k for k in report.figures if k.startswith("active.extra.")]
