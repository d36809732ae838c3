"""The source as a reviewer checks it: lines numbered as `audit extract --text` numbers them (the
numbers every citation uses), the cited lines highlighted with three lines either side, matched
search terms marked; and reports named by body and year, never by a hashed file name.

HTML rather than st.code or st.dataframe, so long lines wrap instead of being cut."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Optional

CONTEXT = 3
_TABLE = ('<table style="border-collapse:collapse;width:100%;font-size:0.9rem;line-height:1.5;'
          'table-layout:fixed" class="source-lines">')
_NUMBER = ('<td class="line-number" style="width:4.5em;text-align:right;padding:0 0.8em 0 0;color:#6b7280;'
           'vertical-align:top;border:none;font-family:monospace">{}</td>')
_LINE = '<td style="white-space:pre-wrap;word-break:break-all;padding:0;border:none;vertical-align:top">{}</td>'
_HIT = "background:#fff3bf;font-weight:600"
_MARK = '<mark style="background:#ffe066;padding:0 1px">{}</mark>'


def report_label(body: Optional[str], year: Optional[int], source: str) -> str:
    """'定海区人民政府办公室 2021年', or the file name when the body is not known."""
    name = body or Path(source).name
    return f"{name} {year}年" if year else name


def escape(text: str) -> str:
    """HTML-escaped, with '$' escaped too so that Streamlit's Markdown does not read it as maths."""
    return html.escape(text).replace("$", "&#36;")


def mark_terms(escaped: str, terms: Iterable[str]) -> str:
    """Wrap every occurrence of the terms (longest first) in <mark>."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(escape(w)) for w in words), re.IGNORECASE)
    return pattern.sub(lambda m: _MARK.format(m.group(0)), escaped)


def numbered_lines(text: str, first: int, last: int, highlight: Iterable[int] = (),
                   terms: Iterable[str] = ()) -> str:
    """Lines first..last (1-based, clipped to the text) as an HTML table with their numbers."""
    lines = text.split("\n")
    marked, words = set(highlight), list(terms)
    rows = []
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        content = mark_terms(escape(lines[number - 1].rstrip("\r")), words) or "&nbsp;"
        style = f' style="{_HIT}" class="cited-line"' if number in marked else ""
        rows.append(f"<tr{style}>{_NUMBER.format(number)}{_LINE.format(content)}</tr>")
    return _TABLE + "".join(rows) + "</table>"


def around(text: str, line: int, last_line: Optional[int] = None, terms: Iterable[str] = ()) -> str:
    """The cited line (or lines line..last_line) highlighted, with CONTEXT lines either side."""
    end = last_line or line
    return numbered_lines(text, line - CONTEXT, end + CONTEXT, range(line, end + 1), terms)
