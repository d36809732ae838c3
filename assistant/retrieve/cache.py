"""Search indexes derived from the store, kept on disk per index generation, so that a new process
(`audit search`, `audit ask`) starts searching in milliseconds instead of rebuilding them.

Each derived index is a folder named after what it was made from (its kind, e.g. the embedding, and
the store's generation). It is written under a temporary name and renamed into place: a reader sees
a whole folder or none. Two processes that build the same folder at once build the same contents
(both read the same generation of the store), so they need no lock: the first rename wins and the
other is dropped. Folders of older generations are removed once a newer one is in place; a process
that still reads one keeps its open files (POSIX), and one that has not opened it yet rebuilds.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Optional, TypeVar

Index = TypeVar("Index")

CACHE_FOLDER = "search-cache"


class GenerationCache:
    def __init__(self, index_dir: Path, kind: str) -> None:
        self.root = index_dir / CACHE_FOLDER
        self.kind = kind
        self._name = re.compile(rf"{re.escape(kind)}-g(\d+)")
        self._leftover = re.compile(rf"\.?{re.escape(kind)}-g(\d+)(-.*)?")

    def folder(self, generation: int) -> Optional[Path]:
        """The folder holding this generation's index, if one was written."""
        path = self.root / f"{self.kind}-g{generation}"
        return path if path.is_dir() else None

    def newest(self, load: Callable[[Path], Index]) -> Optional[Index]:
        """The index of the newest generation written (what an update can start from), if any."""
        found = self._generations()
        return self._load(max(found)[0], load) if found else None

    def index(self, generation: int, load: Callable[[Path], Index], make: Callable[[], Index],
              storable: Callable[[Index], bool], save: Callable[[Index, Path], None]) -> Index:
        """This generation's index: loaded if stored; else made, and stored if `storable` says it may
        be (then loaded back, so that every process uses the same bytes, whoever stored them)."""
        stored = self._load(generation, load)
        if stored is not None:
            return stored
        made = make()
        if not storable(made):
            return made
        self.write(generation, lambda scratch: save(made, scratch))
        stored = self._load(generation, load)
        return made if stored is None else stored

    def _load(self, generation: int, load: Callable[[Path], Index]) -> Optional[Index]:
        folder = self.folder(generation)
        if folder is None:
            return None
        try:
            return load(folder)
        except (FileNotFoundError, ValueError):  # removed meanwhile by a newer generation's writer
            return None

    def write(self, generation: int, fill: Callable[[Path], None]) -> None:
        """Let `fill` write the index into an empty folder, then put it in place atomically. Best
        effort: where the folder cannot be written (a read-only index), searches make their indexes
        in memory as before."""
        scratch: Optional[Path] = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{self.kind}-g{generation}-"))
            scratch.chmod(0o755)  # mkdtemp makes it private; the index folder is shared
            fill(scratch)
            os.rename(scratch, self.root / f"{self.kind}-g{generation}")
        except OSError:  # also when another writer put the same folder in place first
            return
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        for older, path in self._generations(leftovers=True):
            if older < generation:
                shutil.rmtree(path, ignore_errors=True)

    def _generations(self, leftovers: bool = False) -> list[tuple[int, Path]]:
        """(generation, folder) of the folders in place, and with `leftovers` also of the scratch
        folders of writers that were killed."""
        if not self.root.is_dir():
            return []
        pattern = self._leftover if leftovers else self._name
        return [(int(match.group(1)), path) for path in self.root.iterdir() if (match := pattern.fullmatch(path.name))]
