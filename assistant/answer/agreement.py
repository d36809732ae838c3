"""Answer-question agreement: an answer is verified only if it is about what was asked.

Verification proves that each number exists in the store; this check proves that the figures an
answer rests on (cited, or summed into a cited computation) are of the metric, bodies and years
the question asked for, that every body and year asked is either answered or said to be missing,
and that the prose attributes each cited figure to its own body, year and metric (a model may
phrase, never re-attribute). It applies to offline and LLM answers alike; when it fails, the
answer is replaced by an explicit 无法回答 that says what was found nearby.
"""

from __future__ import annotations

import re
from typing import Optional

from assistant.answer.evidence import Evidence, Finalized, finalize
from assistant.answer.lookup import fmt, name_of, year_text
from assistant.answer.metrics import BY_ID, find_metrics, spoken_label
from assistant.answer.question import Entities, Question, entities_of
from assistant.store import IndexDatabase, StoredReport

_SAYS_MISSING = re.compile(r"未找到|无法回答|无法给出|没有这一栏|索引中没有|请说明|均为零或未填报")
_HONEST = re.compile(r"^(?:未找到|无法回答)")
_CITATION = re.compile(r"\[(\d+)\]")
_CLAUSE_END = "。；;\n：:"
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
MAX_NEARBY = 5


def disagreements(question: Question, final: Finalized, db: IndexDatabase) -> list[str]:
    """Why the answer does not answer the question (empty when it does)."""
    if not question.asks_figures:
        return []
    entities = entities_of(db)

    def report_of(source: str) -> Optional[StoredReport]:
        return entities.by_source.get(source)

    figures = [c for c in final.citations if c["kind"] == "figure"] + final.support
    honest = bool(_HONEST.match(final.answer))
    problems, labelled = _prose_problems(final, report_of, entities, must_name=honest)
    if honest:
        return problems
    for figure in figures:
        report = report_of(figure["report"])
        if report is not None:
            problems += _figure_problems(question, figure["key"], report, labelled)
    problems += _coverage_problems(question, final.answer, [report_of(f["report"]) for f in figures])
    problems += [f"答案没有给出问题所问的『{BY_ID[m].label}』数据，也没有说明找不到" for m in question.metrics
                 if not any(f["key"] in BY_ID[m].keys for f in figures) and not _SAYS_MISSING.search(final.answer)]
    return list(dict.fromkeys(problems))


def _asked_metrics(question: Question) -> str:
    return "、".join(BY_ID[m].label for m in question.metrics)


def _allowed_years(question: Question) -> Optional[set[int]]:
    """Years an answer may draw on: those asked, and for 较上年 of one body any earlier year."""
    if not question.years:
        return None
    if question.intent == "compare" and len(question.bodies) <= 1 and len(question.years) == 1:
        return {y for y in range(1990, question.years[0] + 1)}
    return set(question.years)


def _figure_problems(question: Question, key: str, report: StoredReport, labelled: set[str]) -> list[str]:
    """A figure of a metric not asked is allowed only where the prose names that metric at the
    figure (行政复议351件，其中被纠正64件); its body and year must be those asked."""
    problems = []
    allowed_keys = {k for m in question.metrics for k in BY_ID[m].keys}
    if key not in allowed_keys and key not in labelled:
        problems.append(f"答案引用的是『{spoken_label(key)}』，问题问的是『{_asked_metrics(question)}』")
    if question.bodies and report.body_key not in question.bodies:
        problems.append(f"答案引用的是{name_of(report)}，问题问的是{'、'.join(question.bodies)}")
    elif not question.bodies and question.regions and not any(r in (report.region or "") for r in question.regions):
        problems.append(f"答案引用的是{name_of(report)}，不在问题所问的{'、'.join(question.regions)}")
    years = _allowed_years(question)
    if years is not None and report.year not in years:
        problems.append(f"答案引用的是{name_of(report)}，问题问的是{year_text(question.years)}")
    return problems


