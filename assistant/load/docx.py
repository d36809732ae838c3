"""Word files: paragraphs and tables in body order (python-docx), tables as pipe rows.

python-docx repeats a merged cell for every grid column and row it covers; each cell is written
once, in the row where it starts, so a label spanning three columns stays one token.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import InputError
from assistant.load.grid import cell_text, pipe_rows
from assistant.models import DecodedText


def docx_to_text(data: bytes, source: str) -> DecodedText:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(source, f"DOCX 文件已损坏或不是 Word 文档（{type(error).__name__}）") from None
    except Exception as error:  # python-docx raises several internal types for damaged packages
        raise InputError(source, f"无法读取 DOCX 文件（{type(error).__name__}）") from None
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append(Paragraph(element, document).text.strip())
        elif element.tag == qn("w:tbl"):
            lines.extend(_table_rows(Table(element, document)))
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise InputError(source, "DOCX 文件中没有文字内容")
    return DecodedText(source=source, encoding="docx", text=text + "\n")


def _table_rows(table: Table) -> list[str]:
    seen: set = set()
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            nested = "".join(" ".join(_table_rows(inner)) for inner in cell.tables)
            cells.append(cell_text(cell.text + nested))
        rows.append(cells)
    return pipe_rows(rows)
