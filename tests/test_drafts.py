"""Review memos and the batch summary of section 五, on the seeds and the Pingtan series."""

from __future__ import annotations

import shutil
import subprocess
import sys

import docx
import openpyxl
import pytest

from assistant.check import check_report
from assistant.draft import build_memo, memo_document
from assistant.draft.document import to_docx, to_markdown
from assistant.draft.summary import summarize
from assistant.draft.themes import load_themes
from assistant.parse.problem_lists import split_section
from conftest import CORPUS, PROJECT, corpus_file, read, sample


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


def test_memo_docx_holds_the_same_findings_as_the_markdown(tmp_path):
    report = read(sample("002"))
    document = memo_document(build_memo(report, check_report(report)))
    markdown = to_markdown(document)
    path = tmp_path / "memo.docx"
    path.write_bytes(to_docx(document))
    word = docx.Document(str(path))
    paragraphs = [p.text for p in word.paragraphs]
    findings_md = [line for line in markdown.split("\n") if "【" in line]
    assert findings_md and findings_md == [p for p in paragraphs if "【" in p]
    headings = ["一、总体意见", "二、发现的问题", "三、对“存在的主要问题及改进情况”的评价", "附件：核对后的统计表"]
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == headings
    assert len(word.tables) == 3 and word.tables[1].cell(1, 0).text.startswith("一、本年新收")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, timeout=180)
        assert (tmp_path / "memo.pdf").stat().st_size > 1000


def test_memo_and_summarize_commands(tmp_path, indexed):
    ingestor, _ = indexed
    index = tmp_path / "index"
    shutil.copytree(ingestor.db.path.parent, index)

    def audit(*args):
        return subprocess.run([sys.executable, "-m", "assistant", *args, "--index", str(index)], cwd=PROJECT,
                              capture_output=True, text=True, encoding="utf-8", timeout=300)

    memo = audit("memo", "财政金融局 2025", "--out", str(tmp_path / "memo.md"))
    assert memo.returncode == 0, memo.stderr
    text = (tmp_path / "memo.md").read_text(encoding="utf-8")
    assert "【PROBLEMS_COPIED】" in text and "与2024年度报告" not in text
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
