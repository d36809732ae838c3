"""The figures store on PostgreSQL vs SQLite at ≥ N reports (the corpus copied, see index_scale.py):
`audit ingest` wall time and CPU time (the command and its worker processes; the PostgreSQL server's
own CPU is not counted), then offline answer latency (wall, and CPU of this process) over the
hand-checked and reviewers' questions of bench/qa.py, on each backend. PostgreSQL is a server from
Debian's package with its default durability (fsync on), started for the run on 127.0.0.1.

Usage: python bench/store_backends.py [--reports 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT / "bench"))

from index_scale import corpus_copies  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402
from qa import ask_latency, percentiles  # noqa: E402
from qa_questions import QA  # noqa: E402
from qa_reviewers import REVIEWER_QA  # noqa: E402

from assistant.config import Settings  # noqa: E402


def timed_ingest(folder: Path, index: Path, database_url: Optional[str]) -> tuple[float, float]:
    """`audit ingest` of the folder in a child process: (wall seconds, CPU seconds of it and its workers)."""
    environment = {k: v for k, v in os.environ.items() if k != "AUDIT_DATABASE_URL"}
    if database_url:
        environment["AUDIT_DATABASE_URL"] = database_url
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "ingest", str(folder), "--index", str(index)], check=True,
                   env=environment, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    questions = [q for q, _, _ in QA] + [q for q, _, _, _ in REVIEWER_QA]
    with tempfile.TemporaryDirectory() as scratch, PostgresServer(durable=True) as server:
        folder = Path(scratch) / "reports"
        folder.mkdir()
        count = corpus_copies(folder, args.reports)
        for name, url in (("SQLite", None), ("PostgreSQL", server.new_database())):
            settings = Settings(index_dir=Path(scratch) / name, database_url=url)
            wall, cpu = timed_ingest(folder, settings.index_dir, url)
            print(f"{name}: ingest of {count} reports {wall:.1f} s wall ({count / wall:.1f} reports/s), {cpu:.1f} s CPU")
            wall_ms, cpu_ms = ask_latency(settings, questions, args.rounds)
            print(f"{name}: offline answer latency over {len(wall_ms)} questions: wall {percentiles(wall_ms)};"
                  f" CPU {percentiles(cpu_ms)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
