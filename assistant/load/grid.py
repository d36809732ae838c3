"""Tables from HTML, DOCX and PDF written as pipe rows, the layout the parser reads.

Each source cell is written once, where it starts: a cell spanning several columns is one token
and a cell spanning several rows belongs to its first row. Row labels are matched by their text,
so what the parser needs is every label followed by its own values, not a rectangular grid.
"""

from __future__ import annotations

import re
from typing import Optional
from collections.abc import Iterable

_INNER_BREAKS = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_DECREASE = re.compile(r"^减\s*(?=\d)")


def cell_text(text: Optional[str]) -> str:
    """One line per cell: wrapped words rejoined ('商业\\n企业' → '商业企业'), pipes escaped away.
    A decrease written '减12' in a 本年增/减 cell is '-12', as the text reader reads it (segment.chunks_of)."""
    if not text:
        return ""
    joined = _INNER_BREAKS.sub("", text.strip())
    return _DECREASE.sub("-", _SPACES.sub(" ", joined)).replace("|", "¦")


def pipe_rows(rows: Iterable[list[str]]) -> list[str]:
    return ["| " + " | ".join(row) + " |" for row in rows if row]
