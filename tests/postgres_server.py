"""A throw-away PostgreSQL server from Debian's package, for the tests: a fresh cluster in a temporary
folder, listening on 127.0.0.1 at a free port, stopped and removed on exit. initdb refuses to run as
root, so as root the server runs as the `postgres` user the package creates.

Each index a test builds gets its own schema (`new_database`): a URL whose search_path names it, so
the store creates its tables there and tests never see each other's reports."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from sqlalchemy import Integer, create_engine, text
from sqlalchemy.engine import make_url

from conftest import free_port

CLUSTER_SETTINGS = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def server_binaries() -> Optional[Path]:
    """The folder of Debian's PostgreSQL programs (the newest installed version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self, durable: bool = False) -> None:
        """`durable`: keep PostgreSQL's default fsync settings (for benchmarks; tests need no durability)."""
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
        self.port = free_port()
        self.settings = "-c listen_addresses=127.0.0.1" if durable else CLUSTER_SETTINGS
        self._names = itertools.count(1)

    def __enter__(self) -> PostgresServer:
        self.folder = Path(tempfile.mkdtemp(prefix="audit-postgres-"))
        self._as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_server:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.folder} {self.settings}", "start")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._admin = create_engine(make_url(self.url).set(drivername="postgresql+psycopg"),
                                    isolation_level="AUTOCOMMIT")
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self) -> None:
        """Stop the server at once, as a crash or an administrator would (idempotent)."""
        self._admin.dispose()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self._as_server, str(self.bin / program), *args], check=True, capture_output=True,
                       cwd=self.folder, timeout=120)

    def new_database(self) -> str:
        """The URL of a new, empty schema of its own."""
        schema = f"index_{next(self._names)}"
        with self._admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        return f"{self.url}?options=-csearch_path%3D{schema}"

    def copy_database(self, source_url: str, target_url: str) -> None:
        """Copy every table of the store at source_url into the (new, empty) schema of target_url."""
        from assistant.config import Settings
        from assistant.store.database import IndexDatabase
        from assistant.store.tables import metadata

        IndexDatabase(Settings(database_url=target_url)).close()
        source, target = _schema(source_url), _schema(target_url)
        with self._admin.connect() as connection:
            connection.execute(text(f"DELETE FROM {target}.state"))
            for table in metadata.sorted_tables:
                connection.execute(text(f"INSERT INTO {target}.{table.name} SELECT * FROM {source}.{table.name}"))
                if "id" in table.c and isinstance(table.c.id.type, Integer):
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{target}.{table.name}', 'id'),"
                                            f" coalesce(max(id), 0) + 1, false) FROM {target}.{table.name}"))


def _schema(url: str) -> str:
    return make_url(url).query["options"].split("=", 1)[1]
