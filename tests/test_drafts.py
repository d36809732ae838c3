"""Review memos and the batch summary of section 五, on the seeds and the Pingtan series."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from docx.oxml.ns import qn

from assistant.check import check_report
from assistant.draft import build_memo, memo_document
from assistant.draft.document import to_markdown
from assistant.draft.word import to_docx
from assistant.draft.summary import summarize
from assistant.draft.themes import load_themes
from assistant.parse.problem_lists import split_section
from conftest import CORPUS, PROJECT, corpus_file, read, sample
from scans import require_cjk_font


def section_five(report):
    span = report.section("五")
    return split_section(report.document.text[span.body_start : span.end])


def test_problems_and_measures_are_split_from_the_section_structure():
    dinghai = section_five(read(sample("000")))
    assert [p.text[:6] for p in dinghai.problems] == ["对照新时代政", "一是政务新媒", "二是政策解读", "三是政务公开"]
    assert [m.text[:6] for m in dinghai.measures] == ["（一）持续推", "（二）深化拓", "（三）加强政"]
    street = section_five(read(sample("004")))
    assert [p.text[:4] for p in street.problems] == ["一是政治", "二是政务", "三是政务"]
    assert [m.text[:4] for m in street.measures] == ["一是进一", "二是充实", "三是拓展", "四是加强"]
    yinzhou = section_five(read(sample("002")))
    assert [p.text for p in yinzhou.problems[1:]] == ["重点民生领域政务公开力度仍需加强", "主动公开政府信息的形式不够丰富",
                                                      "人员业务技能参差不齐"]
    text = read(sample("000")).document.text
    assert all(item.text in text for item in dinghai.problems + dinghai.measures)


@pytest.fixture(scope="module")
def pingtan_summary():
    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip("corpus not available")
    return summarize([read(p) for p in sorted(raw.glob("pingtan_*.txt"))])


def _links(summary, name):
    report = next(r for r in summary.reports if r.source.endswith(name))
    return {link.other.rsplit("/", 1)[1]: link for link in report.copies}


def test_copies_within_a_body_are_found_with_their_passages(pingtan_summary):
    whole = _links(pingtan_summary, "pingtan_caizhengjinrongju_2025.txt")["pingtan_caizhengjinrongju_2023.txt"]
    assert whole.same_body and whole.share == 1.0 and len(whole.passages) == 5
    partial = _links(pingtan_summary, "pingtan_guoziju_2021.txt")["pingtan_guoziju_2019.txt"]
    assert "二是政府信息公开内容单一化、不够充实" in partial.passages[0]
    assert [(u.body, u.years) for u in pingtan_summary.unchanged] == [("平潭综合实验区财政金融局", (2023, 2025))]
    assert pingtan_summary.most_copied[0].text.startswith("2021年，我局将坚持以习近平新时代中国特色社会主义思想为指导")


def test_unrelated_reports_are_not_linked(pingtan_summary):
    seeds = summarize([read(sample(s)) for s in ["000", "001", "002", "003", "004"]])
    assert not any(r.copies for r in seeds.reports) and seeds.most_copied == []
    linked = {r.source.rsplit("/", 1)[1] for r in pingtan_summary.reports if r.copies}
    assert all(any(link.same_body for link in _links(pingtan_summary, name).values()) for name in linked)


def test_themes_come_from_the_taxonomy_and_users_can_extend_it(tmp_path, monkeypatch):
    summary = summarize([read(sample("000"))])
    assert summary.reports[0].problem_themes == ["主动公开质量/时效", "政务新媒体管理", "政策解读形式", "队伍建设与培训"]
    extra = tmp_path / "themes.toml"
    extra.write_text('[[theme]]\nname = "品牌建设"\nkeywords = ["越阳光"]\n', encoding="utf-8")
    themes = load_themes(str(extra))
    assert "品牌建设" in [t.name for t in themes] and len(themes) == len(load_themes("")) + 1
    assert "品牌建设" in summarize([read(sample("001"))], themes=themes).reports[0].measure_themes


def test_each_memo_finding_traces_to_a_check_and_its_evidence_lines():
    report = read(corpus_file("pingtan_jingjifazhanju_2023.txt"))
    findings = check_report(report)
    memo = build_memo(report, findings)
    assert [f.rule for f in memo.findings] == [f.rule for f in findings]
    for memo_finding, finding in zip(memo.findings, findings):
        assert [line for line, _ in memo_finding.quotes] == [e.line for e in finding.evidence][:4]
        assert {f.key for f in memo_finding.figures} <= set(finding.keys)
    assert memo.verdict.startswith("报告存在2处错误")


def test_memo_quotes_both_sides_of_each_narrative_finding():
    for seed in ["000", "001", "002"]:
        report = read(sample(seed))
        memo = build_memo(report, check_report(report))
        text = to_markdown(memo_document(memo))
        narrative = [f for f in memo.findings if f.rule.startswith("TEXT_")]
        assert narrative, seed
        for finding in narrative:
            (line, stated), *cells = finding.quotes
            assert report.section("一").start_line <= line <= report.section("一").end_line and stated.strip("…") in report.document.text
            assert cells and all("·" in quoted and "：" in quoted for _, quoted in cells), seed
            assert all(f"原文第{line}行：{quoted}" in text for line, quoted in finding.quotes), seed


RULE_ID = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
KEY_NAME = re.compile(r"(?:active|requests|appeals)\.[a-z_]+")
OFFICIAL_FONTS = {"Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体", "Normal": "仿宋"}
CHINESE_ORDINALS = "一二三四五六七八九十"


def east_asian_fonts(paragraph) -> set[str]:
    return {run._r.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs if run.text}


def memo_word(tmp_path, name: str):
    report = read(sample(name))
    document = memo_document(build_memo(report, check_report(report)))
    path = tmp_path / f"memo_{name}.docx"
    path.write_bytes(to_docx(document))
    assert to_docx(document) == path.read_bytes()  # same memo, same bytes
    return report, to_markdown(document), docx.Document(str(path)), path


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_memo_docx_is_an_official_document(tmp_path, name):
    report, markdown, word, _ = memo_word(tmp_path, name)
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    paragraphs = [p for p in word.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == f"关于{report.meta.body}{report.meta.year}年政府信息公开工作年度报告的审查意见"
    default_fonts = word.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsia")) == "仿宋" and not any("heme" in a for a in default_fonts.attrib)
    for paragraph in paragraphs:
        fonts = east_asian_fonts(paragraph)
        if paragraph.style.name == "Normal":  # body in 仿宋, quotations in 楷体, table captions in 黑体
            assert len(fonts) == 1 and fonts <= {"仿宋", "楷体", "黑体"}, paragraph.text
        else:
            assert fonts == {OFFICIAL_FONTS[paragraph.style.name]}, paragraph.text
    assert {"Title", "Heading 1", "Normal"} <= {p.style.name for p in paragraphs} <= set(OFFICIAL_FONTS)
    assert sum(east_asian_fonts(p) == {"仿宋"} for p in paragraphs) > len(paragraphs) / 2
    for cell in (c for table in word.tables for row in table.rows for c in row.cells):
        assert all(east_asian_fonts(p) <= {"黑体", "仿宋"} for p in cell.paragraphs)
    body = paragraphs[: next(i for i, p in enumerate(paragraphs) if p.text.startswith("附件1"))]
    for paragraph in body:
        assert not RULE_ID.search(paragraph.text) and not KEY_NAME.search(paragraph.text), paragraph.text
        assert str(PROJECT) not in paragraph.text and "examples/" not in paragraph.text
    assert f"来源文件：{Path(report.source).name}；" in body[2].text
    level_one = [p.text for p in body if p.style.name == "Heading 1"]
    assert [t[0] for t in level_one] == list(CHINESE_ORDINALS[: len(level_one)]) and len(level_one) == 3
    level_two = [p.text for p in body if p.style.name == "Heading 2"]
    assert [t[:3] for t in level_two] == [f"（{c}）" for c in CHINESE_ORDINALS[: len(level_two)]]
    numbered = [p.text for p in body if re.match(r"\d+\. ", p.text)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, len(numbered) + 1))
    assert numbered == [line for line in markdown.split("\n") if re.match(r"\d+\. ", line)]
    assert len(word.tables) == 3 + bool(numbered) and word.tables[1].cell(1, 0).text.startswith("一、本年新收")


def test_memo_names_an_upload_by_its_own_name_and_falls_back_without_a_body():
    report = read(sample("002"))
    uploaded = build_memo(report, [], source_name="鄞州区2020年报.txt")
    assert uploaded.source == "鄞州区2020年报.txt" and "/" not in build_memo(report, []).source
    nameless = report.model_copy(update={"meta": report.meta.model_copy(update={"body": None})})
    assert build_memo(nameless, [], source_name="年报.txt").title == "关于《年报.txt》的审查意见"


def test_memo_pdf_is_a4_on_every_page(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    require_cjk_font()
    _, _, word, path = memo_word(tmp_path, "002")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / "memo_002.pdf") as pdf:
        sizes = {(round(page.width * 25.4 / 72), round(page.height * 25.4 / 72)) for page in pdf.pages}
        first = pdf.pages[0].extract_text()
    assert len(pdf.pages) > 1 and sizes == {(210, 297)}
    assert "关于鄞州区人民政府办公室2020年政府信息" in re.sub(r"\s", "", first) and first.endswith("— 1 —")


def test_memo_and_summarize_commands(tmp_path, indexed, copy_index):
    ingestor, _ = indexed
    index = tmp_path / "index"
    copy_index(ingestor, index)

    def audit(*args):
        return subprocess.run([sys.executable, "-m", "assistant", *args, "--index", str(index)], cwd=PROJECT,
                              capture_output=True, text=True, encoding="utf-8", timeout=300)

    memo = audit("memo", "财政金融局 2025", "--out", str(tmp_path / "memo.md"))
    assert memo.returncode == 0, memo.stderr
    text = (tmp_path / "memo.md").read_text(encoding="utf-8")
    assert "问题照搬 | PROBLEMS_COPIED" in text and "与2024年度报告" not in text
    assert audit("memo", "火星区 2021").returncode == 2
    summary = audit("summarize", "--region", "平潭", "--year", "2025", "--out", str(tmp_path / "s.xlsx"))
    assert summary.returncode == 0, summary.stderr
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == ["报告明细", "主题统计", "重复段落", "问题未变的单位"]
    rows = list(book["报告明细"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 11 and {row[2] for row in rows} == {2025}
    copied = next(row for row in rows if row[0] == "平潭综合实验区财政金融局")
    assert copied[8] == "平潭综合实验区财政金融局2023" and copied[9] == "100%"
    csv_run = audit("summarize", "--year", "2021", "--out", str(tmp_path / "s.csv"))
    assert csv_run.returncode == 0 and (tmp_path / "s.csv").read_text(encoding="utf-8").startswith("\ufeff单位,地区,年度")


def test_llm_polishing_is_verified_and_resumable(tmp_path):
    """Rewrites are kept only when verified; accepted ones are cached, so a rerun asks only for the rest."""
    from pydantic import SecretStr

    from assistant.config import Settings
    from assistant.draft.polish import Polisher
    from assistant.draft.summary import polish_synopses
    from scripted_openai import ScriptedOpenAI, failure, text

    reports = [read(sample(s)) for s in ["000", "001", "002", "004"]]
    summary = summarize(reports)
    offline = [r.synopsis for r in summary.reports]
    cache = tmp_path / "cache.jsonl"
    with ScriptedOpenAI() as endpoint:
        settings = Settings(llm_model="scripted", openai_base_url=endpoint.base_url, openai_api_key=SecretStr("k"))
        endpoint.chat(text("该区所列问题集中在政务新媒体和政策解读。"), text("该单位列出9个问题。"),
                      failure(500), failure(500), failure(500), text("该街道所列问题集中在队伍建设。"))
        first = Polisher(settings, cache=cache, concurrency=1, per_minute=6000)
        polish_synopses(summary, first)
        assert [r.synopsis for r in summary.reports] == [
            "该区所列问题集中在政务新媒体和政策解读。", offline[1], offline[2], "该街道所列问题集中在队伍建设。"]
        assert "数字 9" in first.failures[0] and "HTTP 500" in first.failures[1]
        asked = len(endpoint.chat_requests())
        endpoint.chat(text("该单位问题概述。"), text("另一单位问题概述。"))
        again = summarize(reports)
        polish_synopses(again, Polisher(settings, cache=cache, concurrency=1, per_minute=6000))
        assert len(endpoint.chat_requests()) - asked == 2
    assert [r.synopsis for r in again.reports] == [
        "该区所列问题集中在政务新媒体和政策解读。", "该单位问题概述。", "另一单位问题概述。", "该街道所列问题集中在队伍建设。"]
    assert len(cache.read_text(encoding="utf-8").splitlines()) == 4


def test_memo_prose_polished_only_when_verified(tmp_path):
    from scripted_openai import ScriptedOpenAI, text

    with ScriptedOpenAI() as endpoint:
        endpoint.chat(text("经审核，该报告数据存在2处错误，应予更正。"), text("经审核，该报告有5处错误。"))
        environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AUDIT_LLM_MODEL": "scripted",
                       "OPENAI_BASE_URL": endpoint.base_url, "OPENAI_API_KEY": "sk-memo-secret"}
        report = str(corpus_file("pingtan_jingjifazhanju_2023.txt"))
        runs = [subprocess.run([sys.executable, "-m", "assistant", "memo", report, "--index", str(tmp_path / "none")],
                               cwd=PROJECT, capture_output=True, text=True, encoding="utf-8", timeout=120, env=environment)
                for _ in range(2)]
    assert "经审核，该报告数据存在2处错误，应予更正。" in runs[0].stdout
    assert "报告存在2处错误，须更正后重新发布" in runs[1].stdout and "数字 5" in runs[1].stderr
    assert all("sk-memo-secret" not in run.stdout + run.stderr for run in runs)


def test_polishing_gives_up_at_the_deadline():
    """A server trickling a token a second: the memo verdict and each synopsis stay the program's
    own, each rewrite within timeout × attempts, the synopses concurrently."""
    import time

    from pydantic import SecretStr

    from assistant.config import Settings
    from assistant.draft.polish import Polisher, polish_memo
    from assistant.draft.summary import polish_synopses
    from assistant.llm import ATTEMPTS
    from scripted_openai import ScriptedOpenAI, drip

    report = read(corpus_file("pingtan_jingjifazhanju_2023.txt"))
    memo = build_memo(report, check_report(report))
    verdict = memo.verdict
    summary = summarize([read(sample("000")), read(sample("001"))])
    synopses = [r.synopsis for r in summary.reports]
    with ScriptedOpenAI() as endpoint:
        endpoint.chat(*(drip("好", 40, interval=1.0) for _ in range(3 * ATTEMPTS)))
        settings = Settings(llm_model="scripted", openai_base_url=endpoint.base_url, openai_api_key=SecretStr("k"),
                            llm_timeout=1)
        polisher = Polisher(settings, concurrency=2, per_minute=6000)
        started = time.monotonic()
        polish_memo(memo, polisher)
        memo_seconds = time.monotonic() - started
        polish_synopses(summary, polisher)
        synopsis_seconds = time.monotonic() - started - memo_seconds
    assert memo.verdict == verdict and [r.synopsis for r in summary.reports] == synopses
    assert len(polisher.failures) == 3 and all("超时" in failure for failure in polisher.failures)
    assert memo_seconds < ATTEMPTS + 2.0 and synopsis_seconds < ATTEMPTS + 2.0, (memo_seconds, synopsis_seconds)
