"""Batches: the process pool changes nothing, duplicates are one report, and cross-report rules
find every pair they would find by comparing all pairs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from conftest import CORPUS, SAMPLES, corpus_file, read
from assistant.check import check_reports
from assistant.check.similarity import NearCopyCandidates, copied_passages
from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.store.database import DATABASE_NAME


def _check_json(paths: list[str], jobs: int) -> dict:
    completed = subprocess.run([sys.executable, "-m", "assistant", "check", "--json", "--jobs", str(jobs), *paths],
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode in (0, 1, 2), completed.stderr
    return json.loads(completed.stdout)


def test_pool_gives_the_single_process_output_on_the_corpus():
    corpus_file("pingtan_2021.txt")
    paths = sorted(str(p) for p in (CORPUS / "raw").iterdir() if p.suffix in {".txt", ".pdf"})
    paths += sorted(str(p) for p in SAMPLES.glob("*.txt"))
    pooled, single = _check_json(paths, 2), _check_json(paths, 1)
    assert [r["source"] for r in pooled["reports"]] == paths
    assert pooled == single
    rules = {f["rule"] for r in single["reports"] for f in r["findings"]}
    assert {"PROBLEMS_COPIED", "REQ_TOTAL_ROW", "SECTION_MISSING"} <= rules


def test_the_same_report_given_twice_is_not_a_copy_of_itself(tmp_path):
    seed = next(SAMPLES.glob("000_*.txt"))
    twin = tmp_path / "copy_of_000.txt"
    twin.write_bytes(seed.read_bytes())
    first, second = check_reports([read(seed), read(twin)])
    assert [f.rule for f in first.findings] == [f.rule for f in second.findings]
    assert first.findings == second.findings
    assert not any(f.rule == "PROBLEMS_COPIED" for f in first.findings)


def test_two_versions_of_one_year_are_not_last_years_report(tmp_path):
    original = corpus_file("pingtan_caizhengjinrongju_2025.txt")
    revised = tmp_path / "pingtan_caizhengjinrongju_2025_revised.txt"
    revised.write_text(original.read_text(encoding="utf-8") + "\n（修订版）\n", encoding="utf-8")
    previous = corpus_file("pingtan_caizhengjinrongju_2023.txt")
    checked = check_reports([read(previous), read(original), read(revised)])
    copies = [f for c in checked for f in c.findings if f.rule == "PROBLEMS_COPIED"]
    assert len(copies) == 2
    assert all("本单位2023年度报告" in f.message for f in copies)


def _edited(text: str) -> str:
    """The text with every 25th character replaced: near copies, not exact ones."""
    return "".join("某" if i % 25 == 12 and "\u4e00" <= ch <= "\u9fff" else ch for i, ch in enumerate(text))


def test_candidates_hold_every_pair_with_a_copied_sentence(corpus_reports):
    originals = [report.section_text("五") for report in corpus_reports.values()]
    texts = originals + [_edited(text) for text in originals]
    candidates = NearCopyCandidates(texts)
    sharing = 0
    for i, text in enumerate(texts):
        found = candidates.of(i)
        for j, other in enumerate(texts):
            if i != j and copied_passages(text, other)[0]:
                sharing += 1
                assert j in found, (i, j)
    assert sharing > len([t for t in originals if t])


_STORE_QUERIES = (
    "SELECT r.source, f.key, f.value, f.raw, f.line, f.page, f.status FROM figures f JOIN reports r ON r.id = f.report_id",
    "SELECT r.source, f.rule, f.severity, f.message, f.keys, f.evidence, f.cross_report FROM findings f"
    " JOIN reports r ON r.id = f.report_id",
    "SELECT r.source, c.id, c.section, c.start_line, c.end_line, c.text, c.tokens FROM chunks c JOIN reports r ON r.id = c.report_id",
    "SELECT r.source, p.hash FROM problem_sentences p JOIN reports r ON r.id = p.report_id",
)


def _store_rows(index) -> list[list[tuple]]:
    connection = sqlite3.connect(index / DATABASE_NAME)
    try:
        return [sorted(connection.execute(query).fetchall(), key=repr) for query in _STORE_QUERIES]
    finally:
        connection.close()


def test_ingest_over_a_pool_stores_what_one_process_stores(tmp_path):
    raw = corpus_file("pingtan_2021.txt").parent
    for jobs in (1, 2):
        ingestor = Ingestor(Settings(index_dir=tmp_path / str(jobs)), jobs=jobs)
        try:
            summary = ingestor.ingest([SAMPLES, raw])
        finally:
            ingestor.close()
        assert len(summary.new) == 72 and not summary.failed
    single, pooled = _store_rows(tmp_path / "1"), _store_rows(tmp_path / "2")
    assert [len(rows) for rows in pooled] == [len(rows) for rows in single]
    assert pooled == single
