"""The index: ingest into SQLite + Chroma (embedded and a real Chroma server), idempotency,
crash safety, cross-report findings, and retrieval quality on hand-written questions."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.exc import SQLAlchemyError

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from assistant.retrieve.cache import CACHE_FOLDER
from assistant.store.database import DATABASE_NAME
from assistant.store.passages import sentences
from conftest import CORPUS, PROJECT, SAMPLES, store_rows
from retrieval_questions import QUESTIONS

RECALL_AT_5_FLOOR = 0.9


def corpus_dirs() -> list[Path]:
    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    return [SAMPLES, raw]


@pytest.fixture
def full_index(indexed):
    return indexed


def test_ingest_stores_every_report_with_its_figures_and_chunks(full_index):
    ingestor, summary = full_index
    files = len(list(SAMPLES.glob("*.txt"))) + len([p for p in (CORPUS / "raw").iterdir()])
    assert (len(summary.new), summary.failed) == (files, [])
    counts = ingestor.db.counts()
    assert counts["reports"] == files
    figures_per_report = [len(ingestor.db.load_report(r.id).cells) for r in ingestor.db.reports()]
    assert set(figures_per_report) <= {200, 198, 207}  # 207: a 2021 table with （六）其他处理 as one row (other.all)
    assert counts["figures"] == sum(figures_per_report)
    assert set(ingestor.db.chunk_ids()) == ingestor.vectors.ids()


def test_reingesting_changes_nothing(full_index):
    ingestor, _ = full_index
    generation = ingestor.db.generation
    again = ingestor.ingest(corpus_dirs())
    assert (again.new, again.replaced, again.failed) == ([], [], [])
    assert ingestor.db.generation == generation


def test_findings_are_stored_including_cross_year_ones(full_index):
    ingestor, _ = full_index
    later = ingestor.db.report_by_source(str((CORPUS / "raw" / "pingtan_caizhengjinrongju_2025.txt").resolve()))
    rules = {f.rule for f in ingestor.db.findings(later.id)}
    assert "PROBLEMS_COPIED" in rules
    inconsistent = ingestor.db.report_by_source(str((CORPUS / "raw" / "pingtan_jingjifazhanju_2023.txt").resolve()))
    assert {"REQ_BALANCE", "TEXT_TABLE_MISMATCH"} <= {f.rule for f in ingestor.db.findings(inconsistent.id)}


def test_stored_vectors_are_the_embeddings_of_their_sentences(full_index):
    """Ingest's worker processes compute the default embedding's vectors: Chroma must hold, for each
    sentence of each stored chunk, exactly the vector the collection's own embedding makes of that
    sentence's text (else search ranks by vectors of other text, or of another space)."""
    ingestor, _ = full_index
    page = ingestor.vectors.collection.get(include=["embeddings", "documents", "metadatas"], limit=100_000)
    assert len(page["ids"]) > 1000
    expected = ingestor.vectors.embedding(page["documents"])
    assert [np.asarray(v, dtype=np.float32).tobytes() for v in page["embeddings"]] == \
        [np.asarray(v, dtype=np.float32).tobytes() for v in expected]
    chunks = ingestor.db.chunks(sorted({meta["chunk_id"] for meta in page["metadatas"]}))
    assert set(chunks) == set(ingestor.db.chunk_ids())
    for sentence_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
        assert sentences(chunks[meta["chunk_id"]].text)[int(sentence_id.rsplit("#", 1)[1])] == text


def test_retrieval_recall_at_5(full_index):
    ingestor, _ = full_index
    retriever = Retriever(ingestor.db, ingestor.vectors)
    found = []
    for question, filters, expected_file, section in QUESTIONS:
        hits = retriever.search(question, top=5, **filters)
        found.append(any(Path(h.report).name == expected_file and h.section == section for h in hits))
    recall = sum(found) / len(found)
    missed = [q for (q, *_), ok in zip(QUESTIONS, found) if not ok]
    assert len(QUESTIONS) >= 30
    assert recall >= RECALL_AT_5_FLOOR, (recall, missed)


def test_filters_restrict_results(full_index):
    ingestor, _ = full_index
    retriever = Retriever(ingestor.db, ingestor.vectors)
    hits = retriever.search("政策解读形式", year=2022, section="五", top=10)
    assert hits and all(h.year == 2022 and h.section == "五" for h in hits)
    assert retriever.search("政策解读", body="不存在的机关") == []


