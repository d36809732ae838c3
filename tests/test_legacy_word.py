""".doc and .wps reports: the seeds rebuilt as DOCX, saved as Word 97 by LibreOffice, read back cell by cell.

LibreOffice has no WPS export filter: `--convert-to wps` writes the Word 97 binary format under the
.wps name, which is what WPS Office saves by default and what county portals serve.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.load import SUPPORTED_SUFFIXES, legacy_word, load_bytes
from assistant.parse import extract
from conftest import sample
from documents import report_blocks, to_docx
from expected import mismatches
from test_seed_figures import SEED_EXPECTATIONS

SEEDS = sorted(SEED_EXPECTATIONS)
pytestmark = pytest.mark.skipif(legacy_word.soffice_path() is None, reason="LibreOffice (soffice) not installed")


def _save_as(folder: Path, sources: list[Path], target: str) -> None:
    subprocess.run([legacy_word.soffice_path(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(folder), *map(str, sources)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory) -> dict[str, bytes]:
    """{'000.doc': bytes, ..., '003.wps': bytes}, written by LibreOffice from the seeds' DOCX versions."""
    folder = tmp_path_factory.mktemp("legacy")
    for seed in SEEDS:
        expected = SEED_EXPECTATIONS[seed]
        blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
        (folder / f"{seed}.docx").write_bytes(to_docx(blocks))
    _save_as(folder, [folder / f"{seed}.docx" for seed in SEEDS], "doc")
    _save_as(folder, [folder / "003.docx"], "wps")
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.suffix in {".doc", ".wps"}}


def _assert_seed_figures(seed: str, data: bytes, name: str, suffix: str) -> None:
    expected = SEED_EXPECTATIONS[seed]
    report = extract(load_bytes(data, name, suffix))
    meta = {k: expected["meta"][k] for k in ("template", "year")}
    assert mismatches(report, {"meta": meta, "figures": expected["figures"]}) == {}
    assert [s.id for s in report.sections] == ["一", "二", "三", "四", "五", "六"]


@pytest.mark.parametrize("seed", SEEDS)
def test_doc_gives_the_same_figures_as_the_text(seed, legacy_files):
    data = legacy_files[f"{seed}.doc"]
    assert data.startswith(legacy_word.OLE2_SIGNATURE)
    _assert_seed_figures(seed, data, f"{seed}.doc", ".doc")


def test_wps_and_misnamed_word_files_are_read_by_content(legacy_files):
    assert {".doc", ".wps"} <= SUPPORTED_SUFFIXES
    _assert_seed_figures("003", legacy_files["003.wps"], "003.wps", ".wps")
    _assert_seed_figures("001", legacy_files["001.doc"], "001.txt", ".txt")
    assert load_bytes(legacy_files["002.doc"], "002", "").encoding == "doc"


def _processes_mentioning(fragment: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if fragment in text:
            found.append(text)
    return found


def test_conversion_leaves_no_files_and_no_processes(legacy_files, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    load_bytes(legacy_files["000.doc"], "000.doc", ".doc")
    assert list(tmp_path.iterdir()) == []
    assert _processes_mentioning(str(tmp_path)) == []


def test_a_hanging_conversion_is_killed_and_cleaned_up(legacy_files, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(legacy_word, "CONVERT_TIMEOUT_S", 0.2)
    with pytest.raises(InputError, match="超时") as raised:
        load_bytes(legacy_files["000.doc"], "000.doc", ".doc")
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []
    assert _processes_mentioning(str(tmp_path)) == []


def test_damaged_word_file_is_one_line():
    with pytest.raises(InputError, match="无法转换") as raised:
        load_bytes(legacy_word.OLE2_SIGNATURE + bytes(range(256)) * 20, "broken.doc", ".doc")
    assert "\n" not in str(raised.value)


def test_without_libreoffice_the_message_says_what_to_install(legacy_files, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("soffice") is None
    with pytest.raises(InputError, match="未安装 LibreOffice") as raised:
        load_bytes(legacy_files["004.doc"], "004.wps", ".wps")
    assert str(raised.value).startswith("004.wps: 无法读取 WPS 文件") and "\n" not in str(raised.value)
