"""Understanding a reviewer's question, offline and deterministically.

Bodies and regions are recognised against what the index holds (with short forms: 定海 → 定海区,
财政金融局 → 平潭综合实验区财政金融局), names the index does not hold (火星区, Y区) are kept as
`missing` so that the answer says so, years absolutely or relatively (去年, 2021年度), metrics in
reviewers' words (`metrics`, read with the names masked out), and the intent from the question's
shape (lookup, compare, rank, aggregate, ratio, findings, narrative).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel

from assistant.answer.metrics import Metric, find_metrics, whole_of
from assistant.store import IndexDatabase, StoredReport

Intent = Literal["lookup", "compare", "rank", "aggregate", "ratio", "findings", "narrative"]
_SUFFIXES = ("管理局", "人民政府办公室", "人民政府", "综合实验区", "实验区", "自治区", "新区", "街道", "区", "县", "市", "镇", "乡")
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "上一年": -1, "上年度": -1, "今年": 0, "本年度": 0}
_NOT_A_YEAR_AFTER = "(?!度?(?:项目|结转|新收|制发|废止|处理决定|收费))"  # 上一年项目数量, 上年结转 are table labels
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


class Question(BaseModel):
    text: str
    intent: Intent
    bodies: list[str]
    regions: list[str]
    years: list[int]
    metrics: list[str]
    section: Optional[str] = None
    top: Optional[int] = None
    nonzero: bool = False
    zero_check: bool = False
    missing: list[str] = []
    topic: str = ""

    @property
    def asks_figures(self) -> bool:
        return self.intent in FIGURE_INTENTS and bool(self.metrics)


FIGURE_INTENTS = ("lookup", "compare", "rank", "aggregate", "ratio")


@dataclass
class Entities:
    """Names the index knows, each with the short forms reviewers use, and its reports by source."""

    bodies: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    region_bodies: dict[str, list[str]] = field(default_factory=dict)
    by_source: dict[str, StoredReport] = field(default_factory=dict, repr=False)
    _longest_first: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_reports(cls, reports: list[StoredReport]) -> Entities:
        entities = cls()
        for report in reports:
            entities.by_source[report.source] = report
            if report.body_key:
                for alias in _aliases(report.body_key) | _aliases(report.body or ""):
                    entities.bodies.setdefault(alias, report.body_key)
            if report.region:
                for alias in _aliases(report.region):
                    entities.regions.setdefault(alias, report.region)
                if report.body_key and report.body_key not in entities.region_bodies.setdefault(report.region, []):
                    entities.region_bodies[report.region].append(report.body_key)
        region_names = sorted(set(entities.regions.values()))
        for key in sorted(set(entities.bodies.values())):
            for region in region_names:
                rest = key[len(region):]
                if key.startswith(region) and len(rest) >= 3:
                    for alias in _aliases(rest):
                        entities.bodies.setdefault(alias, key)
        return entities

    def body_of_region(self, region: str) -> Optional[str]:
        """The body a region's name stands for when a question asks about one body (奉化区 →
        奉化区政务办): the region's own government, or the only body the index holds there."""
        held = self.region_bodies.get(region, [])
        return region if region in held else held[0] if len(held) == 1 else None

    def find(self, text: str, names: dict[str, str]) -> list[tuple[str, tuple[int, int]]]:
        """Longest non-overlapping aliases found in text, mapped to canonical names, in text order."""
        found: list[tuple[str, tuple[int, int]]] = []
        taken: list[tuple[int, int]] = []
        if id(names) not in self._longest_first:
            self._longest_first[id(names)] = sorted(names, key=lambda a: (-len(a), a))
        for alias in (a for a in self._longest_first[id(names)] if a in text):
            for match in re.finditer(re.escape(alias), text):
                span = match.span()
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue
                taken.append(span)
                found.append((names[alias], span))
        found.sort(key=lambda item: item[1][0])
        return found


_ENTITIES: dict[tuple[str, int], Entities] = {}


def entities_of(db: IndexDatabase) -> Entities:
    """The names the index holds, rebuilt only when the index changes (its generation)."""
    key = (str(db.path), db.generation)
    entities = _ENTITIES.get(key)
    if entities is None:
        entities = Entities.from_reports(db.reports())
        _ENTITIES.clear()
        _ENTITIES[key] = entities
    return entities


def _aliases(name: str) -> set[str]:
    aliases = {name} if len(name) >= 2 else set()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            aliases |= _aliases(name[: -len(suffix)])
            break
    return aliases


def parse_question(text: str, entities: Entities, today: Optional[date] = None) -> Question:
    today = today or date.today()
    body_hits = entities.find(text, entities.bodies)
    occupied = [span for _, span in body_hits]
    region_hits = [(name, span) for name, span in entities.find(text, entities.regions)
                   if not any(s <= span[0] and span[1] <= e for s, e in occupied)]
    spans = [span for _, span in body_hits + region_hits]
    missing = _unknown_names(text, spans)
    metrics = find_metrics(_masked(text, spans + [span for _, span in missing]))
    if len(metrics) == 1 and re.search(_SHARE, text) and whole_of(metrics[0]) is not None:
        metrics.append(whole_of(metrics[0]))
    bodies = list(dict.fromkeys(name for name, _ in body_hits))
    regions = list(dict.fromkeys(name for name, _ in region_hits))
    years = _years(text, today)
    standing_for = list(dict.fromkeys(b for b in map(entities.body_of_region, regions) if b and b not in bodies))
    intent = _intent(text, metrics, bodies + standing_for + [name for name, _ in missing], years)
    if intent in ("rank", "aggregate") and (re.search(_WHOLE_AREA, text) or intent == "rank"):
        region_names = set(entities.regions.values())
        regions += [b for b in bodies if b in region_names and b not in regions]
        bodies = [b for b in bodies if b not in region_names]
    else:
        bodies += standing_for
        regions = [r for r in regions if entities.body_of_region(r) is None]
    return Question(text=text, intent=intent, bodies=bodies, regions=regions, years=years,
                    metrics=[m.id for m in metrics], section=_section(text), top=_top(text),
                    nonzero=bool(re.search(r"不为[零0]|不是[零0]|大于[零0]|非零|有.{0,6}(?:败诉|纠正|纠错|复议|诉讼)的", text)),
                    zero_check=bool(re.search(_ZERO_CHECK, text)), missing=[name for name, _ in missing],
                    topic=_topic(text, spans))


