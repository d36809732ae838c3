"""Reading one table cell's raw text into a value and a status.

Blank is "not reported", never 0; a count written with a unit or sign is kept but marked, so the
checks can say what is wrong with it instead of silently repairing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import UNSURE_MARK, CellStatus, Number

BLANK_MARKS = {"", "-", "/", "\\", "--", "无", "空", "—", "――"}
OCR_UNSURE_NOTE = "文字识别（OCR）结果存疑"
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<unit>万元|元|个|件|项|条|家|次|%)?$")


@dataclass(frozen=True)
class CellReading:
    """A cell as read from the source: raw text, decoded offset, value and why it may be doubtful."""

    raw: str
    offset: int
    value: Number | None
    status: CellStatus
    note: str = ""


@lru_cache(maxsize=1 << 16)
def read_cell(raw: str, offset: int, *, signed: bool = False, decimal: bool = False) -> CellReading:
    """Cached: splitting a flattened run reads the same piece at the same offset in many of its
    candidate readings (the result is an immutable value, so sharing it is safe)."""
    text = raw.strip()
    if text in BLANK_MARKS:
        return CellReading(text, offset, None, CellStatus.BLANK)
    if text.startswith(UNSURE_MARK):
        return CellReading(text, offset, None, CellStatus.AMBIGUOUS, OCR_UNSURE_NOTE)
    squeezed = _SPACE.sub("", text)
    match = _NUMBER.match(squeezed)
    if match is None:
        return CellReading(text, offset, None, CellStatus.NOT_NUMBER, "不是数字")
    magnitude = float(match["digits"].replace(",", "") + (match["fraction"] or ""))
    value: Number = -magnitude if match["sign"] == "-" else magnitude
    unit = match["unit"] or ""
    notes: list[str] = []
    if decimal:
        if unit == "元":
            value = value / 10000
            notes.append("金额以“元”填写，已换算为万元")
        elif unit and unit != "万元":
            notes.append(f"金额带有单位“{unit}”")
        return CellReading(text, offset, _tidy(value), CellStatus.NOT_NUMBER if notes else CellStatus.OK, "；".join(notes))
    if match["fraction"]:
        notes.append("计数单元格出现小数")
    if match["sign"] == "-" and not signed:
        notes.append("计数单元格为负数")
    if unit:
        notes.append(f"数字带有单位“{unit}”")
    return CellReading(text, offset, _tidy(value), CellStatus.NOT_NUMBER if notes else CellStatus.OK, "；".join(notes))


def _tidy(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(value, 6)
