"""Two `audit ingest` runs at once into one index, over overlapping folders: every report is stored
once and both runs succeed, with the embedded Chroma store and with a Chroma server (figures in the
suite's backend), and with the figures on a PostgreSQL server (whichever backend the suite uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from conftest import PROJECT, SAMPLES, store_rows

REPETITIONS = 5
VARIANTS = 4


def overlapping_folders(root: Path) -> tuple[list[Path], list[Path], int]:
    """Folders for two runs: one folder both runs ingest (same paths), one each of their own, and in the
    second run's own folder copies of files of the first's (same content under other names).

    Variants of each seed (k trailing newlines) give distinct contents; returns the number of contents."""
    common, only_a, only_b = root / "common", root / "only_a", root / "only_b"
    for folder in (common, only_a, only_b):
        folder.mkdir()
    contents = 0
    for seed in sorted(SAMPLES.glob("*.txt")):
        text = seed.read_bytes()
        for k in range(VARIANTS):
            variant = text + b"\n" * k
            target = (common, only_a, only_a, only_b)[k]
            (target / f"{seed.stem}_{k}.txt").write_bytes(variant)
            if k == 1:
                (only_b / f"copy_of_{seed.stem}_{k}.txt").write_bytes(variant)
            contents += 1
    return [common, only_a], [common, only_b], contents


def run_two_ingests(runs: list[list[Path]], settings: Settings) -> list[subprocess.CompletedProcess]:
    """Both runs started at once, into the index and stores of `settings` (the figures database and the
    Chroma server passed to them through the environment). Each reads its files in its own process
    (`--jobs 1`): the race under test is between the two writers, and a worker pool per run would only
    add its start-up (the pool's own equivalence is tested in test_batch)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("AUDIT_DATABASE_URL", "AUDIT_CHROMA_URL")}
    environment.update({name: value for name, value in (("AUDIT_DATABASE_URL", settings.database_url),
                                                        ("AUDIT_CHROMA_URL", settings.chroma_url)) if value})
    index = settings.index_dir
    processes = [subprocess.Popen([sys.executable, "-m", "assistant", "ingest", *map(str, paths), "--index", str(index),
                                   "--jobs", "1"],
                                  cwd=PROJECT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, encoding="utf-8") for paths in runs]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def assert_every_report_once(contents: int, results: list[subprocess.CompletedProcess], settings: Settings) -> None:
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert all("Traceback" not in r.stderr for r in results)
    hashes = [row[0] for row in store_rows(settings, "SELECT hash FROM reports")]
    incomplete = store_rows(settings, "SELECT COUNT(*) FROM reports r WHERE (SELECT COUNT(*) FROM figures f"
                                      " WHERE f.report_id = r.id) NOT IN (198, 200)")[0][0]
    assert len(hashes) == len(set(hashes)) == contents
    assert incomplete == 0
    logged = store_rows(settings, "SELECT report_id FROM activity WHERE action = 'ingest'")
    assert sorted(row[0] for row in logged) == sorted(row[0] for row in store_rows(settings, "SELECT id FROM reports"))
    ingestor = Ingestor(settings)
    try:
        stored = set(ingestor.db.chunk_ids())
        assert ingestor.vectors.ids() == stored
        # The vector index itself (not only Chroma's metadata) holds every sentence: a query for all finds all.
        count = ingestor.vectors.count()
        found = ingestor.vectors.collection.query(query_texts=["政府信息公开工作"], n_results=count, include=["metadatas"])
        assert len(found["ids"][0]) == count and {meta["chunk_id"] for meta in found["metadatas"][0]} == stored
        # and search's matrix, whichever ingest left it, holds every chunk
        _, nearest = Retriever(ingestor.db, ingestor.vectors).indexes()
        assert set(map(str, nearest.stored.chunk_ids)) == stored and nearest.stored.chroma_count is None
    finally:
        ingestor.close()


def test_two_concurrent_ingests_store_every_report_once_embedded(tmp_path, new_database):
    *runs, contents = overlapping_folders(tmp_path)
    for repetition in range(REPETITIONS):
        settings = Settings(index_dir=tmp_path / f"index{repetition}", database_url=new_database())
        assert_every_report_once(contents, run_two_ingests(runs, settings), settings)


def test_two_concurrent_ingests_into_postgresql_store_every_report_once(tmp_path, postgres_server):
    """The runs' transactions meet in PostgreSQL (its advisory write lock, the unique content hash)."""
    *runs, contents = overlapping_folders(tmp_path)
    for repetition in range(REPETITIONS):
        settings = Settings(index_dir=tmp_path / f"index{repetition}", database_url=postgres_server.new_database())
        assert_every_report_once(contents, run_two_ingests(runs, settings), settings)


def test_two_concurrent_ingests_store_every_report_once_with_a_chroma_server(tmp_path, new_database, chroma_server):
    """With a server the runs really overlap (no lock): the database's insert decides what is stored. One
    server for all repetitions, its collection dropped between them."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    *runs, contents = overlapping_folders(tmp_path)
    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]),
                                 settings=ChromaSettings(anonymized_telemetry=False))
    for repetition in range(REPETITIONS):
        settings = Settings(index_dir=tmp_path / f"index{repetition}", chroma_url=chroma_server,
                            database_url=new_database())
        assert_every_report_once(contents, run_two_ingests(runs, settings), settings)
        for collection in client.list_collections():
            client.delete_collection(collection.name)
