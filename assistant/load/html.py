"""Portal web pages: find the report among navigation and share buttons, write it as text.

The page is parsed with a real HTML parser (lxml through BeautifulSoup). The report is found as a
reader finds it: the smallest element that holds the section headings (lines that open with one,
not a preface sentence that names all six) and every statistics table. Data tables become pipe
rows; layout tables (tables that hold tables) are read as ordinary blocks.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from assistant.errors import InputError
from assistant.load.grid import cell_text, pipe_rows
from assistant.models import DecodedText
from assistant.parse.normalize import compact, normalize
from assistant.parse.sections import heading_at_line_start

_DROP = ["script", "style", "noscript", "iframe", "nav", "form", "button", "select", "input", "svg", "head"]
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre",
           "dt", "dd", "center", "header", "footer", "main"}
_TABLE_PARTS = {"table", "tr", "td", "th", "tbody", "thead"}
_MARKERS = ["总体情况", "主动公开政府信息", "收到和处理政府信息公开申请", "行政复议", "存在的主要问题", "其他需要报告"]
_TABLE_MARKERS = ["第二十条", "本年新收", "予以公开", "结果维持", "尚未审结", "本年制发", "本年新制作"]
_MIN_MARKERS = 4


def html_to_text(markup: str, source: str) -> DecodedText:
    soup = BeautifulSoup(markup, "lxml")
    page_title = _article_title(soup.title.get_text(strip=True) if soup.title else "")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = _report_root(soup)
    if root is None:
        raise InputError(source, "网页中没有找到政府信息公开年度报告正文（缺少各部分标题）")
    lines: list[str] = []
    _render(root, lines)
    text = "\n".join(line for line in (_tidy(line) for line in lines) if line)
    if page_title and "报告" in page_title and page_title not in text[:200]:
        text = f"{page_title}\n{text}"
    return DecodedText(source=source, encoding="html", text=text + "\n")


def _article_title(page_title: str) -> str:
    """The report's own title from a portal's '<title>报告_栏目_站点</title>'."""
    return next((part.strip() for part in re.split(r"[_|｜]", page_title) if "报告" in part), "")


def _report_root(soup: BeautifulSoup) -> Tag | None:
    """The deepest element holding the most statistics tables among those holding at least four
    section headings; when no line opens with a heading, section titles anywhere in the text count."""
    tables = [t for t in soup.find_all("table") if not t.find("table") and _is_data_table(t)]
    headings: dict[int, set[str]] = defaultdict(set)
    elements: dict[int, Tag] = {}
    for holder, section_id in _heading_holders(soup):
        for element in _self_and_parents(holder):
            headings[id(element)].add(section_id)
            elements[id(element)] = element
    candidates = [elements[key] for key, found in headings.items() if len(found) >= _MIN_MARKERS]
    if not candidates:
        candidates = [tag for tag in soup.find_all(True)
                      if sum(marker in tag.get_text() for marker in _MARKERS) >= _MIN_MARKERS]
    if not candidates:
        return None
    held: Counter[int] = Counter(id(element) for table in tables for element in _self_and_parents(table))
    return max(candidates, key=lambda tag: (held[id(tag)], _depth(tag)))


def _is_data_table(table: Tag) -> bool:
    squeezed, _ = compact(normalize(table.get_text()))
    return any(marker in squeezed for marker in _TABLE_MARKERS)


def _heading_holders(soup: BeautifulSoup) -> Iterator[tuple[Tag, str]]:
    """Block elements with a line (text up to a <br> or a nested block) that opens with a heading."""
    for block in soup.find_all(list(_BLOCKS | {"td", "th"})):
        for line in _own_lines(block):
            section_id = heading_at_line_start(normalize(line))
            if section_id:
                yield block, section_id


def _own_lines(block: Tag) -> list[str]:
    lines = [""]

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                lines[-1] += str(child)
            elif child.name == "br":
                lines.append("")
            elif child.name not in _BLOCKS and child.name not in _TABLE_PARTS:
                walk(child)
            else:
                lines.append("")

    walk(block)
    return [line for line in lines if line.strip()]


def _self_and_parents(tag: Tag) -> Iterator[Tag]:
    yield tag
    yield from tag.parents


def _depth(tag: Tag) -> int:
    return sum(1 for _ in tag.parents)


def _render(node: Tag, lines: list[str]) -> None:
    """Blocks start new lines; inline content joins the current line; data tables become rows."""
    if not lines:
        lines.append("")
    for child in node.children:
        if isinstance(child, Tag):
            if child.name == "br":
                lines.append("")
            elif child.name == "table" and not child.find("table"):
                lines.extend(_table_rows(child))
                lines.append("")
            elif child.name in _BLOCKS or child.name in _TABLE_PARTS:
                lines.append("")
                _render(child, lines)
                lines.append("")
            else:
                _render(child, lines)
        else:
            lines[-1] += str(child)


def _table_rows(table: Tag) -> list[str]:
    rows = []
    for tr in table.find_all("tr"):
        rows.append([cell_text(td.get_text("\n")) for td in tr.find_all(["td", "th"], recursive=False)])
    return pipe_rows(rows)


def _tidy(line: str) -> str:
    return re.sub(r"[ \t\r\n\u00a0]+", " ", line).strip()
