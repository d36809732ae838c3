"""Report metadata: title, issuing body, region, year and the template its tables follow.

Sources are tried from most to least reliable (crawler header fields and the title, then the
statistics period and the text, the file name only as a last resort), because a stale date in a
signature or a neighbouring year in the narrative is common in real reports.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Optional

from assistant.parse.normalize import compact

_HEADER_RULE = re.compile(r"(?m)^=+\s*正文\s*=+\s*$")
_HEADER_FIELD = re.compile(r"(?m)^(标题|发布机构|发布时间|文号)\s*[:：]\s*(.*)$")
_YEAR = r"((?:19|20)\d\d)\s*年"
_ADMIN_SUFFIX = ("自治区", "省", "市", "州", "区", "县", "旗")
_NOT_REGIONS = {"全区", "本区", "我区", "城区", "社区", "小区", "辖区", "园区", "片区", "景区", "市场", "城市", "全市",
                "本市", "我市", "全县", "本县", "我县", "街区", "新区", "地区", "山区", "库区", "校区", "试验区", "实验区"}
_SUB_AREAS = ("片区", "园区", "景区", "社区", "小区", "街区")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{3,30}(?:办公室|局|委员会|委|政府|街道|镇|乡|中心|办|厅|部|署|院|区|县|市)$")


def crawler_header(text: str) -> tuple[dict[str, str], int]:
    """Fields of a crawler header block and the offset where the report body starts (0 if none)."""
    rule = _HEADER_RULE.search(text)
    if rule is None:
        return {}, 0
    fields = {name: value.strip() for name, value in _HEADER_FIELD.findall(text[: rule.start()])}
    return fields, rule.end()


def find_title(text: str, header: dict[str, str], body_start: int) -> Optional[str]:
    if header.get("标题"):
        return header["标题"]
    previous = ""
    for line in text[body_start:].split("\n")[:8]:
        line = line.strip()
        if not line:
            continue
        if "报告" in line and len(line) <= 60 and not re.match(r"^[一二三四五六1-6][、.]", line):
            return previous + line if _ORG_LINE.match(previous) else line
        previous = line
    return None


def find_year(title: Optional[str], text: str, section_one: str, source: str) -> Optional[int]:
    if title:
        match = re.search(_YEAR, title)
        if match:
            return int(match.group(1))
    period = re.search(r"统计(?:期限|时限|期间|时段|周期)[^。\n]{0,12}?" + _YEAR, text)
    if period:
        return int(period.group(1))
    years = Counter(int(y) for y in re.findall(_YEAR, section_one))
    if years:
        return years.most_common(1)[0][0]
    match = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(source).name)
    return int(match.group(1)) if match else None


def find_body(title: Optional[str], header: dict[str, str], text: str, body_start: int) -> Optional[str]:
    if title:
        name = re.sub(r"^关于", "", title.strip())
        name = re.sub(_YEAR + r"度?", "", name)
        name = re.split(r"关于|政府信息公开|政务公开|信息公开", name)[0].strip(" 　:：")
        if len(name) >= 2:
            return name
    publisher = header.get("发布机构", "")
    if len(publisher) >= 4 and re.search(r"[\u4e00-\u9fff]", publisher):
        return publisher
    for line in text[body_start:].split("\n")[:6]:
        if _ORG_LINE.match(line.strip()):
            return line.strip()
    mention = Counter(
        re.sub(r"^[年月日的和在由为是及对]", "", m) for m in re.findall(r"[\u4e00-\u9fff]{2,8}?(?:区|县|市)人民政府办公室", text)
    )
    return mention.most_common(1)[0][0] if mention else None


def find_region(body: Optional[str], text: str) -> Optional[str]:
    """The administrative area of the body: its leading place names, else the one the text names most."""
    if body:
        region = _leading_places(body)
        if region:
            return region
    mentions = Counter(
        m for m in re.findall(r"[\u4e00-\u9fff]{2,4}?(?:区|县|市)", text)
        if m not in _NOT_REGIONS and not m.startswith(("全", "本", "我", "各", "该"))
    )
    return mentions.most_common(1)[0][0] if mentions else None


def _leading_places(name: str) -> Optional[str]:
    units, _ = place_units(name)
    return "".join(units) or None


def place_units(name: str) -> tuple[list[str], str]:
    """The administrative units a name starts with, and the rest: '淮安市洪泽区人民政府' →
    (['淮安市', '洪泽区'], '人民政府'); '平潭综合实验区财政金融局' → (['平潭综合实验区'], '财政金融局')."""
    units: list[str] = []
    rest = name
    for _ in range(3):
        match = re.match(r"^([\u4e00-\u9fff]{2,9}?(?:自治区|省|市|州|区|县|旗))", rest)
        if match is None or match.group(1) in _NOT_REGIONS or match.group(1).endswith(_SUB_AREAS):
            break
        units.append(match.group(1))
        rest = rest[match.end():]
    return units, rest


_MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
_MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额")


def detect_template(section_two: str, section_three: str) -> Optional[str]:
    """Which template the tables follow, from their own headers (never from the year)."""
    squeezed, _ = compact(section_two)
    score_2021 = sum(marker in squeezed for marker in _MARKERS_2021)
    score_2019 = sum(marker in squeezed for marker in _MARKERS_2019)
    if score_2021 != score_2019:
        return "2021" if score_2021 > score_2019 else "2019"
    requests, _ = compact(section_three)
    if re.search(r"逾期不补正|收费通知", requests):
        return "2021"
    if re.search(r"\(六\)其他处理[\d\s|]", requests):
        return "2019"
    return None
