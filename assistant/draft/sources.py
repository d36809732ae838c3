"""Finding the report a memo is about: a file on disk, or a report in the index named by body and
year ('定海区 2021', '定海区2021年'), together with its findings and the same body's report for
the year before (for the cross-year parts of the memo)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from assistant.answer.question import Entities
from assistant.check import check_report
from assistant.check.cross_year import body_key, carry_over, copied, resolved_by_previous
from assistant.errors import InputError
from assistant.load import load_file
from assistant.models import Finding, Report
from assistant.parse import extract
from assistant.store import IndexDatabase


def report_for_memo(name: str, db: Optional[IndexDatabase]) -> tuple[Report, list[Finding], Optional[Report]]:
    path = Path(name)
    if path.is_file():
        report = extract(load_file(path))
        if db is not None:
            report = db.with_previous_year(report)
        previous = previous_in_index(report, db) if db else None
        findings = check_report(report) + resolved_by_previous(report)
        if previous is not None:
            findings += carry_over(previous, report) + copied(report, previous, same_body=True)
        return report, findings, previous
    if db is None:
        raise InputError(name, "文件不存在，也没有可查询的索引")
    year_match = re.search(r"((?:19|20)\d\d)", name)
    entities = Entities.from_reports(db.reports())
    bodies = entities.find(name, entities.bodies)
    if not bodies:
        raise InputError(name, f"既不是文件，也不是索引中的单位名称（例如：定海区 2021）；{db.coverage().sentence()}")
    of_body = db.reports(body_key=bodies[0][0])
    candidates = [r for r in of_body if not year_match or r.year == int(year_match.group(1))]
    if not candidates:
        years = "、".join(str(r.year) for r in of_body if r.year)
        raise InputError(name, f"索引中没有{of_body[0].body or '该单位'}{year_match.group(1)}年度的报告"
                               f"（该单位有{years or '年度不明'}年度的报告）；{db.coverage().sentence()}")
    stored = max(candidates, key=lambda r: r.year or 0)
    report = db.load_report(stored.id)
    return report, db.findings(stored.id), previous_in_index(report, db)


def previous_in_index(report: Report, db: IndexDatabase) -> Optional[Report]:
    """The same body's report of the year before, as the index holds it (the one ingest compares with)."""
    previous = db.previous_report(body_key(report), report.meta.year)
    return db.load_report(previous.id) if previous else None
