"""Reviewers' words for the figures, mapped to canonical keys of both templates.

The vocabulary is generated: every row and column label of `catalogue` is a phrase, and the
reviewed synonym table `vocabulary.toml` adds short forms (复议后起诉, 不掌握, 集中采购 …). A question
is read as rows × columns of one table (商业企业申请的予以公开数 = row 予以公开, column 商业企业); the
longest phrase wins, a named row beats the group it belongs to (不予公开 + 国家秘密 is the one row),
and a row named alone takes its table's default column, so the same words always give the same key.
A metric is one figure or the sum of several (不予公开 is eight rows), possibly different per
template; sums are computed by code and cited as derived numbers.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Optional

from assistant import catalogue

TEMPLATES = ("2021", "2019")
_TEMPLATE_KEYS = {t: frozenset(catalogue.template_keys(t)) for t in TEMPLATES}
_ITEM_COLUMNS = {"prev_items", "change", "items"}
_GROUP_ROWS = {"other.all"}  # （六）其他处理 printed as one row: named by the group's own phrases
_COLUMN_WORDS = {label for _, label in catalogue.APPLICANT_COLUMNS}


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    keys_by_template: tuple[tuple[str, tuple[str, ...]], ...]
    unit: str = "件"

    def keys_for(self, template: Optional[str]) -> tuple[str, ...]:
        """The keys this metric sums in a report of that template (2021 format when unknown)."""
        return dict(self.keys_by_template).get(template or "2021", ())

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key the metric may read, over both templates."""
        return tuple(dict.fromkeys(k for _, keys in self.keys_by_template for k in keys))


@dataclass(frozen=True)
class _Row:
    """A row (or a group of rows) of one table that a phrase names."""

    name: str
    label: str
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    group: bool = False


