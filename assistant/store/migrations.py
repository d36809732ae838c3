"""Schema versions of the figures store, recorded in the database (`state.schema_version`).

An empty database gets the current schema; an older one is upgraded in place, step by step, its data
kept (an index written before versions were recorded is version 1); a database written by a newer
version of the program is refused with a one-line error rather than misread. The caller holds the
store's write lock, so two processes opening a new database create it once."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import Connection, inspect, insert, select, update

from assistant.errors import StoreError
from assistant.store import tables

SCHEMA_VERSION = 5
VERSION_ROW = "schema_version"
STORE_ID_ROW = "store_id"


def _store_id_row() -> dict:
    """A random identity for the database, so that what is derived from one store (the search caches,
    named by it and the generation) is never taken for another's: a store re-created in the same
    index folder, or another database given to it, counts its generations from 0 again."""
    return {"name": STORE_ID_ROW, "value": secrets.randbelow(2**31 - 1) + 1}

# UPGRADES[n] turns a version-n database into version n + 1.
UPGRADES: dict[int, Callable[[Connection], None]] = {
    1: lambda connection: tables.activity.create(connection),
    2: lambda connection: tables.ocr_positions.create(connection),
    3: lambda connection: connection.execute(insert(tables.state).values(**_store_id_row())),
    4: lambda connection: tables.stale_reports.create(connection),
}


class SchemaTooNew(StoreError):
    def __init__(self, found: int) -> None:
        super().__init__(f"索引数据库的结构版本为 {found}，本程序只支持到 {SCHEMA_VERSION}：请升级本程序后再使用这个索引")


def recorded_version(connection: Connection) -> int | None:
    """The schema version of the database; None when it is empty (1 when it predates versions)."""
    if not inspect(connection).has_table(tables.reports.name):
        return None
    found = connection.execute(select(tables.state.c.value).where(tables.state.c.name == VERSION_ROW)).scalar()
    return 1 if found is None else found


def prepare(connection: Connection) -> None:
    """Create or upgrade the schema to SCHEMA_VERSION (see the module docstring)."""
    version = recorded_version(connection)
    if version is None:
        tables.metadata.create_all(connection)
        connection.execute(insert(tables.state), [{"name": "generation", "value": 0},
                                                  {"name": VERSION_ROW, "value": SCHEMA_VERSION}, _store_id_row()])
        return
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(version)
    if version == SCHEMA_VERSION:
        return
    for step in range(version, SCHEMA_VERSION):
        UPGRADES[step](connection)
    if version == 1:
        connection.execute(insert(tables.state).values(name=VERSION_ROW, value=SCHEMA_VERSION))
    else:
        connection.execute(update(tables.state).where(tables.state.c.name == VERSION_ROW).values(value=SCHEMA_VERSION))
