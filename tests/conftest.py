"""Shared test fixtures: the bundled sample reports and the read-only corpus beside the project, and
the figures store's backend for the whole suite: SQLite files (default) or, with
AUDIT_TEST_BACKEND=postgresql, a PostgreSQL server the tests start, each test (and each session- or
module-wide index) in a database of its own."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pytest

from assistant.load import load_file
from assistant.models import Report
from assistant.parse import extract

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT / "examples" / "reports"
CORPUS = Path(os.environ.get("AUDIT_CORPUS", PROJECT.parent / "shared" / "corpus"))
BACKEND = os.environ.get("AUDIT_TEST_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"AUDIT_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")
os.environ.pop("AUDIT_DATABASE_URL", None)  # never the user's own database


def free_port() -> int:
    """A localhost TCP port nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sample(name: str) -> Path:
    return next(SAMPLES.glob(f"{name}*.txt"))


def corpus_file(name: str) -> Path:
    path = CORPUS / "raw" / name
    if not path.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    return path


def store_rows(settings, query: str) -> list[tuple]:
    """The rows of an SQL query on an index's database, read apart from the program's store."""
    from sqlalchemy import create_engine, text

    from assistant.store.database import database_url

    engine = create_engine(database_url(settings))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def read(path: Path) -> Report:
    return extract(load_file(path))


@pytest.fixture(scope="session")
def corpus_reports() -> dict[str, Report]:
    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    return {path.name: read(path) for path in sorted(raw.glob("*.txt"))}


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the session, started on first use (see postgres_server.py)."""
    from postgres_server import PostgresServer, server_binaries

    if server_binaries() is None:
        pytest.fail("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def new_database(request) -> Callable[[], Optional[str]]:
    """A new empty database for an index, in the suite's backend: a PostgreSQL URL, or None for the SQLite
    file in the index folder. For indexes beyond the test's own (AUDIT_DATABASE_URL, set for each test)."""
    if BACKEND == "postgresql":
        return request.getfixturevalue("postgres_server").new_database
    return lambda: None


@pytest.fixture(autouse=True)
def _database_of_the_test(new_database, monkeypatch):
    url = new_database()
    if url:
        monkeypatch.setenv("AUDIT_DATABASE_URL", url)


@pytest.fixture
def copy_index(request) -> Callable:
    """copy_index(ingestor, folder): the index copied to folder, its database into the test's own."""
    def copy(ingestor, folder: Path) -> None:
        shutil.copytree(ingestor.settings.index_dir, folder)
        if ingestor.settings.database_url:
            request.getfixturevalue("postgres_server").copy_database(ingestor.settings.database_url,
                                                                     os.environ["AUDIT_DATABASE_URL"])
    return copy


@pytest.fixture
def chroma_server(tmp_path):
    """The URL of a `chroma run` server on a free port, for the duration of a test."""
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma command (installed with chromadb) is missing")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "chroma-server"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("the Chroma server did not start")
                time.sleep(0.3)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def indexed(tmp_path_factory, new_database):
    """One index of the seeds and the corpus, shared by the index and question-answering tests."""
    from assistant.config import Settings
    from assistant.ingest import Ingestor

    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    ingestor = Ingestor(Settings(index_dir=tmp_path_factory.mktemp("index"), database_url=new_database()))
    summary = ingestor.ingest([SAMPLES, raw])
    yield ingestor, summary
    ingestor.close()


@pytest.fixture(scope="session")
def seeds_indexed(tmp_path_factory, new_database):
    """An index of the bundled reports only, for tests that must run without ../shared."""
    from assistant.config import Settings
    from assistant.ingest import Ingestor

    ingestor = Ingestor(Settings(index_dir=tmp_path_factory.mktemp("seeds_index"), database_url=new_database()))
    summary = ingestor.ingest([SAMPLES])
    yield ingestor, summary
    ingestor.close()
