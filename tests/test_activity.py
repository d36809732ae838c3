"""Administrator operations on the index: deleting a report from both stores, re-indexing the Chroma
collection from the chunks table, and the activity log that records who did each, and when."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.store.database import Action
from conftest import SAMPLES, corpus_file


def test_ingest_delete_and_reindex_are_logged_with_who_and_when(tmp_path):
    started = datetime.now(timezone.utc).replace(microsecond=0)
    ingestor = Ingestor(Settings(index_dir=tmp_path / "index"))
    try:
        summary = ingestor.ingest([SAMPLES], actor="张审核")
        ingested = ingestor.db.activity()
        assert [(a.action, a.actor, a.detail) for a in ingested] == [(Action.INGEST, "张审核", "新增")] * 5
        assert sorted(a.source for a in ingested) == sorted(summary.new)
        assert {a.report_id for a in ingested} == {r.id for r in ingestor.db.reports()}
        assert all(started <= a.at <= datetime.now(timezone.utc) + timedelta(seconds=1) for a in ingested)

        assert ingestor.ingest([SAMPLES], actor="李四").unchanged and len(ingestor.db.activity()) == 5

        victim = ingestor.db.report_by_source(summary.new[0])
        chunks = set(ingestor.db.chunk_ids(victim.id))
        generation, figures = ingestor.db.generation, ingestor.db.counts()["figures"]
        victim_figures = len(ingestor.db.load_report(victim.id).cells)
        deleted = ingestor.delete(victim.id, actor="王管理")
        assert deleted.source == victim.source and set(deleted.removed_chunks) == chunks and chunks
        assert ingestor.db.report(victim.id) is None and ingestor.db.findings(victim.id) == []
        assert not chunks & set(ingestor.db.chunk_ids()) and ingestor.vectors.ids() == set(ingestor.db.chunk_ids())
        assert ingestor.db.counts()["figures"] == figures - victim_figures and ingestor.db.generation == generation + 1
        latest = ingestor.db.activity(limit=1)[0]
        assert (latest.action, latest.actor, latest.source, latest.report_id) == (Action.DELETE, "王管理", victim.source,
                                                                                   victim.id)
        assert ingestor.delete(victim.id, actor="王管理") is None and len(ingestor.db.activity()) == 6

        ingestor.vectors.recreate()
        assert ingestor.vectors.ids() == set()
        assert ingestor.reindex(actor="王管理") == len(ingestor.db.chunk_ids())
        assert ingestor.vectors.ids() == set(ingestor.db.chunk_ids())
        reindexed = ingestor.db.activity(limit=1)[0]
        assert (reindexed.action, reindexed.actor, reindexed.report_id) == (Action.REINDEX, "王管理", None)
    finally:
        ingestor.close()


def test_deleting_last_years_report_withdraws_the_copied_problems_finding(tmp_path):
    earlier, later = corpus_file("pingtan_caizhengjinrongju_2023.txt"), corpus_file("pingtan_caizhengjinrongju_2025.txt")
    ingestor = Ingestor(Settings(index_dir=tmp_path / "index"))
    try:
        ingestor.ingest([earlier, later])
        stored_later = ingestor.db.report_by_source(str(later.resolve()))
        assert "PROBLEMS_COPIED" in {f.rule for f in ingestor.db.findings(stored_later.id)}
        ingestor.delete(ingestor.db.report_by_source(str(earlier.resolve())).id)
        assert "PROBLEMS_COPIED" not in {f.rule for f in ingestor.db.findings(stored_later.id)}
        assert [r.id for r in ingestor.db.reports()] == [stored_later.id]
    finally:
        ingestor.close()
