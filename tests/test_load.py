"""Decoding of text reports in the encodings they are published in, and rejection of non-text."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.load import decode_bytes, load_file
from assistant.parse import extract
from conftest import sample

# NBSP has no GBK code; the extractor treats it as a space anyway, so every encoding gets the same text.
SEED_TEXT = sample("000").read_text(encoding="utf-8").replace("\xa0", " ")


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_every_published_encoding_decodes_to_the_same_figures(encoding, prefix):
    data = prefix + SEED_TEXT.encode(encoding)
    document = decode_bytes(data, "seed")
    assert document.text == SEED_TEXT
    assert extract(document).figures == extract(decode_bytes(SEED_TEXT.encode("utf-8"), "seed")).figures


def test_windows_line_endings_keep_line_numbers():
    document = decode_bytes(SEED_TEXT.replace("\n", "\r\n").encode("utf-8"), "crlf")
    assert extract(document).cell("requests.new.total").line == 82


def test_full_width_digits_are_read_but_lines_and_raw_text_are_kept():
    text = SEED_TEXT.replace("\t31\n", "\t３１\n", 1)
    report = extract(decode_bytes(text.encode("utf-8"), "fullwidth"))
    cell = report.cell("requests.new.natural")
    assert (cell.value, cell.line) == (31, 76)
    assert report.document.line_text(cell.line) == "\t３１"


@pytest.mark.parametrize("data, reason", [
    (b"", "文件为空"),
    (b"   \n\n", "文件为空"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "DOCX"),
    (bytes(range(256)) * 20, "二进制"),
    (b"just some english text without any report in it\n", "没有中文"),
])
def test_bad_input_is_one_readable_line(data, reason):
    with pytest.raises(InputError) as raised:
        decode_bytes(data, "bad.txt")
    message = str(raised.value)
    assert reason in message and "\n" not in message and message.startswith("bad.txt: ")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="不存在"):
        load_file(tmp_path / "nope.txt")


def test_invalid_utf8_that_is_not_gb18030_either(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("年度报告".encode("utf-8") + b"\x80\xff\xfe\x81\x30")
    with pytest.raises(InputError, match="编码"):
        load_file(path)
