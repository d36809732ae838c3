"""Portal web pages: find the report among navigation and share buttons, write it as text.

The page is parsed with a real HTML parser (lxml through BeautifulSoup). The report is the
deepest element holding most section headings; data tables become pipe rows, layout tables
(tables that hold tables) are read as ordinary blocks.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag

from assistant.errors import InputError
from assistant.load.grid import cell_text, pipe_rows
from assistant.models import DecodedText

_DROP = ["script", "style", "noscript", "iframe", "nav", "form", "button", "select", "input", "svg", "head"]
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre",
           "dt", "dd", "center", "header", "footer", "main"}
_MARKERS = ["总体情况", "主动公开政府信息", "收到和处理政府信息公开申请", "行政复议", "存在的主要问题", "其他需要报告"]
_MIN_MARKERS = 4


def html_to_text(markup: str, source: str) -> DecodedText:
    soup = BeautifulSoup(markup, "lxml")
    page_title = soup.title.get_text(strip=True) if soup.title else ""
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


def _report_root(soup: BeautifulSoup) -> Tag | None:
    best: Tag | None = None
    for tag in soup.find_all(True):
        text = tag.get_text()
        if sum(marker in text for marker in _MARKERS) >= _MIN_MARKERS:
            best = tag
    return best


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
            elif child.name in _BLOCKS or child.name in {"table", "tr", "td", "th", "tbody", "thead"}:
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
