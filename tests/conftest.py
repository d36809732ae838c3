"""Shared test fixtures: the bundled sample reports and the read-only corpus beside the project."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from assistant.load import load_file
from assistant.models import Report
from assistant.parse import extract

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT / "examples" / "reports"
CORPUS = Path(os.environ.get("AUDIT_CORPUS", PROJECT.parent / "shared" / "corpus"))


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


def read(path: Path) -> Report:
    return extract(load_file(path))


@pytest.fixture(scope="session")
def corpus_reports() -> dict[str, Report]:
    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    return {path.name: read(path) for path in sorted(raw.glob("*.txt"))}


@pytest.fixture(scope="session")
def indexed(tmp_path_factory):
    """One index of the seeds and the corpus, shared by the index and question-answering tests."""
    from assistant.config import Settings
    from assistant.ingest import Ingestor

    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    ingestor = Ingestor(Settings(index_dir=tmp_path_factory.mktemp("index")))
    summary = ingestor.ingest([SAMPLES, raw])
    yield ingestor, summary
    ingestor.close()


@pytest.fixture(scope="session")
def seeds_indexed(tmp_path_factory):
    """An index of the bundled reports only, for tests that must run without ../shared."""
    from assistant.config import Settings
    from assistant.ingest import Ingestor

    ingestor = Ingestor(Settings(index_dir=tmp_path_factory.mktemp("seeds_index")))
    summary = ingestor.ingest([SAMPLES])
    yield ingestor, summary
    ingestor.close()
