"""Two `audit ingest` runs at once into one index, over overlapping folders: every report is stored
once and both runs succeed, with the embedded Chroma store and with a Chroma server."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from conftest import PROJECT, SAMPLES, free_port

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


def run_two_ingests(runs: list[list[Path]], index: Path, environment: dict) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen([sys.executable, "-m", "assistant", "ingest", *map(str, paths), "--index", str(index)],
                                  cwd=PROJECT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, encoding="utf-8") for paths in runs]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def assert_every_report_once(index: Path, contents: int, results: list[subprocess.CompletedProcess],
                             settings: Settings) -> None:
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert all("Traceback" not in r.stderr for r in results)
    with sqlite3.connect(index / "figures.sqlite") as probe:
        hashes = [row[0] for row in probe.execute("SELECT hash FROM reports")]
        incomplete = probe.execute("SELECT COUNT(*) FROM reports r WHERE (SELECT COUNT(*) FROM figures f"
                                   " WHERE f.report_id = r.id) NOT IN (198, 200)").fetchone()[0]
    assert len(hashes) == len(set(hashes)) == contents
    assert incomplete == 0
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


def test_two_concurrent_ingests_store_every_report_once_embedded(tmp_path):
    *runs, contents = overlapping_folders(tmp_path)
    for repetition in range(REPETITIONS):
        index = tmp_path / f"index{repetition}"
        results = run_two_ingests(runs, index, dict(os.environ))
        assert_every_report_once(index, contents, results, Settings(index_dir=index))


def _wait_for(url: str, server: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
            return
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                pytest.fail("the Chroma server did not start")
            time.sleep(0.3)


def test_two_concurrent_ingests_store_every_report_once_with_a_chroma_server(tmp_path):
    """With a server the runs really overlap (no lock): the SQLite insert decides what is stored. One
    server for all repetitions, its collection dropped between them."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    *runs, contents = overlapping_folders(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(url, server)
        client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
        for repetition in range(REPETITIONS):
            index = tmp_path / f"index{repetition}"
            results = run_two_ingests(runs, index, {**os.environ, "AUDIT_CHROMA_URL": url})
            assert_every_report_once(index, contents, results, Settings(index_dir=index, chroma_url=url))
            for collection in client.list_collections():
                client.delete_collection(collection.name)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
