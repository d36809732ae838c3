"""Section 三 printed twice, once for the body itself (本级) and once for the whole area (全区/全市/全县).

Government reports sometimes give both tables, each under a caption naming its scope. Both are read:
the table of the report's own scope supplies the standard `requests.*` keys, the other is kept under
`catalogue.ALT_SCOPE_PREFIX` with its scope named in every cell's note. The report's own scope is 本级 (what the
body itself handled) unless its title names the whole area ('全区政府信息公开工作年度报告').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from assistant.parse.normalize import compact

_SCOPE = re.compile(r"本级|本机关|全(?:区|市|县|省|镇|乡|旗|街道|系统)")
_CAPTION_MAX = 60


@dataclass(frozen=True)
class ScopePart:
    scope: Optional[str]
    span: tuple[int, int]


def scope_parts(text: str, span: tuple[int, int], first_row_label: str) -> list[ScopePart]:
    """The section split into one part per table when it holds two or more tables whose captions
    name a scope; otherwise the whole section as one part with no scope."""
    start, end = span
    squeezed, offsets = compact(text[start:end])
    tables = [start + offsets[m.start()] for m in re.finditer(first_row_label, squeezed)]
    if len(tables) < 2:
        return [ScopePart(None, span)]
    parts: list[ScopePart] = []
    previous = start
    for index, table in enumerate(tables):
        caption = _caption(text, previous, table)
        if caption is None:
            return [ScopePart(None, span)]
        part_start = start if index == 0 else caption[1]
        if parts:
            parts[-1] = ScopePart(parts[-1].scope, (parts[-1].span[0], part_start))
        parts.append(ScopePart(caption[0], (part_start, end)))
        previous = table
    return parts


def _caption(text: str, start: int, end: int) -> Optional[tuple[str, int]]:
    """The last short line between start and end naming a scope: (scope, offset of its line)."""
    found = None
    position = start
    for line in text[start:end].split("\n"):
        match = _SCOPE.search(line)
        if match and len(line.strip()) <= _CAPTION_MAX:
            found = (match.group(0), position)
        position += len(line) + 1
    return found


def own_part(parts: list[ScopePart], title: Optional[str]) -> int:
    """Index of the part in the report's own scope: the whole area if the title names it, else 本级."""
    whole_area = bool(title and re.search(r"全(?:区|市|县|省|镇|乡|旗)", title))
    for index, part in enumerate(parts):
        if part.scope and part.scope.startswith("全") == whole_area:
            return index
    return 0
