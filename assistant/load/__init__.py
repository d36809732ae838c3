"""Stage 1: turn a file on disk into decoded text (`DecodedText`)."""

from assistant.load.text import MAX_BYTES, decode_bytes, load_file

__all__ = ["MAX_BYTES", "decode_bytes", "load_file"]
