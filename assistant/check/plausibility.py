"""Section 二 plausibility: document counts that cannot be true, and fee amounts in the wrong unit."""

from __future__ import annotations

from assistant.catalogue import key_label
from assistant.check.evidence import cells_evidence, fmt
from assistant.models import Finding, Report

FEE_KEYS = ("active.admin_fee.amount_10k_yuan", "active.procurement.amount_10k_yuan")
IMPLAUSIBLE_10K_YUAN = 10_000_000


def check_active_docs(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for stem in ("active.regulation", "active.normative_doc"):
        if report.meta.template == "2019":
            published, total = report.value(f"{stem}.new_published"), report.value(f"{stem}.total_published")
            if published is not None and total is not None and total < published:
                keys = [f"{stem}.new_published", f"{stem}.total_published"]
                findings.append(Finding(
                    rule="ACTIVE_DOC_PLAUSIBLE", severity="warning", keys=keys, evidence=cells_evidence(report, keys),
                    message=f"{key_label(keys[1])}（{fmt(total)}）小于{key_label(keys[0])}（{fmt(published)}），不合常理。"))
            continue
        issued, repealed, in_force = (report.value(f"{stem}.{c}") for c in ("issued", "repealed", "in_force"))
        if None not in (issued, repealed, in_force) and issued > in_force + repealed:
            keys = [f"{stem}.issued", f"{stem}.repealed", f"{stem}.in_force"]
            findings.append(Finding(
                rule="ACTIVE_DOC_PLAUSIBLE", severity="warning", keys=keys, evidence=cells_evidence(report, keys),
                message=(f"{key_label(keys[0])}为{fmt(issued)}，大于现行有效件数{fmt(in_force)}与本年废止件数{fmt(repealed)}之和，"
                         "本年制发的文件应计入现行有效或废止，请核对。")))
    return findings


def check_fee_unit(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for key in FEE_KEYS:
        cell = report.cell(key)
        if cell is None or not cell.raw:
            continue
        reasons = []
        if "元" in cell.raw and "万元" not in cell.raw:
            reasons.append("以“元”为单位填写，表格要求万元")
        if cell.value is not None and cell.value >= IMPLAUSIBLE_10K_YUAN:
            reasons.append(f"数值{fmt(cell.value)}万元（即{cell.value / 10000:g}亿元）量级不合理，可能误以元填报")
        if reasons:
            findings.append(Finding(rule="FEE_UNIT", severity="warning", keys=[key], evidence=cells_evidence(report, [key]),
                                    message=f"“{key_label(key)}”{'；'.join(reasons)}。"))
    return findings
