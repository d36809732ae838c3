"""Decoding of plain-text and Markdown reports.

Published reports arrive as UTF-8 (with or without BOM), GB18030/GBK from older Windows tools, and
occasionally UTF-16. Detection is deterministic (BOM, NUL pattern, strict trial decodes) rather than
statistical, so the same bytes always decode the same way and errors are explainable.
"""

from __future__ import annotations

import re

from assistant.errors import InputError
from assistant.models import DecodedText

MAX_BYTES = 50 * 1024 * 1024

_FOREIGN_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "内容是 PDF 文件而不是文本，请按 PDF 格式提交"),
    (b"PK\x03\x04", "内容是压缩包或 DOCX/XLSX 文件而不是文本"),
    (b"\xd0\xcf\x11\xe0", "内容是旧版 Office（DOC/XLS）文件而不是文本"),
    (b"\x89PNG", "内容是 PNG 图片而不是文本"),
    (b"\xff\xd8\xff", "内容是 JPEG 图片而不是文本"),
    (b"GIF8", "内容是 GIF 图片而不是文本"),
]
# Control characters other than \t \n \v \f \r.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def decode_bytes(data: bytes, source: str) -> DecodedText:
    if not data.strip():
        raise InputError(source, "文件为空")
    for signature, reason in _FOREIGN_SIGNATURES:
        if data.startswith(signature):
            raise InputError(source, reason)
    text, encoding = _decode(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 100):
        raise InputError(source, "内容像二进制文件，无法作为文本读取")
    if not _CJK.search(text):
        raise InputError(source, "文本中没有中文内容，不是政府信息公开年度报告")
    return DecodedText(source=source, encoding=encoding, text=text)


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", source), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, source), utf16
    if b"\x00" in data:
        raise InputError(source, "内容含有空字节，像二进制文件，无法作为文本读取")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(source, "无法识别文本编码（既不是 UTF-8、UTF-16，也不是 GB18030/GBK）")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows NUL in every other byte for ASCII; CJK text rarely has any NUL."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.05 and odd_nuls > 3 * even_nuls:
        return "utf-16-le"
    if even_nuls > half * 0.05 and even_nuls > 3 * odd_nuls:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(source, f"按 {encoding} 解码失败，文件可能已损坏") from None
