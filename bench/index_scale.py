"""Index at scale: the corpus and seeds copied to N reports (`bench/copies.py`: one body per copy
and year, as in a province's batch), then `audit ingest` timed in a child process (wall and
CPU time: the machine is shared), search latency over the retrieval questions, index size on disk
and peak memory, and the first search of a new process (which loads the search indexes the ingest
left on disk; `assistant.retrieve.cache`) against its second. Copies repeat their originals'
sentences, whose vectors the index reuses, so the cost of embedding new text is printed on its own:
one pass of the embedding over the sentences of the originals' chunks.

Then the offline answer latency over the hand-checked and the reviewers' questions (`bench/qa.py`).

Usage: python bench/index_scale.py [--reports 1000] [--searches 300] [--kind all|text|pdf] [--ingest-only]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = [PROJECT / "examples" / "reports", PROJECT.parent / "shared" / "corpus" / "raw"]
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT / "bench"))

from copies import copies  # noqa: E402


KINDS = {"all": None, "text": {".txt"}, "pdf": {".pdf"}}


def corpus_copies(folder: Path, wanted: int, kind: str = "all") -> int:
    """Copies of the seeds and the corpus (of one kind of file: KINDS), `wanted` of them."""
    suffixes = KINDS[kind]
    originals = [p for source in SOURCES for p in sorted(source.iterdir())
                 if p.is_file() and (suffixes is None or p.suffix in suffixes)]
    return len(copies(folder, originals, wanted))


def ingest(paths: list[Path], index: Path) -> float:
    """Run `audit ingest` in a child process; seconds it took (the CPU time is printed)."""
    start, before = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "assistant", "ingest", *map(str, paths), "--index", str(index)], check=True)
    print(f"  (ingest child CPU time {_children_cpu() - before:.1f} s)")
    return time.perf_counter() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def embedding_cost(index: Path) -> None:
    """CPU time of the configured embedding per sentence and per chunk, on the originals' chunks."""
    from assistant.config import Settings
    from assistant.ingest import Ingestor
    from assistant.store.passages import sentences

    ingestor = Ingestor(Settings.from_env(index))
    chunks = ingestor.db.chunks(sorted(ingestor.db.chunk_ids()))
    originals = sorted({c.text for c in chunks.values()})[:300]
    pieces = [piece for text in originals for piece in sentences(text)]
    start = time.process_time()
    ingestor.vectors.embedding(pieces)
    cpu = time.process_time() - start
    print(f"embedding {ingestor.vectors.embedding.name()}: {len(pieces)} sentences of {len(originals)} chunks in "
          f"{cpu:.1f} s CPU = {1000 * cpu / len(pieces):.1f} ms per sentence, {1000 * cpu / len(originals):.0f} ms "
          f"per chunk ({len(chunks) / len(ingestor.db.reports()):.1f} chunks per report)")
    ingestor.close()


def copied_index(scratch: str, wanted: int, kind: str = "all") -> tuple[Path, Path, int, float]:
    """The corpus copied to ≥ wanted reports and ingested: (folder, index, count, ingest seconds)."""
    folder, index = Path(scratch) / "reports", Path(scratch) / "index"
    folder.mkdir()
    count = corpus_copies(folder, wanted, kind)
    return folder, index, count, ingest([folder], index)


def size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--kind", choices=sorted(KINDS), default="all", help="copy only the text reports or the PDFs")
    parser.add_argument("--ingest-only", action="store_true", help="stop after the ingest's numbers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        reports, index, count, elapsed = copied_index(scratch, args.reports, args.kind)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"ingest: {count} reports in {elapsed:.1f} s = {count / elapsed:.1f} reports/s, peak RSS {peak:.0f} MiB")
        sqlite = sum(p.stat().st_size for p in index.glob("figures.sqlite*")) / 2**20
        print(f"index on disk: {size_mib(index):.1f} MiB (SQLite {sqlite:.1f} MiB, Chroma {size_mib(index / 'chroma'):.1f} MiB)")
        if args.ingest_only:
            return 0
        print(f"re-ingest of unchanged files: {ingest([reports], index):.1f} s")
        embedding_cost(index)

        from retrieval_questions import QUESTIONS

        from assistant.config import Settings
        from assistant.ingest import Ingestor
        from assistant.retrieve import Retriever
        from assistant.retrieve.cache import CACHE_FOLDER

        print(f"search indexes on disk: {size_mib(index / CACHE_FOLDER):.1f} MiB")
        print(subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(index)], check=True, capture_output=True,
                             text=True, cwd=PROJECT).stdout.strip())
        ingestor = Ingestor(Settings(index_dir=index))
        retriever = Retriever(ingestor.db, ingestor.vectors)
        shutil.rmtree(index / CACHE_FOLDER)
        cpu, wall = time.process_time(), time.perf_counter()
        retriever.indexes()
        print(f"search indexes made from scratch (BM25 from stored tokens, every vector read from Chroma): "
              f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
        rng = random.Random(7)
        latencies, cpu_times = [], []
        for _ in range(args.searches):
            question, filters, _, _ = rng.choice(QUESTIONS)
            begin, begin_cpu = time.perf_counter(), time.process_time()
            retriever.search(question, top=5, **filters)
            latencies.append(1000 * (time.perf_counter() - begin))
            cpu_times.append(1000 * (time.process_time() - begin_cpu))
        print(f"search latency over {len(latencies)} queries (repeated queries reuse their vector): "
              + _percentiles(latencies) + "; CPU " + _percentiles(cpu_times))
        fresh = []
        for question, filters, _, _ in QUESTIONS:
            ingestor.vectors._embed_query.cache_clear()  # measure the embedding, not the cache
            begin = time.perf_counter()
            retriever.search(question, top=5, **filters)
            fresh.append(1000 * (time.perf_counter() - begin))
        print(f"search latency with the query embedded each time, {len(fresh)} queries: " + _percentiles(fresh))
        print(f"peak RSS of this process (searching): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        ingestor.close()

        from qa import QA, REVIEWER_QA, answer_latency

        print(answer_latency(index, [q for q, _, _ in QA] + [q for q, _, _, _ in REVIEWER_QA], rounds=1))
    return 0


FRESH_PROCESS = """
import sys, time
from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
ingestor = Ingestor(Settings(index_dir=sys.argv[1]))
retriever = Retriever(ingestor.db, ingestor.vectors)
times = []
for query in ("好差评主动评价率", "政务新媒体"):
    cpu, wall = time.process_time(), time.perf_counter()
    retriever.search(query)
    times.append(f"{1000 * (time.perf_counter() - wall):.0f} ms wall, {1000 * (time.process_time() - cpu):.0f} ms CPU")
print(f"new process: first search {times[0]} (search indexes and dictionary entries mapped from disk), second {times[1]}")
"""


def _percentiles(latencies: list[float]) -> str:
    latencies = sorted(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms"


if __name__ == "__main__":
    sys.exit(main())
