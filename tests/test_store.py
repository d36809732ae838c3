"""The figures store's schema versions and backends: an index written before versions were recorded is
upgraded in place with its data, a newer one is refused in one line, an unreachable PostgreSQL server
is said in one line; and the team pairing (PostgreSQL + a Chroma server) shared by two machines,
reconciled from either."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from assistant.store.database import DATABASE_NAME, IndexDatabase, database_url
from assistant.store.migrations import SCHEMA_VERSION
from conftest import PROJECT, SAMPLES, free_port, store_rows

VERSION_1_SCHEMA = Path(__file__).parent / "fixtures" / "schema_v1.sql"
VERSION_1_TABLES = ("reports", "figures", "findings", "sections", "chunks", "problem_sentences", "state")


def _audit(*args: str, environment: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env={**os.environ, **(environment or {})})


def _version_1_index(seeds_index: Path, target: Path) -> None:
    """An index as the program wrote it before schema versions (the schema file it shipped), holding the
    rows of the seeds' index."""
    target.mkdir()
    with sqlite3.connect(target / DATABASE_NAME) as old:
        old.executescript(VERSION_1_SCHEMA.read_text(encoding="utf-8"))
        old.execute("ATTACH DATABASE ? AS seeds", (str(seeds_index / DATABASE_NAME),))
        for table in VERSION_1_TABLES:
            old.execute(f"DELETE FROM {table}")
            only_generation = " WHERE name = 'generation'" if table == "state" else ""
            old.execute(f"INSERT INTO {table} SELECT * FROM seeds.{table}{only_generation}")
    shutil.copytree(seeds_index / "chroma", target / "chroma")


def _shape(settings: Settings) -> dict[str, tuple]:
    """Tables with their columns (name, type, nullable: of key columns not compared, as the first SQLite
    schema left TEXT keys nullable), keys, foreign keys (their ON DELETE is not parsed from the first
    schema's inline form: the upgrade test deletes a report instead) and indexes."""
    engine = create_engine(database_url(settings))
    try:
        inspector = inspect(engine)
        shape = {}
        for table in inspector.get_table_names():
            key = inspector.get_pk_constraint(table)["constrained_columns"]
            columns = sorted((c["name"], str(c["type"]), c["nullable"] or c["name"] in key)
                             for c in inspector.get_columns(table))
            foreign = sorted((tuple(f["constrained_columns"]), f["referred_table"])
                             for f in inspector.get_foreign_keys(table))
            indexes = sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table))
            shape[table] = (columns, sorted(key), foreign, indexes)
        return shape
    finally:
        engine.dispose()


def test_an_index_from_before_schema_versions_is_upgraded_in_place(tmp_path):
    """Indexes before schema versions were SQLite files, whichever backend the suite runs on."""
    seeds = Settings(index_dir=tmp_path / "seeds", database_url=None)
    ingestor = Ingestor(seeds)
    ingestor.ingest([SAMPLES])
    ingestor.close()
    old = Settings(index_dir=tmp_path / "old", database_url=None)
    _version_1_index(seeds.index_dir, old.index_dir)
    before = {table: sorted(store_rows(old, f"SELECT * FROM {table}"), key=repr) for table in VERSION_1_TABLES}
    assert before["reports"] and before["figures"] and "activity" not in _shape(old)

    upgraded = Ingestor(old)
    try:
        assert store_rows(old, "SELECT value FROM state WHERE name = 'schema_version'") == [(SCHEMA_VERSION,)]
        after = {table: sorted(store_rows(old, f"SELECT * FROM {table}"), key=repr) for table in VERSION_1_TABLES}
        assert {t: rows for t, rows in after.items() if t != "state"} == {t: rows for t, rows in before.items()
                                                                          if t != "state"}
        again = upgraded.ingest([SAMPLES], actor="升级后")
        assert (again.new, len(again.unchanged)) == ([], 5)
        hits = Retriever(upgraded.db, upgraded.vectors).search("政务新媒体规范化管理", section="五")
        assert Path(hits[0].report).name.startswith("000")
        deleted = upgraded.db.reports()[0].id
        upgraded.delete(deleted, actor="升级后")
        assert [(a.action.value, a.actor) for a in upgraded.db.activity()] == [("delete", "升级后")]
        assert all(store_rows(old, f"SELECT COUNT(*) FROM {table} WHERE report_id = {deleted}") == [(0,)]
                   for table in ("figures", "findings", "sections", "chunks", "problem_sentences"))
    finally:
        upgraded.close()
    fresh = Settings(index_dir=tmp_path / "fresh", database_url=None)
    IndexDatabase(fresh).close()
    assert _shape(old) == _shape(fresh)


