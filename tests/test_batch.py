"""Batches: the process pool changes nothing, duplicates are one report, and cross-report rules
find every pair they would find by comparing all pairs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS, SAMPLES, corpus_file, read, store_rows
from assistant.check import check_reports
from assistant.check.similarity import NearCopyCandidates, copied_passages
from assistant.config import Settings
from assistant.ingest import Ingestor


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


def _store_rows(settings: Settings) -> list[list[tuple]]:
    return [sorted(store_rows(settings, query), key=repr) for query in _STORE_QUERIES]


def test_ingest_over_a_pool_stores_what_one_process_stores(tmp_path, new_database):
    raw = corpus_file("pingtan_2021.txt").parent
    stores = {}
    for jobs in (1, 2):
        stores[jobs] = Settings(index_dir=tmp_path / str(jobs), database_url=new_database())
        ingestor = Ingestor(stores[jobs], jobs=jobs)
        try:
            summary = ingestor.ingest([SAMPLES, raw])
        finally:
            ingestor.close()
        assert len(summary.new) == 72 and not summary.failed
    single, pooled = _store_rows(stores[1]), _store_rows(stores[2])
    assert [len(rows) for rows in pooled] == [len(rows) for rows in single]
    assert pooled == single


def test_reports_held_in_memory_are_checked_as_the_pool_checks_files(corpus_reports):
    """The pool's workers keep no report: the one the previous year settles (pingtan_2020) is read
    again from its file; `check_reports` resolves the reports it holds. Both give the same findings,
    and the JSON written report by report is exactly `json.dumps` of the whole document."""
    paths = [str(CORPUS / "raw" / name) for name in corpus_reports]
    completed = subprocess.run([sys.executable, "-m", "assistant", "check", "--json", "--jobs", "2", *paths],
                               capture_output=True, text=True, timeout=600)
    document = json.loads(completed.stdout)
    assert completed.stdout == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    in_memory = check_reports(list(corpus_reports.values()))
    assert document["reports"] == [c.model_dump() for c in in_memory]
    settled = [r["source"] for r in document["reports"] for f in r["findings"] if f["rule"] == "CELL_CROSS_YEAR"]
    assert [Path(s).name for s in settled] == ["pingtan_2020.txt"]


def test_ingest_in_two_runs_stores_the_cross_report_findings_of_one_run(tmp_path, new_database):
    """Cross-report rules read this run's reports as the workers sent them and earlier runs' reports
    from the store: the years to 2023 and then 2024-2025 in a second run end with the same rows."""
    raw = corpus_file("pingtan_2021.txt").parent
    earlier, later = tmp_path / "earlier", tmp_path / "later"
    earlier.mkdir(), later.mkdir()
    for path in sorted(raw.glob("*.txt")):
        (later if path.stem.endswith(("2024", "2025")) else earlier).joinpath(path.name).write_bytes(path.read_bytes())
    stores = {}
    for runs, index in (([[earlier, later]], "one"), ([[earlier], [later]], "two")):
        stores[index] = Settings(index_dir=tmp_path / index, database_url=new_database())
        for paths in runs:
            ingestor = Ingestor(stores[index], jobs=1)
            try:
                assert not ingestor.ingest(paths).failed
            finally:
                ingestor.close()
    one, two = _store_rows(stores["one"]), _store_rows(stores["two"])
    assert "PROBLEMS_COPIED" in {row[1] for row in one[1] if row[-1]}
    assert two == one


def _ingested(settings: Settings, runs: list[list[Path]]) -> Ingestor:
    for paths in runs:
        ingestor = Ingestor(settings, jobs=1)
        try:
            assert not ingestor.ingest(paths).failed
        finally:
            ingestor.close()
    return Ingestor(settings, jobs=1)


def test_stored_figures_do_not_depend_on_the_order_the_years_arrive(tmp_path, new_database):
    """pingtan_2019 settles a flattened section 二 cell of pingtan_2020 (see test_checks). Whether 2020
    arrives first in another run, first in the same run, or 2019 is deleted and ingested again, the
    index ends with the rows of 2019-then-2020, and they are what `audit check` finds for the pair."""
    earlier, later = corpus_file("pingtan_2019.txt").resolve(), corpus_file("pingtan_2020.txt").resolve()  # as stored
    orders = {"years_in_order": [[earlier, later]], "later_year_first_run": [[later], [earlier]],
              "later_year_first_in_one_run": [[later, earlier]]}
    stores = {name: Settings(index_dir=tmp_path / name, database_url=new_database()) for name in orders}
    for name, runs in orders.items():
        _ingested(stores[name], runs).close()
    rows = {name: _store_rows(settings) for name, settings in stores.items()}
    assert rows["later_year_first_run"] == rows["years_in_order"]
    assert rows["later_year_first_in_one_run"] == rows["years_in_order"]

    key = "active.other_mgmt_service.prev_items"
    settled = [row for row in rows["years_in_order"][0] if row[0] == str(later) and row[1] == key]
    assert [row[2] for row in settled] == [10]
    expected = check_reports([read(earlier), read(later)])[1].findings
    stored = [row for row in rows["years_in_order"][1] if row[0] == str(later)]
    assert sorted((row[1], row[3]) for row in stored) == sorted((f.rule, f.message) for f in expected)

    ingestor = _ingested(stores["later_year_first_run"], [])
    try:
        [stored_later] = ingestor.db.reports(year=2020)
        assert ingestor.db.load_report(stored_later.id).value(key) == 10
        [stored_earlier] = ingestor.db.reports(year=2019)
        ingestor.delete(stored_earlier.id)
        assert ingestor.db.load_report(stored_later.id).value(key) is None
    finally:
        ingestor.close()
    alone = Settings(index_dir=tmp_path / "alone", database_url=new_database())
    _ingested(alone, [[later]]).close()
    assert _store_rows(stores["later_year_first_run"]) == _store_rows(alone)


def test_what_a_killed_run_left_outdated_is_refreshed_by_the_next(tmp_path, new_database, monkeypatch):
    """2020 first; then 2019 in a run that stops after its writes, before refreshing what they made
    outdated (the refresh skipped, as a run killed at that point). The store records 2020's figures
    and cross-report findings as outdated, and the next run, with nothing new to store, ends with the
    rows of 2019-then-2020."""
    earlier, later = corpus_file("pingtan_2019.txt").resolve(), corpus_file("pingtan_2020.txt").resolve()
    killed, reference = (Settings(index_dir=tmp_path / name, database_url=new_database()) for name in ("killed", "ref"))
    _ingested(killed, [[later]]).close()
    with monkeypatch.context() as patched:
        patched.setattr(Ingestor, "_refresh_stale", lambda self: None)
        _ingested(killed, [[earlier]]).close()
    outdated = "SELECT r.source, s.kind FROM stale_reports s JOIN reports r ON r.id = s.report_id"
    assert sorted(store_rows(killed, outdated)) == [(str(later), "cross"), (str(later), "figures")]
    _ingested(reference, [[earlier, later]]).close()
    assert _store_rows(killed) != _store_rows(reference)
    _ingested(killed, [[earlier, later]]).close()
    assert _store_rows(killed) == _store_rows(reference) and not store_rows(killed, outdated)


def test_ingest_compares_a_report_with_the_version_of_last_year_that_check_compares(tmp_path, new_database):
    """Two versions of pingtan's 2019 report, the later by name with 2020's section 五 pasted in: ingest
    pairs 2020 with that version, as `audit check` does (the last by source), and stores the findings
    check gives for the three files."""
    earlier, later = corpus_file("pingtan_2019.txt").resolve(), corpus_file("pingtan_2020.txt").resolve()
    text = earlier.read_text(encoding="utf-8")
    section_five = re.compile("(?<=五、存在的主要问题及改进情况).*(?=六、其他需要报告的事项)", re.S)
    problems, pasted = (section_five.search(path.read_text(encoding="utf-8")).group() for path in (earlier, later))
    folder = tmp_path / "reports"
    folder.mkdir()
    files = [folder / earlier.name, folder / "pingtan_2019_v2.txt", folder / later.name]
    files[0].write_text(text, encoding="utf-8")
    files[1].write_text(text.replace(problems, pasted), encoding="utf-8")
    files[2].write_bytes(later.read_bytes())
    settings = Settings(index_dir=tmp_path / "index", database_url=new_database())
    _ingested(settings, [[folder]]).close()
    checked = check_reports([read(path) for path in files])
    expected = sorted((str(path), f.rule, f.message) for path, c in zip(files, checked) for f in c.findings)
    stored = sorted((row[0], row[1], row[3]) for row in _store_rows(settings)[1])
    assert stored == expected
    assert any(rule == "PROBLEMS_COPIED" and source == str(files[2]) for source, rule, _ in stored)
