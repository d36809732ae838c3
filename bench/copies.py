"""Batches at scale made from the real reports: copies until there are as many as wanted.

A province's batch holds one report per body and year, so a copy must not be another version of its
original's report: each text copy after the first round names another body (the original's name
with a tag after its place names, everywhere it occurs), so questions, cross-year rules and answers
meet as many bodies as reports, as they would in use. Copies still repeat their originals'
sentences, so the index reuses their vectors: embedding cost is measured on its own (index_scale).
A PDF's text cannot be rewritten, so its copies stay versions of its body's report; every copy gets
a marker line (a PDF after its end), so no two files have the same content hash.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

# Tags are stems and branches, not digits: a digit in a body's name would be read as a figure
TAG_SIGNS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def copies(folder: Path, originals: list[Path], wanted: int) -> list[Path]:
    """`wanted` files in folder: round 0 is the originals, round r renames the text copies' bodies."""
    made: list[Path] = []
    round_number = 0
    while len(made) < wanted:
        for original in originals[: wanted - len(made)]:
            target = folder / f"r{round_number:04d}_{original.name}"
            target.write_bytes(_copy(original, round_number))
            made.append(target)
        round_number += 1
    return made


def _copy(original: Path, round_number: int) -> bytes:
    marker = f"\n（第{round_number}份副本）\n".encode("utf-8")
    if original.suffix != ".txt":
        return original.read_bytes() + b"\n%" + marker
    text = original.read_text(encoding="utf-8")
    body = _body(original)
    if round_number and body:
        text = text.replace(body, _renamed(body, round_number))
    return text.encode("utf-8") + marker


def _renamed(body: str, round_number: int) -> str:
    from assistant.parse.meta import place_units

    units, rest = place_units(body)
    return "".join(units) + tag(round_number) + rest


def tag(number: int) -> str:
    """A name part of stems and branches, different for every number ≥ 1."""
    signs = ""
    while number:
        number, digit = divmod(number - 1, len(TAG_SIGNS))
        signs = TAG_SIGNS[digit] + signs
    return signs


@lru_cache(maxsize=None)
def _body(original: Path) -> Optional[str]:
    from assistant.load import load_file
    from assistant.parse import extract

    return extract(load_file(original)).meta.body