def test_an_index_written_by_a_newer_program_is_refused_in_one_line(tmp_path, new_database):
    settings = Settings(index_dir=tmp_path / "index", database_url=new_database())
    Ingestor(settings).ingest([next(SAMPLES.glob("004*.txt"))])
    engine = create_engine(database_url(settings))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE state SET value = {SCHEMA_VERSION + 1} WHERE name = 'schema_version'")
    engine.dispose()
    with pytest.raises(StoreError, match=f"结构版本为 {SCHEMA_VERSION + 1}"):
        IndexDatabase(settings)
    database = {"AUDIT_DATABASE_URL": settings.database_url} if settings.database_url else {}
    result = _audit("search", "政务公开", "--index", str(settings.index_dir), environment=database)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"audit: 索引数据库的结构版本为 {SCHEMA_VERSION + 1}，本程序只支持到 {SCHEMA_VERSION}：请升级本程序后再使用这个索引"]
    assert store_rows(settings, "SELECT COUNT(*) FROM reports") == [(1,)]


def test_an_unreachable_or_unsupported_database_is_said_in_one_line(tmp_path):
    url = f"postgresql://audit:secret@127.0.0.1:{free_port()}/audit"
    result = _audit("search", "政务公开", "--index", str(tmp_path / "index"), environment={"AUDIT_DATABASE_URL": url})
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"audit: 无法打开索引数据库 postgresql://audit:***@127.0.0.1:{url.split(':')[3]}：")
    assert "secret" not in result.stderr
    result = _audit("search", "政务公开", "--index", str(tmp_path / "index"),
                    environment={"AUDIT_DATABASE_URL": "mysql://audit@127.0.0.1/audit"})
    assert result.returncode == 2
    assert result.stderr.strip() == "audit: AUDIT_DATABASE_URL 只支持 PostgreSQL（postgresql://…），不支持 mysql"


def test_a_postgresql_server_that_goes_away_mid_run_is_said_in_one_line(tmp_path):
    from postgres_server import PostgresServer

    with PostgresServer() as server:
        settings = Settings(index_dir=tmp_path / "index", database_url=server.new_database())
        ingestor = Ingestor(settings, jobs=1)
        assert len(ingestor.ingest([next(SAMPLES.glob("000*.txt"))]).new) == 1
        server.stop()
        try:
            for work in (ingestor.db.reports, lambda: ingestor.ingest([next(SAMPLES.glob("001*.txt"))])):
                with pytest.raises(StoreError) as raised:
                    work()
                message = str(raised.value)
                assert message.startswith(f"索引数据库 postgresql://postgres@127.0.0.1:{server.port}/postgres") and "出错：" in message
                assert "\n" not in message
        finally:
            ingestor.close()


def test_two_machines_share_postgresql_and_a_chroma_server(tmp_path, postgres_server, chroma_server):
    """Office machines A and B (their own index folders) on one PostgreSQL database and one Chroma server:
    what A ingests B finds, what B deletes is gone for A, and chunks A committed but never sent to Chroma
    (a killed ingest) are added by B's reconciliation."""
    url = postgres_server.new_database()
    machine_a = Ingestor(Settings(index_dir=tmp_path / "a", database_url=url, chroma_url=chroma_server))
    machine_b = Ingestor(Settings(index_dir=tmp_path / "b", database_url=url, chroma_url=chroma_server))
    try:
        assert len(machine_a.ingest([SAMPLES], actor="甲").new) == 5
        assert not (tmp_path / "a" / DATABASE_NAME).exists() and not (tmp_path / "a" / "chroma").exists()
        dinghai = next(r for r in machine_b.db.reports() if Path(r.source).name.startswith("000"))
        hits = Retriever(machine_b.db, machine_b.vectors).search("政务新媒体规范化管理", section="五")
        assert hits[0].report == dinghai.source and hits[0].vector_rank is not None

        machine_b.delete(dinghai.id, actor="乙")
        assert machine_a.db.report(dinghai.id) is None
        assert machine_a.vectors.ids() == set(machine_a.db.chunk_ids())
        assert all(h.report != dinghai.source for h in Retriever(machine_a.db, machine_a.vectors).search("政务新媒体"))

        lost = sorted(machine_a.db.chunk_ids(machine_a.db.reports()[0].id))
        machine_a.vectors.delete(lost)
        assert machine_b.reconcile() == (0, len(lost))
        assert machine_a.vectors.ids() == set(machine_a.db.chunk_ids())
        assert [(a.action.value, a.actor) for a in machine_a.db.activity(limit=2)] == [("delete", "乙"), ("ingest", "甲")]
    finally:
        machine_a.close()
        machine_b.close()
