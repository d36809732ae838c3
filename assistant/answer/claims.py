"""Conclusions an answer draws about a report, checked against that report's findings in the store.

'本区无任何问题', '数据准确无误', '符合要求', '均已整改' say the report has no error or warning
finding; '存在错误', '数据有误', '不满足…' say it has one; '存在2处错误', '1项警告' say how many
findings of a severity it has. A conclusion is about the reports its sentence names (body and
year), or, naming none, the reports the question asked about, or else those the answer cites.
Quotations are the report's own words, not the answer's conclusions, and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional

from assistant.answer.lookup import name_of, reports_for
from assistant.answer.question import Entities, Question
from assistant.store import IndexDatabase, StoredReport

_CLEAN = re.compile(
    r"(?:无|没有|不存在|未发现|未见|并无|均无)(?:任何|明显|其他|什么)?(?:的)?(?:问题|错误|差错|错漏|瑕疵|不一致|异常)|"
    r"(?:完全|全部|均|都)(?:正确|准确)|(?:准确|正确)无误|(?<!不)符合(?:相关)?(?:要求|规定|规范)|"
    r"(?:均|全部|已全部)已?整改|已(?:经)?整改(?:到位|完毕|完成)?")
_FLAWED = re.compile(r"存在[^。；;，,]{0,8}(?:错误|差错|不一致)|(?:数据|表格|报告)[^。；;，,]{0,4}有误|不满足|不相符|不一致")
_COUNT = re.compile(r"(\d+|[零一两二三四五六七八九十])\s*(?:处|项|个|条)\s*(错误|警告|提示)")
_CN_NUMBERS = {c: n for n, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
_PART = re.compile(r"第[一二三四五六]部分|第[一二三四五六七八九十\d]+(?:项|行|栏)|表[一二三]|(?:该|此|这一?)(?:项|部分|栏|行|处)")
_SENTENCE = re.compile(r"[^。；;\n]+")
_SEVERITY = {"错误": "error", "警告": "warning", "提示": "info"}


@dataclass(frozen=True)
class Conclusion:
    words: str
    kind: Literal["clean", "flawed", "count"]
    sentence: str
    count: Optional[int] = None
    severity: Optional[str] = None


def conclusions(prose: str) -> list[Conclusion]:
    """The conclusions about reports that the prose draws. A 'no problem' that names a part
    (第三部分, 该项) is about that part only, and is not a conclusion about the report."""
    found = []
    for sentence in _SENTENCE.finditer(prose):
        words = sentence.group(0)
        clean = [m for m in _CLEAN.finditer(words)] if not _PART.search(words) else []
        taken = [m.span() for m in _CLEAN.finditer(words)]
        found += [Conclusion(m.group(0), "clean", words) for m in clean]
        found += [Conclusion(m.group(0), "flawed", words) for m in _FLAWED.finditer(words)
                  if not any(s < m.end() and m.start() < e for s, e in taken)]
        found += [Conclusion(m.group(0), "count", words, _count(m.group(1)), _SEVERITY[m.group(2)])
                  for m in _COUNT.finditer(words)]
    return found


def disagreement(conclusion: Conclusion, reports: list[StoredReport], db: IndexDatabase) -> Optional[str]:
    """Why the findings of `reports` contradict the conclusion (None when they agree)."""
    if not reports:
        return f"结论『{conclusion.words}』无法对应到索引中的报告"
    counts = {report.id: _counts(db, report) for report in reports}
    serious = {rid: c["error"] + c["warning"] for rid, c in counts.items()}
    if conclusion.kind == "clean":
        wrong = [r for r in reports if serious[r.id]]
        if not wrong:
            return None
        c = counts[wrong[0].id]
        return f"结论『{conclusion.words}』与{name_of(wrong[0])}的核对结果不符（{c['error']}项错误、{c['warning']}项警告）"
    if conclusion.kind == "flawed":
        if any(serious.values()):
            return None
        return f"结论『{conclusion.words}』与核对结果不符：{name_of(reports[0])}没有错误或警告"
    if any(c[conclusion.severity] == conclusion.count for c in counts.values()):
        return None
    c = counts[reports[0].id]
    return f"结论『{conclusion.words}』与核对结果不符：{name_of(reports[0])}有{c[conclusion.severity]}项{conclusion.words[-2:]}"


def reports_meant(conclusion: Conclusion, question: Question, cited: list[StoredReport], db: IndexDatabase,
                  entities: Entities) -> list[StoredReport]:
    """The reports a conclusion is about: those its sentence names, else those asked, else those cited."""
    named = list(dict.fromkeys(name for name, _ in entities.find(conclusion.sentence, entities.bodies)))
    years = sorted({int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", conclusion.sentence)}) or question.years
    bodies = named or question.bodies
    if bodies:
        return [report for body in bodies for report in reports_for(db, body, years)]
    return cited


def _count(written: str) -> int:
    return _CN_NUMBERS[written] if written in _CN_NUMBERS else int(written)


def _counts(db: IndexDatabase, report: StoredReport) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in db.findings(report.id):
        counts[finding.severity] += 1
    return counts
