"""A small document model (headings, paragraphs, lists, quotations, tables) written out as
Markdown or as a Word file, so that both carry exactly the same content."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Union

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Quote:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


Block = Union[Heading, Paragraph, Bullets, Quote, Table]


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def to_markdown(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Quote):
            lines += [f"> {line}" for line in block.text.split("\n")] + [""]
        else:
            if block.caption:
                lines += [f"**{block.caption}**", ""]
            lines.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
            lines.append("|" + "---|" * len(block.header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_docx(document: Document) -> bytes:
    word = docx.Document()
    style = word.styles["Normal"]
    style.font.size = Pt(10.5)
    title = word.add_heading(document.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(block.level, 4))
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Quote):
            word.add_paragraph(block.text, style="Intense Quote")
        else:
            if block.caption:
                word.add_paragraph(block.caption, style="Caption")
            table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            for column, text in enumerate(block.header):
                table.cell(0, column).text = text
                for run in table.cell(0, column).paragraphs[0].runs:
                    run.bold = True
            for row_number, row in enumerate(block.rows, 1):
                for column, text in enumerate(row):
                    table.cell(row_number, column).text = text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