def _coverage_problems(question: Question, answer: str, reports: list[Optional[StoredReport]]) -> list[str]:
    """Each body (and, for named bodies, each year) asked is answered or said to be missing."""
    lines = answer.splitlines()

    def said_missing(name: str, year: Optional[int] = None) -> bool:
        return any(name in line and _SAYS_MISSING.search(line) and (year is None or str(year) in line) for line in lines)

    problems = [f"问题问到的{name}在答案中既没有数据也没有说明找不到" for name in question.missing
                if not said_missing(name)]
    if question.intent not in ("rank", "aggregate"):
        problems += [f"问题问到的{region}在答案中既没有数据也没有说明找不到" for region in question.regions
                     if not any(r is not None and region in (r.region or "") for r in reports) and not said_missing(region)]
    for body in question.bodies:
        answered = [r for r in reports if r is not None and r.body_key == body]
        if not answered and not said_missing(body):
            problems.append(f"问题问到的{body}在答案中既没有数据也没有说明找不到")
            continue
        if question.intent != "compare" or len(question.bodies) == 1:
            for year in question.years if question.intent != "compare" or len(question.years) >= 2 else []:
                if not any(r.year == year for r in answered) and not said_missing(body, year):
                    problems.append(f"问题问到的{body}{year}年度在答案中既没有数据也没有说明找不到")
    return problems


def _prose_problems(final: Finalized, report_of, entities: Entities, must_name: bool) -> tuple[list[str], set[str]]:
    """The body, year and metric the prose names right before each cited figure are the figure's own;
    in a 未找到/无法回答 answer every figure shown must name its report (what was found nearby).
    Also returns the keys of the figures whose metric the prose names correctly."""
    problems = []
    labelled: set[str] = set()
    previous_end = 0
    for match in _CITATION.finditer(final.answer):
        index = int(match.group(1)) - 1
        clause = final.answer[previous_end:match.start()]
        previous_end = match.end()
        clause = clause[max((clause.rfind(c) for c in _CLAUSE_END), default=-1) + 1:]
        citation = final.citations[index] if index < len(final.citations) else None
        if citation is None or citation["kind"] != "figure":
            continue
        report = report_of(citation["report"])
        if report is None:
            continue
        hits = entities.find(clause, entities.bodies)
        named_bodies = {name for name, _ in hits}
        if must_name and not named_bodies:
            problems.append(f"答案列出的数据没有说明来自哪份报告（{name_of(report)}）")
        elif named_bodies and report.body_key not in named_bodies:
            problems.append(f"答案把{name_of(report)}的数据说成了{'、'.join(sorted(named_bodies))}的")
        named_years = {int(y) for y in _YEAR.findall(clause)}
        if named_years and report.year not in named_years:
            problems.append(f"答案把{name_of(report)}的数据说成了{year_text(sorted(named_years))}的")
        masked = "".join("\0" if any(s <= i < e for _, (s, e) in hits) else ch for i, ch in enumerate(clause))
        named_metrics = find_metrics(masked)
        if named_metrics and not any(citation["key"] in m.keys for m in named_metrics):
            problems.append(f"答案把『{spoken_label(citation['key'])}』的数据说成了『{'、'.join(m.label for m in named_metrics)}』")
        elif named_metrics:
            labelled.add(citation["key"])
    return problems, labelled


def honest_answer(question: Question, final: Finalized, problems: list[str], db: IndexDatabase) -> Finalized:
    """The explicit 无法回答 that replaces an answer about something else, with the figures it had
    found (each under its own report and label) as what was found nearby."""
    evidence = Evidence()
    asked = "、".join(question.bodies + question.missing + question.regions) + year_text(question.years)
    text = f"无法回答：{problems[0]}。问题问的是{asked}的『{_asked_metrics(question)}』，索引中未找到与之对应的数据。"
    nearby = []
    for citation in [c for c in final.citations if c["kind"] == "figure"][:MAX_NEARBY]:
        report = db.report_by_source(citation["report"])
        if report is None:
            continue
        ref = evidence.figure(report=report.source, body=report.body, year=report.year, key=citation["key"],
                              label=spoken_label(citation["key"]), value=citation["value"], line=citation["line"])
        nearby.append(f"{name_of(report)}的{ref.label}为{fmt(ref.value)}[{ref.id}]")
    if nearby:
        text += "\n附近找到的数据：" + "；".join(nearby) + "。"
    return finalize(text, evidence)
