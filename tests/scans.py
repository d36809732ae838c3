"""Reports as a scanner delivers them: pages rendered from a PDF to images at scanning resolution,
slightly rotated, with sensor noise, a little blur and JPEG artefacts, then packed as an image-only PDF.

The noise is drawn from a seeded generator, so the same document always gives the same scan.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import numpy as np
from PIL import Image, ImageFilter


def require_cjk_font() -> None:
    """PDFium and LibreOffice take Chinese glyphs from the system's fonts: without one, a rendered page
    prints boxes (or one glyph for all), and a test reading it back would fail for no reason of ours."""
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if listed is None or not listed.stdout.strip():
        raise RuntimeError("no CJK font is installed (Debian: apt-get install -y fonts-noto-cjk)")


def scanned_pages(pdf: bytes, dpi: int = 180, angle: float = 0.6, quality: int = 60, seed: int = 0) -> list[bytes]:
    """Each page of `pdf` as JPEG bytes of a noisy grey scan."""
    import pypdfium2

    require_cjk_font()

    generator = np.random.default_rng(seed)
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for index, page in enumerate(document):
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            tilt = angle if index % 2 == 0 else -angle
            image = image.rotate(tilt, resample=Image.BICUBIC, expand=True, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.6))
            pixels = np.asarray(image, dtype=np.float64)
            pixels = pixels * 0.92 + 12 + generator.normal(0, 10, pixels.shape)
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=quality)
            pages.append(out.getvalue())
    finally:
        document.close()
    return pages


def image_only_pdf(pages: list[bytes], dpi: int = 180) -> bytes:
    images = [Image.open(io.BytesIO(page)) for page in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()