@dataclass
class _Table:
    name: str
    rows: dict[str, _Row] = field(default_factory=dict)
    row_phrases: list[tuple[re.Pattern, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    column_phrases: list[tuple[re.Pattern, str]] = field(default_factory=list)
    implied: list[tuple[re.Pattern, str, str]] = field(default_factory=list)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)

    def key(self, row: str, column: str) -> str:
        return f"{row}.{column}" if self.name == "active" else f"{self.name}.{row}.{column}"

    def column_for(self, row: str, template: str, column: Optional[str]) -> str:
        return column or self.defaults.get(row, {}).get(template, "total")


def _stripped(label: str) -> list[str]:
    """Phrases of an official row label: the label, without its numbering, and its item text
    (（三）不予公开 1.属于国家秘密 → 不予公开 1.属于国家秘密, 属于国家秘密)."""
    bare = re.sub(r"^(?:（[一二三四五六七八]）|[一二三四]、)", "", label)
    phrases = [label, bare]
    if " " in bare:
        phrases.append(re.sub(r"^\d+\.", "", bare.split(" ", 1)[1]))
    return [p for p in phrases if p not in _COLUMN_WORDS]


def _compile(phrases, literal: bool) -> list[re.Pattern]:
    return [re.compile(re.escape(p) if literal else p) for p in phrases if p]


def _load(data: dict) -> dict[str, _Table]:
    tables = {name: _Table(name) for name in ("requests", "appeals", "active")}

    def add_row(table: _Table, name: str, label: str, labels: list[str], synonyms: list[str],
                rows: dict[str, tuple[str, ...]], group: bool = False) -> None:
        table.rows[name] = _Row(name, label, tuple(rows.items()), group)
        table.row_phrases += [(p, name) for p in _compile(labels, True) + _compile(synonyms, False)]

    requests, appeals, active = tables["requests"], tables["appeals"], tables["active"]
    request_labels = dict(catalogue.request_rows("2021") + catalogue.request_rows("2019"))
    for row, label in request_labels.items():
        templates = [t for t in TEMPLATES if row in dict(catalogue.request_rows(t))]
        labels = [] if row in _GROUP_ROWS else _stripped(label)
        add_row(requests, row, label, labels, data["requests"]["rows"].get(row, []),
                {t: (row,) if t in templates else () for t in TEMPLATES})
    for group, label in catalogue.APPEAL_GROUPS:
        add_row(appeals, group, label, [label, label.split("·")[-1]], data["appeals"]["rows"].get(group, []),
                {t: (group,) for t in TEMPLATES})
    for row in {r.stem: r for r in catalogue.ACTIVE_ROWS_2019 + catalogue.ACTIVE_ROWS_2021}.values():
        labels = {r.label for r in catalogue.ACTIVE_ROWS_2019 + catalogue.ACTIVE_ROWS_2021 if r.stem == row.stem}
        add_row(active, row.stem, row.label, sorted(labels), data["active"]["rows"].get(row.stem, []),
                {t: (row.stem,) for t in TEMPLATES})
    for table_name, table in tables.items():
        for group, spec in data[table_name].get("groups", {}).items():
            add_row(table, group, spec["label"], [], spec["phrases"],
                    {"2021": tuple(spec["rows"]), "2019": tuple(spec.get("rows_2019", spec["rows"]))}, group=True)
        for column, phrases in data[table_name]["columns"].items():
            table.column_phrases += [(p, column) for p in _compile(phrases, False)]
        for phrase, (row, column) in data[table_name].get("implied", {}).items():
            table.implied.append((re.compile(phrase), row, column))
    requests.columns = dict(catalogue.APPLICANT_COLUMNS)
    appeals.columns = dict(catalogue.APPEAL_OUTCOMES)
    active.columns = {c: label for r in catalogue.ACTIVE_ROWS_2019 + catalogue.ACTIVE_ROWS_2021 for c, label in r.columns}
    for table in tables.values():
        table.column_phrases += [(p, c) for c, label in table.columns.items() for p in _compile([label], True)]
    active.defaults = {row: {str(t): c for t, c in spec.items()} for row, spec in data["active"]["defaults"].items()}
    return tables


_VOCABULARY = tomllib.loads(resources.files("assistant.answer").joinpath("vocabulary.toml").read_text(encoding="utf-8"))
_TABLES = _load(_VOCABULARY)
_NAMED = _VOCABULARY["named"]


def spoken_label(key: str) -> str:
    """A key's official label as answers write it: item numbers as 第N项 (（三）不予公开第1项属于国家秘密)
    and its “…” as 『…』, since in answers a bare digit is a stated figure and “…” a quotation."""
    label = re.sub(r" (\d+)\.", r"第\1项", catalogue.key_label(key))
    return label.replace("“", "『").replace("”", "』")


def _unit(keys: tuple[str, ...]) -> str:
    if any(k in catalogue.DECIMAL_KEYS for k in keys):
        return "万元"
    return "项" if any(k.rsplit(".", 1)[-1] in _ITEM_COLUMNS for k in keys) else "件"


@lru_cache(maxsize=None)
def metric_for(table_name: str, row_name: str, column: Optional[str]) -> Metric:
    """The metric of one row (or group) and column of a table, named like the reviewers' list
    when it is one of them, else by its key and official label."""
    table = _TABLES[table_name]
    row = table.rows[row_name]
    by_template = []
    for template, rows in row.rows:
        chosen = table.column_for(row_name, template, column)
        keys = tuple(k for k in (table.key(r, chosen) for r in rows) if k in _TEMPLATE_KEYS[template])
        by_template.append((template, keys))
    keys_2021 = dict(by_template)["2021"] or dict(by_template)["2019"]
    for metric_id, (label, *keys) in _NAMED.items():
        if tuple(keys) == keys_2021:
            return Metric(metric_id, label, tuple(by_template), _unit(keys_2021))
    if len(keys_2021) == 1 and not row.group:
        return Metric(keys_2021[0], spoken_label(keys_2021[0]), tuple(by_template), _unit(keys_2021))
    chosen = table.column_for(row_name, "2021", column)
    label = row.label if chosen == "total" else f"{row.label}·{table.columns.get(chosen, chosen)}"
    return Metric(f"{row_name}.{chosen}", label, tuple(by_template),
                  _unit(keys_2021))


def _matches(text: str, phrases: list[tuple[re.Pattern, str]], taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Longest non-overlapping phrase matches outside `taken` (which grows), in text order."""
    candidates = sorted(((m.start(), m.end(), name) for pattern, name in phrases for m in pattern.finditer(text)
                         if m.end() > m.start()), key=lambda c: (c[0] - c[1], c[0], c[2]))
    found = []
    for start, end, name in candidates:
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        found.append((start, end, name))
    return sorted(found)


_DEFAULT_ROW = {"requests": "new", "appeals": "all"}
_GENERIC_NEW = re.compile(r"收到.{0,10}申请|受理.{0,8}申请|申请.{0,6}(?:数量|多少|几件|数)|依申请公开.{0,6}(?:数量|多少|几)")
_ANY_PHRASE = re.compile("|".join([f"(?:{p.pattern})" for table in _TABLES.values()
                                   for p, _ in table.row_phrases + table.column_phrases]
                                  + [f"(?:{p.pattern})" for table in _TABLES.values() for p, _, _ in table.implied]
                                  + [_GENERIC_NEW.pattern]))


@lru_cache(maxsize=4096)
def _find_metrics(text: str) -> tuple[Metric, ...]:
    if not _ANY_PHRASE.search(text):
        return ()
    taken: list[tuple[int, int]] = []
    rows = {name: _matches(text, table.row_phrases, taken) for name, table in _TABLES.items()}
    found: list[tuple[int, Metric]] = []
    for name, table in _TABLES.items():
        named = {row for _, _, row in rows[name]}
        kept = [(start, row) for start, _, row in rows[name]
                if not (table.rows[row].group and _group_has_named_row(table, row, named))]
        implied = [(m.start(), row, column) for pattern, row, column in table.implied for m in pattern.finditer(text)
                   if not any(s < m.end() and m.start() < e for s, e in taken)]
        column_hits = _matches(text, table.column_phrases, list(taken))
        columns = list(dict.fromkeys([c for _, _, c in column_hits] + [c for _, _, c in implied]))
        if not kept and implied:
            found += [(start, metric_for(name, row, column)) for start, row, column in implied[:1]]
            continue
        named_columns = [hit for hit in column_hits if hit[2] != "total"]
        if not kept and named_columns and name in _DEFAULT_ROW and not any(rows.values()):
            kept = [(named_columns[0][0], _DEFAULT_ROW[name])]
        for start, row in kept:
            found += [(start, metric_for(name, row, column)) for column in (columns or [None])]
    if not found and _GENERIC_NEW.search(text):
        found.append((0, metric_for("requests", "new", None)))
    return tuple(dict.fromkeys(metric for _, metric in sorted(found, key=lambda f: f[0])))


def find_metrics(text: str) -> list[Metric]:
    """Metrics named in a question, in text order; the same words always give the same keys."""
    return list(_find_metrics(text))


_NOT_RESULTS = {"requests.new.total", "requests.carried_over.total", "requests.total.total",
                "requests.carried_forward.total"}


def _whole_key(key: str) -> Optional[str]:
    """What a figure is a share of: its row's 总计 (自然人 of 新收, 维持 of 行政复议), and for a 总计
    of an 办理结果 row the 办理结果总计 (予以公开率)."""
    if not key.endswith(".total"):
        return key.rsplit(".", 1)[0] + ".total"
    return "requests.total.total" if key.startswith("requests.") and key not in _NOT_RESULTS else None


def whole_of(metric: Metric) -> Optional[Metric]:
    """The metric a share (占比, 维持率, 败诉率) of this one is taken of, when the vocabulary has it."""
    wholes = tuple(dict.fromkeys(_whole_key(k) for k in metric.keys_for("2021")))
    if None in wholes or not wholes:
        return None
    return next((m for m in BY_ID.values() if m.keys_for("2021") == wholes), None)


def _group_has_named_row(table: _Table, group: str, named: set[str]) -> bool:
    members = {r for _, rows in table.rows[group].rows for r in rows}
    return bool(members & (named - {group}))


@lru_cache(maxsize=None)
def _all_metrics() -> dict[str, Metric]:
    """Every metric the vocabulary can produce: each key alone, each group, per default column."""
    metrics: dict[str, Metric] = {}
    for name, table in _TABLES.items():
        for row in table.rows:
            for column in [None, *table.columns]:
                metric = metric_for(name, row, column)
                if any(metric.keys_for(t) for t in TEMPLATES):
                    metrics.setdefault(metric.id, metric)
    return metrics


BY_ID = _all_metrics()
METRICS: list[Metric] = [BY_ID[metric_id] for metric_id in _NAMED] + [BY_ID[g] for g in ("withheld.total", "unable.total",
                                                                                        "not_processed.total")]
