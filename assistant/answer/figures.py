"""Deterministic answers about table figures: single lookups, comparisons (two bodies, or one body
across years), rankings, sums and ratios.

Every part of an answer names the report (body and year) it comes from; a sum lists each report
it adds and says how many; a body or year that was asked for and is not in the index is said to
be missing (未找到…), and then no total or comparison is made from what is left.
"""

from __future__ import annotations

import re
from typing import Optional

from assistant.answer.evidence import Evidence
from assistant.answer.lookup import (MetricValue, asked_reports, derive, fmt, metric_values, name_of, not_found, scope,
                                     year_text)
from assistant.answer.metrics import BY_ID, Metric
from assistant.answer.question import SUM_WORDS, Question
from assistant.store import IndexDatabase, StoredReport

MAX_LISTED = 15


class FigureComposer:
    def __init__(self, db: IndexDatabase) -> None:
        self.db = db

    def compose(self, question: Question, evidence: Evidence) -> str:
        composers = {"lookup": self._lookup, "compare": self._compare, "rank": self._rank,
                     "aggregate": self._aggregate, "ratio": self._ratio}
        return composers[question.intent](question, evidence)

    def _metrics(self, question: Question) -> list[Metric]:
        return [BY_ID[m] for m in question.metrics] or [BY_ID["requests_new"]]

    def which_body(self, example: str) -> str:
        """The question names no body: ask for one, with an example and some bodies the index holds."""
        names = sorted({r.body for r in self.db.reports() if r.body})
        hint = f"索引中现有的单位例如：{'、'.join(names[:5])}。" if names else "索引是空的，请先运行 audit ingest。"
        return f"请说明要查询哪个单位（例如『{example}』）。" + hint

    def _lookup(self, question: Question, evidence: Evidence) -> str:
        if not question.bodies and not question.missing:
            return self.which_body("定海区2021年新收申请多少件")
        reports, missing = asked_reports(self.db, question.bodies, question.missing, question.years)
        metrics = self._metrics(question)
        lines = list(missing)
        for report in reports:
            values = [(metric, found) for metric in metrics for found in metric_values(self.db, evidence, [report], metric)]
            lines += [value_sentence(found, metric, question.zero_check) for metric, found in values]
            if len(metrics) >= 2 and re.search(SUM_WORDS, question.text) and len({m.unit for m in metrics}) == 1:
                lines.append(self._metric_sum(report, values, evidence))
        return "\n".join(lines)

    def _metric_sum(self, report: StoredReport, values: list[tuple[Metric, MetricValue]], evidence: Evidence) -> str:
        """新收申请和上年结转合计: several metrics of one report added up."""
        labels = "与".join(metric.label for metric, _ in values)
        if any(found.value is None for _, found in values):
            return f"{name_of(report)}缺少上述数据，无法给出{labels}的合计。"
        total = derive(evidence, f"{labels}合计", sum(found.value for _, found in values), [f.marker for _, f in values])
        return f"{name_of(report)}{labels}合计{fmt(total.values[0])}{values[0][0].unit}[{total.id}]。"

    # -- comparisons --------------------------------------------------------------------------

    def _compare(self, question: Question, evidence: Evidence) -> str:
        if len(question.bodies) + len(question.missing) >= 2:
            reports, missing = asked_reports(self.db, question.bodies, question.missing, question.years[-1:])
        elif question.bodies and len(question.years) >= 2:
            reports, missing = asked_reports(self.db, question.bodies, [], question.years)
        elif question.bodies:
            reports, missing = self._year_and_previous(question.bodies[0], question.years)
        else:
            return self._lookup(question, evidence)
        lines = list(missing)
        for metric in self._metrics(question):
            values = metric_values(self.db, evidence, reports, metric)
            lines += [value_sentence(v, metric) for v in values]
            first, last = (values[0], values[-1]) if len(values) >= 2 else (None, None)
            if not missing and first and first.value is not None and last.value is not None:
                lines.append(self._difference(first, last, metric, evidence))
        if missing:
            lines.append("缺少上述报告，无法比较。")
        elif len(reports) < 2:
            lines.append("（索引中没有可供比较的另一份报告。）")
        return "\n".join(lines)

    def _year_and_previous(self, body: str, years: list[int]) -> tuple[list[StoredReport], list[str]]:
        """The report of the year asked (the latest when none) and the body's report before it."""
        reports = sorted((r for r in self.db.reports(body_key=body) if r.year), key=lambda r: r.year)
        target = [r for r in reports if r.year in years] if years else reports[-1:]
        if not target:
            return [], [not_found(self.db, body, years)]
        earlier = [r for r in reports if r.year < target[0].year]
        return earlier[-1:] + target, []

    def _difference(self, first: MetricValue, second: MetricValue, metric: Metric, evidence: Evidence) -> str:
        change = second.value - first.value
        ref = derive(evidence, f"{fmt(second.value)} − {fmt(first.value)}", abs(change), [first.marker, second.marker])
        same_body = first.report.body_key == second.report.body_key
        words = ("增加", "减少") if same_body else ("多", "少")
        direction = words[0] if change > 0 else words[1] if change < 0 else "持平" if same_body else "相同"
        text = f"{name_of(second.report)}比{name_of(first.report)}{direction}"
        if change:
            text += f"{fmt(abs(change))}{metric.unit}[{ref.id}]"
            if first.value and same_body:
                share = derive(evidence, f"{fmt(abs(change))} ÷ {fmt(first.value)} × 100",
                               round(abs(change) / first.value * 100, 1), [first.marker, second.marker])
                text += f"（{'增长' if change > 0 else '下降'}{fmt(share.values[0])}%[{share.id}]）"
        return text + "。"

    # -- over many reports --------------------------------------------------------------------

    def _rank(self, question: Question, evidence: Evidence) -> str:
        """Over the bodies named (财政金融局哪一年最多), else over the regions and years asked."""
        reports = [r for body in question.bodies for r in self.db.reports(body_key=body)
                   if not question.years or r.year in question.years] or scope(self.db, question.regions, question.years)
        if not reports:
            return f"未找到{'、'.join(question.regions)}{year_text(question.years)}的报告（索引中没有符合条件的报告）。"
        metric = self._metrics(question)[0]
        values = [v for v in metric_values(self.db, evidence, reports, metric) if v.value is not None]
        years = year_text(sorted({r.year for r in reports if r.year}))
        where = "、".join(question.bodies or question.regions) or "索引中"
        checked = derive(evidence, "核对的报告份数", len(reports), [])
        descending = not re.search(r"最少|最低", question.text)
        if question.nonzero or not re.search(r"最多|最少|最高|最低|排名|排行|前", question.text):
            chosen = sorted((v for v in values if v.value), key=lambda v: -v.value)
            if not chosen:
                return f"{where}{years}共{len(reports)}份报告[{checked.id}]，{metric.label}均为零或未填报。"
            count = derive(evidence, f"{metric.label}不为零的单位数", len(chosen), [])
            head = f"{where}{years}共{len(reports)}份报告[{checked.id}]中，{metric.label}不为零的有{len(chosen)}份[{count.id}]："
        else:
            chosen = sorted(values, key=lambda v: -v.value if descending else v.value)[: question.top or 5]
            head = f"{where}{years}{metric.label}{'最多' if descending else '最少'}的单位（共核对{len(reports)}份报告[{checked.id}]）："
        items = [f"{name_of(v.report)} {fmt(v.value)}{metric.unit}{v.marker}" for v in chosen[:MAX_LISTED]]
        return head + "；".join(items) + self._not_listed(chosen, evidence) + "。"

    def _not_listed(self, chosen: list, evidence: Evidence) -> str:
        if len(chosen) <= MAX_LISTED:
            return ""
        return f"；另有{len(chosen) - MAX_LISTED}份未列出[{derive(evidence, '未列出份数', len(chosen) - MAX_LISTED, []).id}]"

    def _aggregate(self, question: Question, evidence: Evidence) -> str:
        if question.bodies or question.missing:
            reports, missing = asked_reports(self.db, question.bodies, question.missing, question.years)
            where: Optional[str] = None
        else:
            reports, missing = scope(self.db, question.regions, question.years), []
            where = "、".join(question.regions) or "索引中"
            if not reports:
                return f"未找到{where}{year_text(question.years)}的报告（索引中没有符合条件的报告）。"
        lines = list(missing)
        for metric in self._metrics(question):
            values = metric_values(self.db, evidence, reports, metric)
            if missing or where is None and any(v.value is None for v in values):
                lines += [value_sentence(v, metric) for v in values]
                lines.append("缺少上述数据，无法给出合计。")
            else:
                lines.append(self._total(values, metric, where, evidence))
        return "\n".join(lines)

    def _total(self, values: list[MetricValue], metric: Metric, where: Optional[str], evidence: Evidence) -> str:
        """A sum that names every report it adds (over a whole region: each non-zero one, and how many
        were zero or blank)."""
        known = [v for v in values if v.value is not None]
        total = derive(evidence, f"{metric.label}合计", sum(v.value for v in known), [v.marker for v in known])
        count = derive(evidence, "相加的报告份数", len(known), [])
        if where is None:
            scope_text = "、".join(name_of(v.report) for v in known)
            parts = known
        else:
            scope_text = where + year_text(sorted({v.report.year for v in values if v.report.year}))
            parts = sorted((v for v in known if v.value), key=lambda v: -v.value)
        text = (f"{scope_text}{metric.label}合计{fmt(total.values[0])}{metric.unit}[{total.id}]"
                f"（{len(known)}份报告相加[{count.id}]）")
        if parts:
            text += "，其中：" + "；".join(f"{name_of(v.report)} {fmt(v.value)}{metric.unit}{v.marker}"
                                         for v in parts[:MAX_LISTED]) + self._not_listed(parts, evidence)
        zero = len(known) - len(parts)
        if zero:
            text += f"；其余{zero}份[{derive(evidence, '该项为零的份数', zero, []).id}]该项为零"
        blank = len(values) - len(known)
        if blank:
            text += f"；另有{blank}份[{derive(evidence, '因空白未计入的份数', blank, []).id}]该项空白或无法识别，未计入"
        return text + "。"

    def _ratio(self, question: Question, evidence: Evidence) -> str:
        if not question.bodies and not question.missing:
            return self.which_body("定海区2021年予以公开占办理结果总计的比例")
        reports, missing = asked_reports(self.db, question.bodies, question.missing, question.years)
        part, whole = self._metrics(question)[:2]
        lines = list(missing)
        for report in reports:
            (numerator,), (denominator,) = (metric_values(self.db, evidence, [report], m) for m in (part, whole))
            if numerator.value is None or denominator.value is None or not denominator.value:
                lines += [value_sentence(numerator, part), value_sentence(denominator, whole)]
                lines.append("无法计算占比。")
                continue
            share = derive(evidence, f"{fmt(numerator.value)} ÷ {fmt(denominator.value)} × 100",
                           round(numerator.value / denominator.value * 100, 1), [numerator.marker, denominator.marker])
            lines.append(f"{name_of(report)}中，{part.label}为{fmt(numerator.value)}{part.unit}{numerator.marker}，"
                         f"{whole.label}为{fmt(denominator.value)}{whole.unit}{denominator.marker}，"
                         f"前者占后者的{fmt(share.values[0])}%[{share.id}]。")
        return "\n".join(lines)


def value_sentence(found: MetricValue, metric: Metric, zero_check: bool = False) -> str:
    if found.value is None:
        reasons = "、".join(found.missing)
        return f"{name_of(found.report)}中，{metric.label}无法给出{'' if reasons.startswith('（') else '：'}{reasons}。"
    verdict = ("，为零" if found.value == 0 else "，不为零") if zero_check else ""
    return f"{name_of(found.report)}中，{metric.label}为{fmt(found.value)}{metric.unit}{found.marker}{verdict}。"
