"""Builders for hand-checked table expectations: the numbers are written in the tests, by row, as
read from the source by a person; these helpers only attach the canonical keys to them."""

from __future__ import annotations

from assistant import catalogue

Z7 = [0] * 7
B = None


def row7(natural, total, commercial=0, research=0, social=0, legal=0, other_org=0) -> list:
    return [natural, commercial, research, social, legal, other_org, total]


def requests(template: str, rows: dict[str, list], default: list = Z7) -> dict:
    """Rows named in `rows` take those values; every other row of the template is `default`."""
    names = [row for row, _ in catalogue.request_rows(template)]
    unknown = set(rows) - set(names)
    assert not unknown, f"not rows of the {template} template: {unknown}"
    columns = [c for c, _ in catalogue.APPLICANT_COLUMNS]
    return {f"requests.{row}.{c}": value
            for row in names for c, value in zip(columns, rows.get(row, default), strict=True)}


def appeals(review, direct, after) -> dict:
    groups = {"review": review, "suit_direct": direct, "suit_after_review": after}
    return {f"appeals.{g}.{o}": v for g, values in groups.items()
            for (o, _), v in zip(catalogue.APPEAL_OUTCOMES, values, strict=True)}


def active(template: str, rows: dict[str, list]) -> dict:
    found = {}
    for row in catalogue.active_rows(template):
        values = rows[row.stem.split(".", 1)[1]]
        found.update({f"{row.stem}.{c}": v for (c, _), v in zip(row.columns, values, strict=True)})
    return found


def mismatches(report, expected: dict) -> dict:
    """What differs between a report and a hand-checked expectation (meta fields and figures)."""
    found = {f"meta.{k}": (getattr(report.meta, k), v) for k, v in expected["meta"].items() if getattr(report.meta, k) != v}
    found.update({k: (report.figures.get(k), v) for k, v in expected["figures"].items() if report.figures.get(k) != v})
    return found
