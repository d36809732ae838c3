"""Legacy Word (.doc) and WPS (.wps) files: converted to DOCX by LibreOffice headless, then read
by the DOCX loader, so that both formats give exactly the text (and figures) a DOCX would.

County and town portals still publish these binary formats. Both are OLE2 compound files, which is
how they are recognised when the extension is wrong. The conversion runs in a temporary folder that
also holds a throw-away LibreOffice profile (so concurrent conversions never share a profile lock and
nothing is left in the user's home); the folder is removed whatever happens, and a conversion that
hangs is killed after `CONVERT_TIMEOUT_S` seconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from assistant.errors import InputError
from assistant.models import DecodedText

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_WORD_SUFFIXES = {".doc", ".wps"}
CONVERT_TIMEOUT_S = 120
GROUP_EXIT_WAIT_S = 5


def is_ole2(data: bytes) -> bool:
    return data.startswith(OLE2_SIGNATURE)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_word_to_text(data: bytes, source: str, suffix: str) -> DecodedText:
    kind = suffix.lstrip(".").upper() if suffix in LEGACY_WORD_SUFFIXES else "DOC"
    soffice = soffice_path()
    if soffice is None:
        raise InputError(source, f"无法读取 {kind} 文件：未安装 LibreOffice（apt-get install libreoffice-writer-nogui）")
    docx_bytes = _convert_to_docx(soffice, data, source, kind)
    from assistant.load.docx import docx_to_text  # python-docx loads slowly; most batches hold no Word file

    decoded = docx_to_text(docx_bytes, source)
    return decoded.model_copy(update={"encoding": kind.lower()})


def _convert_to_docx(soffice: str, data: bytes, source: str, kind: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="audit-word-") as folder:
        work = Path(folder)
        original = work / f"report.{kind.lower()}"
        original.write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore", "--infilter=MS Word 97",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(original)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise InputError(source, f"{kind} 文件转换超时（LibreOffice 超过 {CONVERT_TIMEOUT_S} 秒未完成）") from None
        finally:
            _kill_group(process)
        converted = work / "out" / "report.docx"
        if not converted.is_file():
            raise InputError(source, f"{kind} 文件已损坏或加密，LibreOffice 无法转换")
        return converted.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """LibreOffice forks helpers (oosplash → soffice.bin); stop the whole session it started and wait
    until its members are gone, so none still writes into the folder being removed (SIGKILL lands
    asynchronously: soffice.bin was seen alive after its parent had been reaped)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    deadline = time.monotonic() + GROUP_EXIT_WAIT_S
    while _group_has_live_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def _group_has_live_members(group: int) -> bool:
    """Whether a process of the group is still running; zombies are dead (their reaping is init's job)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False
