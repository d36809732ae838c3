"""Section 五 as two lists, problems and improvement measures, split from its own structure.

Reports separate the two with a heading ('（二）改进措施'), a turn of phrase ('下一步，我局将…',
'针对存在的问题…') or nothing at all; items are enumerated as 一是/二是, （一）, 1./1、, 首先/其次,
or listed with semicolons after '主要表现在：'. Items are verbatim substrings of the section.
Passages that read as instructions to an assistant (see assistant.parse.instructions) are cut out
of the items: they are text planted in the report, not the body's problems or measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from assistant.parse.instructions import instruction_spans

_MEASURES_START = re.compile(
    r"[（(]\s*[二三]\s*[)）]\s*(?:改进|整改|下一步|工作计划|措施|计划|改进措施|改进情况)|"
    r"(?:^|[。；;\n])\s*(?:二、|2[.、])?\s*(?:改进措施|改进情况|整改措施|下一步工作|下一步|下步改进|下步|今后|针对(?:上述|存在的?|以上)|"
    r"为此|20\d\d年\s*[，,]?\s*(?:我|本)[^。；;]{0,12}将|我[区局市县办委街镇]将|将从以下|将采取以下|主要在以下)|"
    r"20\d\d年[^。；;]{0,20}(?:主要)?在以下几?个?方面")
_ENUMERATOR = re.compile(
    r"(?:(?<=^)|(?<=[。；;：:\n\s]))\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|"
    r"\d{1,2}\s*[.、．](?!\d)|首先|其次|再次|最后|此外|另外)")
_LEAD_IN = re.compile(r"(?:主要表现在|主要表现为|主要是|具体表现为|主要有|如)[：:]")
_PROBLEM_WORDS = re.compile(r"不足|有待|不够|欠缺|薄弱|不高|不强|滞后|不到位|不完善|不规范|不及时|单一|参差不齐|差距|仍需|需进一步|"
                            r"缺乏|难以|问题|较少|偏少|不充分|不明显|不均衡|不平衡|不精确|不准确")
_MIN_ITEM = 6
_HEADING = re.compile(r"[（(]?[一二三四五六七八九十\d]*[)）]?\s*\S{0,8}(?:问题|措施|情况|计划|改进|不足)\S{0,4}[:：]?")


@dataclass(frozen=True)
class Item:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ProblemLists:
    problems: list[Item]
    measures: list[Item]


def split_section(text: str) -> ProblemLists:
    boundary = _MEASURES_START.search(text)
    planted = instruction_spans(text)
    if boundary:
        head, tail = text[: boundary.start()], boundary.start()
        problems = _without(_items(text, 0, len(head)), planted, text)
        measures = _without(_items(text, tail, len(text)), planted, text)
        return ProblemLists([p for p in problems if _PROBLEM_WORDS.search(p.text)] or problems, measures)
    items = _without(_items(text, 0, len(text)), planted, text)
    return ProblemLists([i for i in items if _PROBLEM_WORDS.search(i.text)],
                        [i for i in items if not _PROBLEM_WORDS.search(i.text)])


def _items(text: str, start: int, end: int) -> list[Item]:
    """Enumerated items of text[start:end]; without enumerators, the semicolon list after a lead-in,
    else the sentences."""
    cuts = [m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in _ENUMERATOR.finditer(text, start, end)]
    if len(cuts) >= 2:
        bounds = [start] + cuts + [end]
    elif lead := _LEAD_IN.search(text, start, end):
        body_start = lead.end()
        bounds = [start, body_start] + [body_start + m.end() for m in re.finditer(r"[；;]", text[body_start:end])] + [end]
    else:
        bounds = [start] + [start + m.end() for m in re.finditer(r"[。；;]", text[start:end])] + [end]
    return [item for left, right in zip(bounds, bounds[1:]) if (item := _item(text, left, right))]


def _item(text: str, left: int, right: int) -> Optional[Item]:
    """text[left:right] as an item, trimmed of spaces and separators; None when too short or a heading."""
    piece = text[left:right]
    stripped = piece.strip().strip("，,;；。:：").strip()
    if len(stripped) < _MIN_ITEM or _HEADING.fullmatch(stripped):
        return None
    offset = left + piece.find(stripped)
    return Item(stripped, offset, offset + len(stripped))


def _without(items: list[Item], spans: list[tuple[int, int]], text: str) -> list[Item]:
    """The items with the given spans cut out (what remains of an item on either side stays an item)."""
    kept = []
    for item in items:
        pieces = [(item.start, item.end)]
        for start, end in spans:
            pieces = [p for a, b in pieces for p in ((a, min(b, start)), (max(a, end), b)) if p[0] < p[1]]
        kept += [cut for a, b in pieces if (cut := _item(text, a, b))]
    return kept
