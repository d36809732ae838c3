"""The `audit` command-line contract of SPEC §4, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import catalogue
from conftest import PROJECT, sample


def audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_extract_json_contract():
    result = audit("extract", str(sample("000")), "--json")
    assert result.returncode == 0 and result.stderr == ""
    document = json.loads(result.stdout)
    assert set(document) == {"source", "meta", "figures", "cells", "sections"}
    assert set(document["meta"]) == {"title", "body", "region", "year", "template"}
    assert document["meta"]["template"] == "2021" and document["meta"]["year"] == 2021
    assert list(document["figures"]) == catalogue.template_keys("2021")
    assert len(document["cells"]) == 200
    assert all(set(cell) == {"key", "value", "raw", "line"} for cell in document["cells"])
    assert [s["id"] for s in document["sections"]] == ["一", "二", "三", "四", "五", "六"]
    assert all(set(s) == {"id", "title", "start_line", "end_line"} for s in document["sections"])
    assert document["figures"]["requests.total.total"] == 29


def inconsistent_copy(folder: Path) -> Path:
    """Seed 000 with its 本年新收 total (line 82, 31) printed as 32: the request table no longer adds up."""
    lines = sample("000").read_text(encoding="utf-8").split("\n")
    assert lines[81] == "\t31"
    lines[81] = "\t32"
    path = folder / "inconsistent.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_check_json_contract_and_exit_code(tmp_path):
    inconsistent = inconsistent_copy(tmp_path)
    result = audit("check", str(sample("000")), str(inconsistent), "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert [r["source"] for r in document["reports"]] == [str(sample("000")), str(inconsistent)]
    findings = document["reports"][1]["findings"]
    assert {"rule", "severity", "message", "keys", "evidence"} == set(findings[0])
    assert all(set(e) == {"text", "line"} for f in findings for e in f["evidence"])
    assert [f["rule"] for f in document["reports"][0]["findings"]] == ["TEXT_ARITHMETIC"]  # 31 ≠ 3 + 29
    assert audit("check", str(sample("000")), "--json").returncode == 0


def test_bad_input_is_one_line_and_the_rest_of_the_batch_survives(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    result = audit("check", str(empty), str(sample("001")), str(pdf), str(binary), str(tmp_path / "absent.txt"), "--json")
    assert result.returncode == 2
    errors = result.stderr.strip().split("\n")
    assert len(errors) == 4 and all(line.startswith("audit: ") for line in errors)
    assert "Traceback" not in result.stderr
    assert [r["source"] for r in json.loads(result.stdout)["reports"]] == [str(sample("001"))]


def test_extract_bad_input_exit_code(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = audit("extract", str(empty), "--json")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "文件为空" in result.stderr


def test_human_output_and_source_text_with_line_numbers():
    table = audit("extract", str(sample("001")))
    assert "三、收到和处理政府信息公开申请情况" in table.stdout and "（七）总计" in table.stdout
    text = audit("extract", str(sample("000")), "--text").stdout.split("\n")
    assert text[81].split() == ["82", "31"]
    review = audit("check", str(sample("002")))
    assert "FEE_STATEMENT_MISSING" in review.stdout and "错误0项" in review.stdout


def test_console_script_is_installed():
    from importlib.metadata import entry_points

    assert any(ep.name == "audit" and ep.value == "assistant.cli:main" for ep in entry_points(group="console_scripts"))


def test_ingest_refuses_a_non_report_and_filters_that_match_nothing_say_what_the_index_has(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "note.txt").write_text("请于下周一前报送2023年政府信息公开工作年度报告。\n", encoding="utf-8")
    for name in ("000", "002"):
        shutil.copy(sample(name), folder / sample(name).name)
    index = str(tmp_path / "index")
    ingest = audit("ingest", str(folder), "--index", index)
    assert ingest.returncode == 2, ingest.stderr
    assert ingest.stdout.startswith("新增 2 份，未变 0 份，替换 0 份，失败 1 份：note.txt（不像政府信息公开工作年度报告")
    has = "索引中共有2份报告，地区：定海区、鄞州区；年度：2020、2021"
    out = tmp_path / "summary.md"
    summary = audit("summarize", "--index", index, "--region", "杭州", "--year", "2030", "--out", str(out))
    assert (summary.returncode, summary.stdout) == (2, "") and not out.exists()
    assert summary.stderr.strip() == f"audit: 索引中没有符合地区含“杭州”、年度为2030的报告；{has}"
    memo_out = tmp_path / "memo.docx"
    memo = audit("memo", "定海区 2030", "--index", index, "--out", str(memo_out))
    assert memo.returncode == 2 and not memo_out.exists()
    assert "索引中没有定海区2030年度的报告（该单位有2021年度的报告）" in memo.stderr and has in memo.stderr
    search = audit("search", "政务新媒体", "--index", index, "--body", "越城")
    assert search.returncode == 2 and has in search.stderr
    assert audit("summarize", "--index", index, "--year", "2020").returncode == 0


def display_width(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_table_view_fits_the_terminal_width():
    def table(columns: int) -> list[str]:
        result = subprocess.run([sys.executable, "-m", "assistant", "extract", str(sample("002"))], cwd=PROJECT,
                                capture_output=True, text=True, encoding="utf-8", env={**os.environ, "COLUMNS": str(columns)})
        return result.stdout.split("\n")

    narrow, wide = table(80), table(200)
    assert max(map(display_width, narrow)) <= 80 < max(map(display_width, wide)) <= 200
    requests_header = wide[wide.index("三、收到和处理政府信息公开申请情况") + 1].split()
    assert requests_header == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    section = narrow[narrow.index("三、收到和处理政府信息公开申请情况"):narrow.index("四、行政复议、行政诉讼情况")]
    headers = [line.split() for line in section if line.startswith(" ")]
    assert [h for block in headers for h in block] == requests_header and len(headers) > 1
    assert sum(line.startswith("（七）总计") for line in section) == len(headers)


@pytest.mark.parametrize("variable, value, message", [
    ("AUDIT_EMBEDDING", "bge", "AUDIT_EMBEDDING 只能是 e5 或 hashing，不是 'bge'"),
    ("AUDIT_LLM_TIMEOUT", "30s", "AUDIT_LLM_TIMEOUT 应为正数（秒），不是 '30s'"),
    ("AUDIT_LLM_TIMEOUT", "0", "AUDIT_LLM_TIMEOUT 应为正数（秒），不是 '0'"),
])
def test_a_misconfigured_environment_is_said_in_one_line(tmp_path, variable, value, message):
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", "定海区2021年新收申请多少件", "--index",
                             str(tmp_path / "index")], capture_output=True, text=True, encoding="utf-8", timeout=120,
                            env={**os.environ, variable: value})
    assert result.returncode == 2 and result.stderr.strip() == f"audit: {message}"