SUM_WORDS = r"合计|总共|一共|加起来|总和|汇总|累计|共计|之和"
_SHARE = r"占比|比例|比重|占.{0,16}(?:百分|多少|几成)|百分之|(?:维持|纠正|纠错|败诉|公开|处理|提供)率"
_WHOLE_AREA = r"各|所有|全部|全区|全市|下属|哪些|哪个|哪几|多少(?:个|家|份)"
_ZERO_CHECK = r"是否为[零0]|是不是[零0]|是否是[零0]|有没有|是否有|为[零0]吗|是[零0]吗"
_NAME_SUFFIX = r"(?:街道|区|县|市|镇|乡|局|委员会|办公室)"
_NOT_NAMES = re.compile(r"^(?:各|全|本|该|哪|市区|地区|片区|城区|辖区|社区|园区|政区|区县|市县|县区|管辖|乡镇|城市|省市|镇街|"
                        r"市直|区直|县直|区级|市级|县级)")
_NAME_BREAK = re.compile(r"[\s\d，。？！?!、,;；：:（）()“”]|请问|查询|和|与|及|跟|同|比|较|对比|年度?|的|在|中|里|共|一共|合计")


def _unknown_names(text: str, known: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """Names of bodies the question asks about that the index does not hold (火星区, Y区): a word
    ending like a body's name, outside every known name, at the start of a phrase."""
    words = _NAME_BREAK.sub(lambda m: "\0" * len(m.group(0)), _masked(text, known))
    found = []
    for phrase in re.finditer(r"[A-Za-z\u4e00-\u9fff]+", words):
        match = re.match(rf"[A-Za-z\u4e00-\u9fff]{{1,8}}?{_NAME_SUFFIX}", phrase.group(0))
        if match and not _NOT_NAMES.match(match.group(0)):
            found.append((match.group(0), (phrase.start(), phrase.start() + match.end())))
    return found


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    return "".join("\0" if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(text))


def _years(text: str, today: date) -> list[int]:
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text)]
    for word, offset in _RELATIVE_YEARS.items():
        if re.search(word + _NOT_A_YEAR_AFTER, text):
            years.append(today.year + offset)
    return sorted(set(years))


def _intent(text: str, metrics: list[Metric], bodies: list[str], years: list[int]) -> Intent:
    asks_report_problems = re.search(r"(?:年报|报告|表格|数据|填报).{0,8}(?:问题|错误|差错|不一致|毛病)|审核意见|勾稽|错在哪", text)
    if asks_report_problems:
        return "findings"
    if re.search(r"主要问题|存在(?:哪些|什么)(?:主要)?问题|不足|改进|措施|提到|提及|涉及|做法|怎么|如何", text) and not (
            metrics and re.search(r"多少|几件|数量|哪些单位.{0,10}(?:不为|为零|大于)", text)):
        return "narrative"
    if not metrics:
        return "narrative"
    if re.search(SUM_WORDS, text):
        return "lookup" if len(bodies) == 1 and len(years) <= 1 and not re.search(_WHOLE_AREA, text) else "aggregate"
    if len(metrics) >= 2 and re.search(_SHARE, text):
        return "ratio"
    if re.search(r"哪些|哪个|哪几个|最多|最少|最高|最低|排名|排行|前[0-9一二三四五六七八九十]+[个名家]|"
                 r"(?:多少|几)(?:份|个单位|家)", text):
        return "rank"
    if len(years) >= 2 or len(bodies) >= 2 or re.search(r"比较|对比|相比|变化|增加|减少|增长|下降|同比|较上年|比上年|差多少|相差|差距|多出", text):
        return "compare"
    return "lookup"


def _section(text: str) -> Optional[str]:
    if re.search(r"主要问题|不足|改进|整改|下一步", text):
        return "五"
    if re.search(r"信息处理费|其他需要报告", text):
        return "六"
    if re.search(r"总体情况|平台建设|监督保障|主动公开情况", text):
        return "一"
    return None


def _top(text: str) -> Optional[int]:
    match = re.search(r"前\s*(\d+|[一二三四五六七八九十])\s*[个名家位]?", text)
    if not match:
        return None
    value = match.group(1)
    return int(value) if value.isdigit() else _CN_DIGITS[value]


_FILLER = re.compile(r"(?:20\d\d|19\d\d)年度?|去年|今年|前年|请问|哪些单位|哪些机关|哪个单位|有哪些|有什么|是什么|"
                     r"提到|提及|涉及|讲到|说到|谈到|"
                     r"情况|年报|报告|中|的|了|吗|呢|？|\?|，|。|、")


def _topic(text: str, spans: list[tuple[int, int]]) -> str:
    kept = "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in spans))
    return _FILLER.sub(" ", kept).strip() or text
