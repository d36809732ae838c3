"""Damaged and unsuitable documents: one readable line each, nothing else in the batch lost."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from assistant.errors import InputError
from assistant.load import MAX_BYTES, load_bytes, load_file
from conftest import PROJECT, sample
from documents import report_blocks, to_docx, to_pdf
from test_seed_figures import SEED_EXPECTATIONS


def seed_blocks():
    expected = SEED_EXPECTATIONS["003"]
    return report_blocks(sample("003"), "2021", expected["figures"])


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt="secret")
    page.drawString(72, 720, "report")
    page.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page with only drawings, as a scanner produces (an image, no text layer)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    for y in range(100, 700, 20):
        page.rect(72, y, 400, 10, fill=1)
    page.save()
    return out.getvalue()


def zip_without_word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a word file")
    return out.getvalue()


BAD = {
    "truncated.docx": (lambda: to_docx(seed_blocks())[:3000], "DOCX"),
    "plain-zip.docx": (zip_without_word_document, "DOCX"),
    "truncated.pdf": (lambda: to_pdf(seed_blocks())[:1500], "PDF"),
    "garbage.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF"),
    "locked.pdf": (encrypted_pdf, "加密"),
    "scanned.pdf": (scanned_pdf, "文字层"),
    "portal.html": (lambda: "<html><body><nav>首页</nav><p>欢迎访问本网站</p></body></html>".encode(), "没有找到"),
    "renamed.docx": (lambda: "二、主动公开政府信息情况".encode(), "DOCX"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_damaged_document_is_one_line(name):
    make, reason = BAD[name]
    with pytest.raises(InputError) as raised:
        load_bytes(make(), name, "." + name.rsplit(".", 1)[1])
    assert reason in str(raised.value) and "\n" not in str(raised.value)


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    assert big.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match="文件过大"):
        load_file(big)


def test_batch_with_damaged_documents_keeps_the_good_ones(tmp_path):
    paths = []
    for name, (make, _) in sorted(BAD.items()):
        path = tmp_path / name
        path.write_bytes(make())
        paths.append(str(path))
    good = tmp_path / "good.docx"
    good.write_bytes(to_docx(seed_blocks()))
    result = subprocess.run([sys.executable, "-m", "assistant", "check", *paths, str(good), "--json"], cwd=PROJECT,
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 2
    errors = result.stderr.strip().split("\n")
    assert len(errors) == len(BAD) and all(e.startswith("audit: ") for e in errors)
    assert "Traceback" not in result.stderr
    assert '"source": "' + str(good) + '"' in result.stdout
