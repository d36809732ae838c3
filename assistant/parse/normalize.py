"""Offset-preserving normalisation.

Every transformation maps one character to one character, so an offset in the normalised text is
the same offset in the decoded text and line numbers stay exact for provenance.
"""

from __future__ import annotations

import re

_SPACES = "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TABLE.update({ord(char): " " for char in _SPACES})
_TABLE.update({ord("\u3007"): "0", ord("\u2014"): "-", ord("\u2212"): "-", ord("\uff0d"): "-"})
# Markup left in text by exporters: HTML comments (Word), Markdown emphasis and line breaks in cells.
_NOT_SPACE = re.compile(r"\S+")  # \s is str.isspace()
_NOISE = re.compile(r"<!--.*?-->|<!\[[^\]]*\]>|-->|<!--|\*\*|__|<br\s*/?>")


def normalize(text: str) -> str:
    """Full-width digits/punctuation to ASCII, exotic spaces to ' ', markup noise blanked out
    (replaced by as many spaces, so offsets do not move)."""
    translated = text.translate(_TABLE)
    return _NOISE.sub(lambda match: _blank(match.group(0)), translated)


def _blank(fragment: str) -> str:
    return "".join("\n" if char == "\n" else " " for char in fragment)


def compact(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, with each kept character's offset in `text`.

    Headings and row labels are matched on this form because published tables break words with
    spaces and line breaks ('本年度办 理结果', '结果\\n维持').
    """
    kept: list[str] = []
    offsets: list[int] = []
    for run in _NOT_SPACE.finditer(text):
        kept.append(run.group(0))
        offsets.extend(range(run.start(), run.end()))
    return "".join(kept), offsets
