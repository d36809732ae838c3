"""Is the text read from PDFs unchanged? Every PDF input the tests know, read by two checkouts.

Usage:
  python bench/pdf_identity.py make FOLDER          write the inputs once (so both checkouts read the same bytes)
  python bench/pdf_identity.py dump FOLDER OUT.json the `DecodedText` (or the one-line error) of each input
  PYTHONPATH=/path/to/other/checkout python bench/pdf_identity.py dump FOLDER OTHER.json
  cmp OUT.json OTHER.json

The inputs: the corpus PDFs, the seeds rendered by ReportLab (tests/documents.py), also without their
section 三 table (tests/test_unreadable_tables.py), the seeds' DOCX and the blank official template
converted by LibreOffice (when installed), the damaged, encrypted and drawing-only PDFs of
tests/test_bad_documents.py and an image-only scan (tests/scans.py). A PDF without a text layer is
recorded as sent to OCR, with a hash of its bytes, instead of being read by tesseract.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus"


def make(folder: Path) -> None:
    sys.path.insert(0, str(PROJECT / "tests"))
    import test_bad_documents as bad
    from conftest import sample
    from documents import report_blocks, requests_grid, to_docx, to_pdf
    from scans import image_only_pdf, scanned_pages
    from test_seed_figures import SEED_EXPECTATIONS

    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((CORPUS / "raw").glob("*.pdf")):
        shutil.copy(path, folder / path.name)
    documents = [CORPUS / "template" / "2021_blank_template.docx"]
    with tempfile.TemporaryDirectory() as scratch:
        for seed, expected in SEED_EXPECTATIONS.items():
            blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
            grid = requests_grid(expected["meta"]["template"], expected["figures"])
            (folder / f"seed{seed}.pdf").write_bytes(to_pdf(blocks))
            without_requests = [b for b in blocks if not (b[0] == "table" and b[1] == grid)]
            (folder / f"seed{seed}_no_requests.pdf").write_bytes(to_pdf(without_requests))
            documents.append(Path(scratch) / f"seed{seed}.docx")
            documents[-1].write_bytes(to_docx(blocks))
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{scratch}/lo", "--convert-to", "pdf",
                            "--outdir", scratch, *map(str, (d for d in documents if d.exists()))],
                           check=True, capture_output=True, timeout=600)
            for converted in Path(scratch).glob("*.pdf"):
                shutil.copy(converted, folder / f"libreoffice_{converted.name}")
    for name in ("truncated.pdf", "garbage.pdf", "locked.pdf", "scanned.pdf"):
        (folder / f"bad_{name}").write_bytes(bad.BAD[name][0]())
    (folder / "bad_header_only.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (folder / "bad_broken.pdf").write_bytes(b"%PDF-1.4 broken")
    expected = SEED_EXPECTATIONS["001"]
    pages = scanned_pages(to_pdf(report_blocks(sample("001"), expected["meta"]["template"], expected["figures"])))
    (folder / "scan001.pdf").write_bytes(image_only_pdf(pages[:2]))


def dump(folder: Path, out: Path) -> None:
    import assistant.load.pdf as pdf
    from assistant.errors import InputError

    pdf.scanned_pdf_to_text = lambda data, source: "OCR " + hashlib.sha256(data).hexdigest()
    read = {}
    for path in sorted(folder.glob("*.pdf")):
        try:
            text = pdf.pdf_to_text(path.read_bytes(), path.name)
            read[path.name] = text if isinstance(text, str) else text.model_dump()
        except InputError as error:
            read[path.name] = f"error {error}"
    out.write_text(json.dumps(read, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(read)} PDFs read by {pdf.__file__}")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
