"""Deterministic answers in Chinese, composed from the index: the product's default and the
fallback whenever a language model's answer fails verification.

Each composer writes prose with evidence markers; nothing is stated that the index does not hold,
and when it holds nothing the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer.evidence import Evidence
from assistant.answer.lookup import (as_prose, derive, fmt, metric_values, name_of, numbers_in, problem_passages, quoted,
                                     reports_for, scope, sentence_with)
from assistant.answer.metrics import BY_ID, Metric
from assistant.answer.question import Question
from assistant.retrieve import Retriever
from assistant.retrieve.tokenize import tokenize
from assistant.store import IndexDatabase

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
MAX_LISTED = 15


class OfflineComposer:
    def __init__(self, db: IndexDatabase, retriever: Retriever) -> None:
        self.db = db
        self.retriever = retriever

    def compose(self, question: Question, evidence: Evidence) -> str:
        composers: dict[str, Callable[[Question, Evidence], str]] = {
            "lookup": self._lookup, "compare": self._compare, "rank": self._rank, "aggregate": self._aggregate,
            "findings": self._findings, "narrative": self._narrative,
        }
        return composers[question.intent](question, evidence)

    # -- figures ------------------------------------------------------------------------------

    def _metrics(self, question: Question) -> list[Metric]:
        return [BY_ID[m] for m in question.metrics] or [BY_ID["requests_new"]]

    def _per_body(self, question: Question, example: str, describe: Callable[[list], list[str]]) -> str:
        """Lines for each body asked about (its reports for the years asked, or its latest one)."""
        if not question.bodies:
            return f"请说明要查询哪个单位（例如『{example}』）。" + self._known_bodies_hint()
        lines = []
        for body in question.bodies:
            reports = reports_for(self.db, body, question.years)
            lines += describe(reports) if reports else [self._no_report(body, question.years)]
        return "\n".join(lines)

    def _lookup(self, question: Question, evidence: Evidence) -> str:
        def describe(reports) -> list[str]:
            return [self._value_sentence(found, metric) for metric in self._metrics(question)
                    for found in metric_values(self.db, evidence, reports, metric)]

        return self._per_body(question, "定海区2021年新收申请多少件", describe)

    def _value_sentence(self, found, metric: Metric) -> str:
        if found.value is None:
            return f"{name_of(found.report)}中，{metric.label}无法给出：{'、'.join(found.missing)}。"
        return f"{name_of(found.report)}中，{metric.label}为{fmt(found.value)}{metric.unit}{found.marker}。"

    def _compare(self, question: Question, evidence: Evidence) -> str:
        if not question.bodies:
            return self._lookup(question, evidence)
        lines = []
        for metric in self._metrics(question):
            if len(question.bodies) >= 2:
                reports = [r for body in question.bodies for r in reports_for(self.db, body, question.years[-1:])]
            else:
                reports = self._years_to_compare(question.bodies[0], question.years)
            if len(reports) < 2:
                lines.append(self._lookup(question, evidence) + "\n（索引中没有可供比较的另一份报告。）")
                continue
            values = metric_values(self.db, evidence, reports, metric)
            lines += [self._value_sentence(v, metric) for v in values]
            first, second = values[0], values[-1]
            if first.value is not None and second.value is not None:
                lines.append(self._difference(first, second, metric, evidence))
        return "\n".join(lines)

    def _years_to_compare(self, body: str, years: list[int]):
        reports = sorted((r for r in self.db.reports(body_key=body) if r.year), key=lambda r: r.year)
        if len(years) >= 2:
            return [r for r in reports if r.year in years]
        target = [r for r in reports if r.year in years] or reports[-1:]
        earlier = [r for r in reports if target and r.year < target[0].year]
        return earlier[-1:] + target

    def _difference(self, first, second, metric: Metric, evidence: Evidence) -> str:
        change = second.value - first.value
        ref = derive(evidence, f"{fmt(second.value)} − {fmt(first.value)}", abs(change),
                     [first.marker, second.marker])
        direction = "增加" if change > 0 else "减少" if change < 0 else "持平"
        text = f"{name_of(second.report)}比{name_of(first.report)}{direction}"
        if change:
            text += f"{fmt(abs(change))}{metric.unit}[{ref.id}]"
            if first.value:
                share = derive(evidence, f"{fmt(abs(change))} ÷ {fmt(first.value)} × 100", round(abs(change) / first.value * 100, 1),
                               [first.marker, second.marker])
                text += f"（{'增长' if change > 0 else '下降'}{fmt(share.values[0])}%[{share.id}]）"
        return text + "。"

    def _rank(self, question: Question, evidence: Evidence) -> str:
        reports = scope(self.db, question.regions, question.years)
        if not reports:
            return "索引中没有符合条件的报告。"
        metric = self._metrics(question)[0]
        values = [v for v in metric_values(self.db, evidence, reports, metric) if v.value is not None]
        year_text = "、".join(sorted({f"{r.year}年度" for r in reports if r.year}))
        where = f"{'、'.join(question.regions)}" if question.regions else "索引中"
        checked = derive(evidence, "核对的报告份数", len(reports), [])
        descending = not re.search(r"最少|最低", question.text)
        if question.nonzero or not re.search(r"最多|最少|最高|最低|排名|排行|前", question.text):
            chosen = sorted((v for v in values if v.value), key=lambda v: -v.value)
            if not chosen:
                return f"{where}{year_text}共{len(reports)}份报告[{checked.id}]，{metric.label}均为0或未填报。"
            count = derive(evidence, f"{metric.label}不为零的单位数", len(chosen), [])
            head = f"{where}{year_text}共{len(reports)}份报告[{checked.id}]中，{metric.label}不为零的有{len(chosen)}份[{count.id}]："
        else:
            chosen = sorted(values, key=lambda v: -v.value if descending else v.value)[: question.top or 5]
            head = f"{where}{year_text}{metric.label}{'最多' if descending else '最少'}的单位（共核对{len(reports)}份报告[{checked.id}]）："
        items = [f"{name_of(v.report)} {fmt(v.value)}{metric.unit}{v.marker}" for v in chosen[:MAX_LISTED]]
        rest = f"；另有{len(chosen) - MAX_LISTED}份未列出[{derive(evidence, '未列出份数', len(chosen) - MAX_LISTED, []).id}]" \
            if len(chosen) > MAX_LISTED else ""
        return head + "；".join(items) + rest + "。"

    def _aggregate(self, question: Question, evidence: Evidence) -> str:
        reports = scope(self.db, question.regions, question.years)
        if question.bodies:
            reports = [r for body in question.bodies for r in reports_for(self.db, body, question.years)]
        if not reports:
            return "索引中没有符合条件的报告。"
        lines = []
        for metric in self._metrics(question):
            values = metric_values(self.db, evidence, reports, metric)
            known = [v for v in values if v.value is not None]
            total = derive(evidence, f"{metric.label}合计", sum(v.value for v in known), [v.marker for v in known])
            count = derive(evidence, "相加的报告份数", len(known), [])
            where = "、".join(question.regions) or "所选单位"
            years = "、".join(sorted({f"{r.year}年度" for r in reports if r.year}))
            text = f"{where}{years}{metric.label}合计{fmt(total.values[0])}{metric.unit}[{total.id}]（{len(known)}份报告相加[{count.id}]"
            if len(known) < len(values):
                skipped = derive(evidence, "因空白未计入的份数", len(values) - len(known), [])
                text += f"，另有{len(values) - len(known)}份[{skipped.id}]该项空白或无法识别，未计入"
            listed = sorted(known, key=lambda v: -v.value)[:MAX_LISTED]
            text += "）。其中：" + "；".join(f"{name_of(v.report)} {fmt(v.value)}{v.marker}" for v in listed if v.value)
            lines.append(text.rstrip("其中：") + "。")
        return "\n".join(lines)

    # -- findings and narrative ------------------------------------------------------------

    def _findings(self, question: Question, evidence: Evidence) -> str:
        def describe(reports) -> list[str]:
            lines = []
            for report in reports:
                findings = sorted(self.db.findings(report.id), key=lambda f: list(SEVERITY).index(f.severity))
                if not findings:
                    lines.append(f"{name_of(report)}：各项核对均未发现问题。")
                    continue
                counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY}
                marks = "".join(f"[{derive(evidence, f'{SEVERITY[s]}条数', n, []).id}]" for s, n in counts.items())
                lines.append(f"{name_of(report)}共发现{counts['error']}项错误、{counts['warning']}项警告、"
                             f"{counts['info']}项提示{marks}：")
                for number, finding in enumerate(findings[:MAX_LISTED], 1):
                    computed = evidence.derive(f"{finding.rule} 核对结果", numbers_in(finding.message), finding.keys)
                    lines.append(f"{number}. [{SEVERITY[finding.severity]}] {as_prose(finding.message)}[{computed.id}]")
            return lines

        return self._per_body(question, "定海区2021年年报有什么问题", describe)

    def _narrative(self, question: Question, evidence: Evidence) -> str:
        if question.bodies and (question.section == "五" or re.search(r"问题|不足", question.text)):
            def describe(reports) -> list[str]:
                lines = []
                for report in reports:
                    passages = problem_passages(self.db, evidence, report)
                    lines.append(f"{name_of(report)}第五部分列出的问题和改进措施：" + "；".join(passages) + "。"
                                 if passages else f"{name_of(report)}第五部分没有可引用的内容。")
                return lines

            return self._per_body(question, "越城区存在哪些主要问题", describe)
        return self._search(question, evidence)

    def _search(self, question: Question, evidence: Evidence) -> str:
        words = [w for w in tokenize(question.topic) if len(w) >= 2]
        if re.search(r"哪些(?:单位|机关|部门)", question.text) and words:
            return self._mentions(question, words, evidence)
        filters = {"year": question.years[0] if len(question.years) == 1 else None, "section": question.section}
        if question.bodies:
            filters["body_key"] = question.bodies[0]
        elif question.regions:
            filters["region"] = question.regions[0]
        hits = self.retriever.search(question.topic, top=5, **filters)
        if not hits:
            return "索引中没有找到与问题相关的报告内容。"
        lines = []
        for hit in hits:
            sentence = sentence_with(hit.text, words)
            ref = evidence.passage(report=hit.report, body=hit.body, year=hit.year, section=hit.section, text=sentence,
                                   line=hit.start_line + hit.text[: max(hit.text.find(sentence), 0)].count("\n"))
            lines.append(f"{hit.body or hit.report}{hit.year or ''}年度报告第{hit.section}部分：{quoted(sentence)}[{ref.id}]")
        return "\n".join(lines)

    def _mentions(self, question: Question, words: list[str], evidence: Evidence) -> str:
        """Which reports mention the topic: an exhaustive scan of the narrative, not a top-k search."""
        in_scope = None
        if question.years or question.regions or question.bodies:
            in_scope = [r.id for r in scope(self.db, question.regions, question.years)] if not question.bodies else \
                [r.id for body in question.bodies for r in reports_for(self.db, body, question.years)]
        chunks = self.db.chunks_containing(words, in_scope, question.section)
        first_by_report: dict[int, object] = {}
        for chunk in chunks:
            first_by_report.setdefault(chunk.report_id, chunk)
        if not first_by_report:
            return f"索引中没有报告提到『{'、'.join(words)}』。"
        count = derive(evidence, "提到该内容的报告份数", len(first_by_report), [])
        lines = [f"共有{len(first_by_report)}份报告[{count.id}]提到『{'、'.join(words)}』："]
        for report_id, chunk in list(first_by_report.items())[:MAX_LISTED]:
            report = self.db.report(report_id)
            sentence = sentence_with(chunk.text, words)
            ref = evidence.passage(report=report.source, body=report.body, year=report.year, section=chunk.section,
                                   text=sentence, line=chunk.start_line + chunk.text[: max(chunk.text.find(sentence), 0)].count("\n"))
            lines.append(f"{name_of(report)}第{chunk.section}部分：{quoted(sentence)}[{ref.id}]")
        if len(first_by_report) > MAX_LISTED:
            rest = derive(evidence, "未列出份数", len(first_by_report) - MAX_LISTED, [])
            lines.append(f"另有{len(first_by_report) - MAX_LISTED}份未列出[{rest.id}]。")
        return "\n".join(lines)

    # -- helpers ------------------------------------------------------------------------------

    def _no_report(self, body: str, years: list[int]) -> str:
        available = sorted({r.year for r in self.db.reports(body_key=body) if r.year})
        asked = "、".join(f"{y}年度" for y in years) if years else ""
        have = "、".join(f"{y}年度" for y in available)
        return f"索引中没有{body}{asked}的报告" + (f"（现有：{have}）。" if have else "。")

    def _known_bodies_hint(self) -> str:
        names = sorted({r.body for r in self.db.reports() if r.body})
        return f"索引中现有的单位例如：{'、'.join(names[:5])}。" if names else "索引是空的，请先运行 audit ingest。"
