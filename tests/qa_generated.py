"""A question set generated from the index's own figures, with expected answers computed from the
store: single lookups over every key of both templates (official labels and row × column
phrasing, several sentence templates), two-body sums, year-over-year changes, rankings and
zero-or-not questions.

The phrasing here is written independently of the product's vocabulary: official labels from the
catalogue, and the way a reviewer combines an applicant column with a result row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from assistant import catalogue
from assistant.store import IndexDatabase, StoredReport

_COLUMNS = {"natural": "自然人", "commercial": "商业企业", "research": "科研机构", "social": "社会公益组织",
            "legal": "法律服务机构", "other_org": "其他申请人", "total": ""}
_LOOKUP_TEMPLATES = ["{body}{year}年{label}是多少", "请问{year}年度{body}的年报中，{label}有多少",
                     "{body}{year}年度{label}填报了多少"]


@dataclass
class GeneratedQuestion:
    family: str
    text: str
    cited: list[tuple[str, str, float]]
    stated: list[float]
    words: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


def reviewer_label(key: str) -> str:
    """A row × column phrase as a reviewer writes it (商业企业申请的予以公开数, 复议后起诉的结果纠正数)."""
    parts = key.split(".")
    if parts[0] == "requests":
        row, column = ".".join(parts[1:-1]), parts[-1]
        label = dict(catalogue.request_rows("2021") + catalogue.request_rows("2019"))[row]
        bare = re.sub(r"^(?:（[一二三四五六七]）|[一二三四]、)", "", label)
        item = {"total": "办理结果总计"}.get(row, bare)
        if " " in bare:
            item = f"{bare.split(' ')[0]}中的{bare.split(' ', 1)[1].split('.', 1)[1]}"
        return f"{_COLUMNS[column]}申请的{item}数" if _COLUMNS[column] else f"{item}总计"
    if parts[0] == "appeals":
        group = dict(catalogue.APPEAL_GROUPS)[parts[1]].split("·")[-1]
        return f"{group}的{dict(catalogue.APPEAL_OUTCOMES)[parts[2]]}数"
    return catalogue.key_label(key).replace("·", "")


class _Store:
    def __init__(self, db: IndexDatabase) -> None:
        self.reports = [r for r in db.reports() if r.year and r.template and r.body and r.body_key]
        counts = defaultdict(int)
        for report in self.reports:
            counts[(report.body_key, report.year)] += 1
        self.reports = [r for r in self.reports if counts[(r.body_key, r.year)] == 1]
        keys = sorted({k for t in ("2021", "2019") for k in catalogue.template_keys(t)})
        rows = db.figure_rows([r.id for r in self.reports], keys)
        self.values = {key: row["value"] for key, row in rows.items() if row["value"] is not None}

    def value(self, report: StoredReport, key: str) -> Optional[float]:
        return self.values.get((report.id, key))

    def with_key(self, key: str, template: Optional[str] = None) -> list[StoredReport]:
        return [r for r in self.reports if self.value(r, key) is not None and (template is None or r.template == template)]


def _label(key: str, index: int) -> str:
    return catalogue.key_label(key) if index % 2 == 0 else reviewer_label(key)


def generated_questions(db: IndexDatabase) -> list[GeneratedQuestion]:
    store = _Store(db)
    questions: list[GeneratedQuestion] = []
    all_keys = [(t, k) for t in ("2021", "2019") for k in catalogue.template_keys(t)]
    for index, (template, key) in enumerate(all_keys):
        candidates = store.with_key(key, template)
        for pick in range(min(2, len(candidates))):
            report = candidates[(index * 7 + pick * 13) % len(candidates)]
            value = store.value(report, key)
            text = _LOOKUP_TEMPLATES[(index + pick) % 3].format(body=report.body, year=report.year,
                                                                label=_label(key, index + pick))
            questions.append(GeneratedQuestion("lookup", text, [(report.source, key, value)], [value], keys={key}))
    for index, (template, key) in enumerate(all_keys[::3]):
        questions += _sum_and_zero(store, template, key, index)
        questions += _year_over_year(store, key, index)
    for index, key in enumerate(catalogue.template_keys("2021")[::5]):
        questions += _rank(store, key, index)
    return questions


def _sum_and_zero(store: _Store, template: str, key: str, index: int) -> list[GeneratedQuestion]:
    candidates = store.with_key(key, template)
    by_year = defaultdict(list)
    for report in candidates:
        by_year[report.year].append(report)
    found = []
    pairs = [(year, reports) for year, reports in sorted(by_year.items()) if len(reports) >= 2]
    if pairs:
        year, reports = pairs[index % len(pairs)]
        first, second = reports[index % len(reports)], reports[(index + 1) % len(reports)]
        values = [store.value(first, key), store.value(second, key)]
        total = sum(values)
        text = f"{first.body}和{second.body}{year}年{_label(key, index)}一共多少"
        found.append(GeneratedQuestion("sum", text, [(first.source, key, values[0]), (second.source, key, values[1])],
                                       [total, *values], keys={key}))
    if candidates:
        report = candidates[(index * 5) % len(candidates)]
        value = store.value(report, key)
        text = f"{report.body}{report.year}年{_label(key, index + 1)}是否为零"
        found.append(GeneratedQuestion("zero", text, [(report.source, key, value)], [value],
                                       ["，为零" if value == 0 else "，不为零"], keys={key}))
    return found


def _year_over_year(store: _Store, key: str, index: int) -> list[GeneratedQuestion]:
    by_body = defaultdict(list)
    for report in store.with_key(key):
        by_body[report.body_key].append(report)
    series = [sorted(reports, key=lambda r: r.year) for _, reports in sorted(by_body.items()) if len(reports) >= 2]
    if not series:
        return []
    reports = series[index % len(series)]
    earlier, later = reports[index % (len(reports) - 1)], reports[index % (len(reports) - 1) + 1]
    before, after = store.value(earlier, key), store.value(later, key)
    change = after - before
    word = "增加" if change > 0 else "减少" if change < 0 else "持平"
    text = f"{later.body}{later.year}年{_label(key, index)}比{earlier.year}年增加了多少"
    stated = [before, after] + ([abs(change)] if change else [])
    return [GeneratedQuestion("year_over_year", text, [(earlier.source, key, before), (later.source, key, after)],
                              stated, [word], keys={key})]


def _rank(store: _Store, key: str, index: int) -> list[GeneratedQuestion]:
    years = sorted({r.year for r in store.with_key(key)})
    year = years[index % len(years)] if years else None
    reports = [r for r in store.with_key(key) if r.year == year]
    if len(reports) < 2:
        return []
    top = max(store.value(r, key) for r in reports)
    leaders = [r for r in reports if store.value(r, key) == top]
    text = f"{year}年{_label(key, index)}最多的单位是哪个"
    return [GeneratedQuestion("rank", text, [(leaders[0].source, key, top)] if len(leaders) == 1 else [], [top],
                              keys={key})]


def grade_generated(answer, question: GeneratedQuestion) -> bool:
    """Exact: verified, every expected figure cited with its value, every expected number stated,
    the expected words present, and no figure of another key cited."""
    if not answer.verified:
        return False
    figures = [c for c in answer.citations if c["kind"] == "figure"]
    cited = {(c["report"], c["key"], float(c["value"])) for c in figures}
    stated = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", answer.answer)}
    backed = {float(c["value"]) for c in figures} | {float(v) for d in answer.derived for v in d["values"]}
    return (all((source, key, float(value)) in cited for source, key, value in question.cited)
            and all(float(n) in stated and float(n) in backed for n in question.stated)
            and all(word in answer.answer for word in question.words)
            and bool(figures) and all(c["key"] in question.keys for c in figures))
