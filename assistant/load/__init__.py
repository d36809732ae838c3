"""Stage 1: turn a file on disk into decoded text (`DecodedText`), whatever format it came in.

The format is recognised from the content first (PDF, ZIP, OLE2, PNG and JPEG signatures, HTML markup) and the
file extension second, because reports are often saved under the wrong extension. The PDF, DOCX, HTML and image
readers are imported when a file needs them: their libraries (pdfplumber, python-docx, BeautifulSoup, numpy and PIL)
take a third of a second to import, which every `audit check` worker would pay for a batch of text files.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import InputError
from assistant.load.legacy_word import LEGACY_WORD_SUFFIXES, is_ole2, legacy_word_to_text
from assistant.load.signatures import IMAGE_SUFFIXES, is_image
from assistant.load.text import MAX_BYTES, decode_bytes
from assistant.models import DecodedText

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".shtml", ".docx", ".pdf"} | LEGACY_WORD_SUFFIXES | IMAGE_SUFFIXES
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|table|p)[\s>]", re.I | re.S)


def load_file(path: str | Path) -> DecodedText:
    """Read one report; raise `InputError` with a one-line reason for anything unreadable."""
    source = str(path)
    file_path = Path(path)
    try:
        if not file_path.is_file():
            raise InputError(source, "文件不存在或不是普通文件")
        size = file_path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(source, f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_BYTES // (1024 * 1024)} MB）")
        data = file_path.read_bytes()
    except OSError as error:
        raise InputError(source, f"无法读取文件（{error.strerror or error}）") from None
    return load_bytes(data, source, file_path.suffix.lower())


def load_bytes(data: bytes, source: str, suffix: str = "") -> DecodedText:
    if not data.strip():
        raise InputError(source, "文件为空")
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        from assistant.load.pdf import pdf_to_text

        return pdf_to_text(data, source)
    if data.startswith(b"PK\x03\x04"):
        from assistant.load.docx import docx_to_text

        return docx_to_text(data, source)
    if is_image(data):
        from assistant.load.ocr import image_to_text

        return image_to_text(data, source)
    if is_ole2(data):
        return legacy_word_to_text(data, source, suffix)
    if suffix == ".docx":
        raise InputError(source, "DOCX 文件已损坏或不是 Word 文档")
    if suffix == ".pdf":
        raise InputError(source, "PDF 文件已损坏（缺少 PDF 文件头）")
    if suffix in {".html", ".htm", ".shtml"} or _HTML_START.match(data[:4096]):
        from assistant.load.html import html_to_text

        return html_to_text(decode_bytes(data, source).text, source)
    return decode_bytes(data, source)


__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "decode_bytes", "load_bytes", "load_file"]
