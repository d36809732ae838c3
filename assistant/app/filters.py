"""Why a filtered view is empty: the filter (or the combination of filters) that excluded every
report, said with what the index does have, so a user can correct the right one."""

from __future__ import annotations

from typing import Optional

from assistant.store import IndexDatabase


def why_empty(db: IndexDatabase, body: Optional[str], region: Optional[str], year: Optional[int],
              section: Optional[str]) -> str:
    """The filter (or combination) that excluded every report, with what the index does have."""
    reports = db.reports()
    filters = [("单位", body, {"body": body}), ("地区", region, {"region": region}), ("年度", year, {"year": year})]
    given = [(name, value, where) for name, value, where in filters if value]
    for name, value, where in given:
        if not db.reports(**where):
            known = {"地区": sorted({r.region for r in reports if r.region}),
                     "年度": sorted({str(r.year) for r in reports if r.year})}.get(name)
            return f"没有结果：索引中没有{name}为“{value}”的报告" + (f"（现有{name}：{'、'.join(known)}）。" if known else "。")
    combined = {key: value for _, _, where in given for key, value in where.items()}
    chosen = db.reports(**combined) if given else reports
    if not chosen:
        return "没有结果：没有同时满足" + "、".join(f"{name}“{value}”" for name, value, _ in given) + "的报告。"
    if section and not any(db.section_chunks(r.id, section) for r in chosen):
        return f"没有结果：符合条件的{len(chosen)}份报告都没有第{section}部分的正文。"
    return f"没有结果：符合条件的{len(chosen)}份报告中没有与查询相关的段落。"
