"""The `audit` command-line contract of SPEC §4, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

from assistant import catalogue
from conftest import CORPUS, PROJECT, sample


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


def test_check_json_contract_and_exit_code():
    inconsistent = CORPUS / "raw" / "pingtan_jingjifazhanju_2023.txt"
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
