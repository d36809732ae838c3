"""What an image file looks like, apart from the OCR that reads it: recognising a page image
must not cost a batch of text files the import of numpy and PIL."""

from __future__ import annotations

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


def is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))
