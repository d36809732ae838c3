"""Split a report into the six sections of SPEC §1.

Headings are recognised by their title (aliases included) rather than by their number, because
real reports renumber (`3、`, an extra 二 or 五 section) and crawled pages flatten everything onto
one line, so a heading may stand in the middle of a line right after a table's last digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE_PATTERNS: dict[str, str] = {
    "一": r"(?:总体情况|概述|概况|基本情况|年度工作核心成效)",
    "二": r"主动公开政府信息(?:的)?情况",
    "三": r"收到和处理政府信息公开申请(?:的)?情况",
    "四": r"[^。\n\d]{0,20}?行政法?复议[^。\n\d]{0,12}?行政诉讼(?:的)?情况",
    "五": r"[^。\n\d]{0,14}?(?:存在的?(?:主要|突出)?问题(?:及|和|与)?(?:改进|整改|明年|下一步)?(?:工作)?"
          r"(?:情况|措施|计划|举措)?|改进(?:措施|情况))",
    "六": r"(?:其他需要报告的事项|需要说明的其他事项[^。\n\d]{0,6}|其他需说明(?:的)?事项)",
}
_CN_NUMBERS = "一二三四五六七八九十"
_BARE_NUMBER = rf"(?:[{_CN_NUMBERS}]|[1-9])\s*[、.,]\s*"
_PAREN_NUMBER = rf"\(\s*(?:[{_CN_NUMBERS}]|[1-9])\s*\)\s*"
SECTION_IDS = list(_TITLE_PATTERNS)


@dataclass(frozen=True)
class Heading:
    section_id: str
    start: int
    end: int
    title: str
    rank: int


def find_headings(text: str) -> list[Heading]:
    """The chosen heading of each section found, in document order."""
    candidates = {section_id: _candidates(text, section_id) for section_id in SECTION_IDS}
    chosen: list[Heading] = []
    floor = 0
    for section_id in SECTION_IDS:
        after = [h for h in candidates[section_id] if h.start >= floor]
        if not after:
            continue
        best_rank = min(h.rank for h in after)
        heading = min((h for h in after if h.rank == best_rank), key=lambda h: h.start)
        chosen.append(heading)
        floor = heading.end
    return chosen


def _candidates(text: str, section_id: str) -> list[Heading]:
    title = _TITLE_PATTERNS[section_id]
    found: list[Heading] = []
    for rank, prefix in enumerate((_BARE_NUMBER, _PAREN_NUMBER)):
        for match in re.finditer(rf"(?<![{_CN_NUMBERS}第]){prefix}(?:{title})", text):
            found.append(Heading(section_id, match.start(), match.end(), match.group(0).strip(), rank))
    for match in re.finditer(rf"(?m)^[ \t]*(?:{title})[ \t]*:?[ \t]*$", text):
        found.append(Heading(section_id, match.start(), match.end(), match.group(0).strip(), 2))
    return found


def heading_at_line_start(line: str) -> str | None:
    """The section a line opens with its numbered heading ('三、收到和处理…'), or a line that is only
    a heading title; a sentence that merely names the sections (a preface) opens none."""
    for section_id, title in _TITLE_PATTERNS.items():
        if re.match(rf"\s*(?:{_BARE_NUMBER}|{_PAREN_NUMBER})(?:{title})", line) or re.fullmatch(
                rf"\s*(?:{title})\s*:?\s*", line):
            return section_id
    return None
