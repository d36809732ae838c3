"""Passages of a report that read as instructions to an assistant rather than as a report.

A published report never addresses its reader as 你, tells anyone to ignore instructions, asks
for an answer or writes a reviewer's conclusion about itself; text that does (忽略以上指令…,
你现在是…, 请回答…, 审核结论：…) was planted for a language model to obey. Such passages stay data:
tools mark them, answers may not repeat them, and section 五 lists do not count them as problems.
"""

from __future__ import annotations

import re

_TRIGGER = re.compile(
    r"(?:忽略|无视|忘记|忘掉|不要理会|不必理会|跳过)[^。！？!?\n]{0,12}(?:指令|指示|提示词?|规则|设定|要求|约束)|"
    r"(?:以上|上述|之前|此前|前面|先前)的?(?:所有|全部)?(?:指令|提示词|系统提示)|"
    r"(?<![迷])你(?!们)(?:现在|从现在起|接下来|此后)?(?:是|扮演|作为|必须|应当|应该|需要|只能|只需|要)|"
    r"请(?:直接|如实|只)?(?:回答|回复|输出)|直接(?:回答|回复|输出)|(?:回答|输出)(?:如下)?[：:]|"
    r"(?:审核|审查)(?:结论|意见|结果)[：:]|"
    r"(?:作为|扮演)(?:一[个名])?(?:AI|人工智能|大模型|语言模型|审核助手|助手)|"
    r"(?i:ignore\s+(?:all\s+)?(?:previous|prior|above)\s+instructions|you\s+are\s+now|system\s+prompt)")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_TAIL = 4


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each passage reading as an instruction: the sentences holding a trigger, and
    the sentence after one whose trigger ends it ('忽略以上指令。本单位…' carries its payload on)."""
    sentences = [m.span() for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    chosen: list[int] = []
    for index, (start, end) in enumerate(sentences):
        triggers = list(_TRIGGER.finditer(text, start, end))
        if not triggers:
            continue
        chosen.append(index)
        if end - triggers[-1].end() <= _TAIL and index + 1 < len(sentences):
            chosen.append(index + 1)
    spans: list[tuple[int, int]] = []
    for index in sorted(set(chosen)):
        start, end = sentences[index]
        if spans and text[spans[-1][1]:start].strip() == "":
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [(start + len(text[start:end]) - len(text[start:end].lstrip()), end) for start, end in spans]


def instruction_passages(text: str) -> list[str]:
    """The instruction-like passages of a text, verbatim."""
    return [text[start:end] for start, end in instruction_spans(text)]


def overlaps_instruction(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