def test_changed_file_replaces_its_old_version(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / "dinghai.txt"
    shutil.copy(next(SAMPLES.glob("000*.txt")), report)
    ingestor = Ingestor(Settings(index_dir=tmp_path / "index"))
    try:
        assert len(ingestor.ingest([folder]).new) == 1
        old_chunks = set(ingestor.db.chunk_ids())
        report.write_text(report.read_text(encoding="utf-8").replace("\t31\n", "\t30\n", 1), encoding="utf-8")
        summary = ingestor.ingest([folder])
        assert (summary.replaced, summary.new) == ([str(report.resolve())], [])
        stored = ingestor.db.reports()
        assert len(stored) == 1
        assert ingestor.db.load_report(stored[0].id).value("requests.new.natural") == 30
        assert ingestor.vectors.ids() == set(ingestor.db.chunk_ids()) and not old_chunks & ingestor.vectors.ids()
    finally:
        ingestor.close()


def test_a_failing_file_does_not_stop_the_batch(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fake.pdf").write_bytes(b"%PDF-1.4 broken")
    shutil.copy(next(SAMPLES.glob("004*.txt")), folder / "street.txt")
    result = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(folder), "--index", str(tmp_path / "i")],
                            cwd=PROJECT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout.startswith("新增 1 份，未变 0 份，替换 0 份，失败 2 份")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_against_a_real_chroma_server(tmp_path):
    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma command (installed with chromadb) is missing")
    port = _free_port()
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        settings = Settings(index_dir=tmp_path / "index", chroma_url=f"http://127.0.0.1:{port}")
        deadline = time.time() + 60
        while True:
            ingestor = Ingestor(settings)
            try:
                ingestor.vectors
                break
            except Exception:
                ingestor.close()
                if time.time() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        try:
            summary = ingestor.ingest([SAMPLES])
            assert len(summary.new) == 5
            assert ingestor.vectors.ids() == set(ingestor.db.chunk_ids())
            hits = Retriever(ingestor.db, ingestor.vectors).search("政务新媒体规范化管理", section="五")
            assert Path(hits[0].report).name.startswith("000") and hits[0].vector_rank is not None
            # the ingest left this generation's search indexes in the local index folder; a new
            # client searching through them finds the same
            store, generation = ingestor.db.store_id, ingestor.db.generation
            assert sorted(p.name for p in (settings.index_dir / CACHE_FOLDER).iterdir()) == [
                f"bm25-s{store}-g{generation}", f"vectors-{ingestor.vectors.embedding.slug}-s{store}-g{generation}"]
            again = Ingestor(settings)
            try:
                assert Retriever(again.db, again.vectors).search("政务新媒体规范化管理", section="五") == hits
            finally:
                again.close()
        finally:
            ingestor.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _committed_reports(settings: Settings) -> int:
    """Reports committed so far (0 while the writer is still creating the schema)."""
    if not (settings.database_url or (settings.index_dir / DATABASE_NAME).exists()):
        return 0
    try:
        return store_rows(settings, "SELECT COUNT(*) FROM reports")[0][0]
    except SQLAlchemyError:
        return 0


def test_killed_ingest_is_completed_by_the_next_run(tmp_path):
    """Kill `audit ingest` while it writes, run it again: no duplicate, missing or partial report."""
    index = tmp_path / "index"
    command = [sys.executable, "-m", "assistant", "ingest", *map(str, corpus_dirs()), "--index", str(index)]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    settings = Settings(index_dir=index)
    deadline = time.time() + 120
    while time.time() < deadline and _committed_reports(settings) < 10:
        time.sleep(0.05)
    process.kill()
    process.wait()
    partial = _committed_reports(settings)
    total = len(list(SAMPLES.glob("*.txt"))) + len(list((CORPUS / "raw").iterdir()))
    assert 10 <= partial < total, (partial, total)
    rerun = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    ingestor = Ingestor(settings)
    try:
        reports = ingestor.db.reports()
        assert len(reports) == total == len({r.source for r in reports})
        per_report = dict(store_rows(settings, "SELECT report_id, COUNT(*) FROM figures GROUP BY report_id"))
        sections = dict(store_rows(settings, "SELECT report_id, COUNT(*) FROM sections GROUP BY report_id"))
        assert all(per_report[r.id] in (198, 200, 207) and sections[r.id] >= 4 for r in reports)
        assert ingestor.vectors.ids() == set(ingestor.db.chunk_ids())
        assert rerun.stdout.startswith(f"新增 {total - partial} 份，未变 {partial} 份，替换 0 份，失败 0 份")
    finally:
        ingestor.close()


def test_openai_compatible_embeddings_endpoint(tmp_path):
    from scripted_openai import ScriptedOpenAI, failure

    with ScriptedOpenAI() as endpoint:
        endpoint.script("/v1/embeddings", failure(500))
        settings = Settings(index_dir=tmp_path / "index", embedding_model="text-embedding-test",
                            openai_base_url=endpoint.base_url)
        ingestor = Ingestor(settings)
        try:
            summary = ingestor.ingest([SAMPLES])
            assert len(summary.new) == 5
            assert ingestor.vectors.collection.name == "narrative-openai-text-embedding-test"
            assert ingestor.vectors.ids() == set(ingestor.db.chunk_ids())
            hits = Retriever(ingestor.db, ingestor.vectors).search("政务新媒体", top=3)
            assert hits and any(h.vector_rank for h in hits)
        finally:
            ingestor.close()
        paths = [path for path, _ in endpoint.requests]
        assert paths.count("/v1/embeddings") >= 3  # the scripted 500, its retry, the rest, the query
        assert all(body["model"] == "text-embedding-test" for _, body in endpoint.requests)


def test_search_output_shows_rank_and_matched_words_not_scores(full_index):
    from assistant.render import render_hits

    ingestor, _ = full_index
    hits = Retriever(ingestor.db, ingestor.vectors).search("政务新媒体管理", section="五", top=5)
    lines = render_hits("政务新媒体管理", hits).split("\n")[1::2]
    assert [line.split(".")[0] for line in lines] == ["1", "2", "3", "4", "5"]
    assert all("命中：" in line and "相关度" not in line and f"{hits[0].score:.4f}" not in line for line in lines)
    assert "命中：政务新媒体、管理" in lines[0]
