"""Deterministic answers in Chinese, composed from the index: the product's default and the
fallback whenever a language model's answer fails verification.

Each composer writes prose with evidence markers; nothing is stated that the index does not hold,
and when it holds nothing the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer.evidence import Evidence
from assistant.answer.figures import MAX_LISTED, FigureComposer
from assistant.answer.lookup import (as_prose, asked_reports, derive, name_of, not_found, numbers_in, problem_passages,
                                     quoted, reports_for, scope, sentence_with)
from assistant.answer.question import Question
from assistant.retrieve import Retriever
from assistant.retrieve.tokenize import tokenize_query
from assistant.store import IndexDatabase

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


class OfflineComposer:
    def __init__(self, db: IndexDatabase, retriever: Retriever) -> None:
        self.db = db
        self.retriever = retriever
        self.figures = FigureComposer(db)

    def compose(self, question: Question, evidence: Evidence) -> str:
        if question.missing and not question.bodies and question.intent in ("findings", "narrative"):
            return "\n".join(not_found(self.db, name, question.years) for name in question.missing)
        if question.intent == "findings":
            return self._findings(question, evidence)
        if question.intent == "narrative":
            return self._narrative(question, evidence)
        return self.figures.compose(question, evidence)

    def _per_body(self, question: Question, example: str, describe: Callable[[list], list[str]]) -> str:
        """Lines for each body asked about (its reports for the years asked, or its latest one), and
        a 未找到 line for each body or year the index does not hold."""
        if not question.bodies and not question.missing:
            return self.figures.which_body(example)
        lines = []
        for body in question.bodies:
            reports, missing = asked_reports(self.db, [body], [], question.years)
            lines += missing + (describe(reports) if reports else [])
        return "\n".join([not_found(self.db, name, question.years) for name in question.missing] + lines)

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
        words = [w for w in tokenize_query(question.topic) if len(w) >= 2]  # same words, without loading the whole dictionary
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
