"""What every page of the app shares: the index (opened once per process), uploads saved under
safe names, and one-line error messages instead of tracebacks."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

import streamlit as st

from assistant.answer import Assistant
from assistant.app.source_view import report_label
from assistant.config import Settings
from assistant.errors import InputError, StoreError
from assistant.ingest import Ingestor
from assistant.load import MAX_BYTES, SUPPORTED_SUFFIXES
from assistant.retrieve import Retriever

UPLOAD_TYPES = sorted(suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES)


def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="正在打开索引…")
def _ingestor(index_dir: str) -> Ingestor:
    """One process: while Streamlit runs a page, `__main__` is that page's script, and spawned
    worker processes would run it again on start-up (large batches belong to `audit ingest`)."""
    return Ingestor(Settings.from_env(index_dir), jobs=1)


def ingestor() -> Ingestor:
    return _ingestor(str(settings().index_dir))


@st.cache_resource(show_spinner=False)
def _retriever(index_dir: str) -> Retriever:
    store = _ingestor(index_dir)
    return Retriever(store.db, store.vectors)


def retriever() -> Retriever:
    """One per index, so the keyword index is rebuilt only when the store changes."""
    return _retriever(str(settings().index_dir))


def assistant() -> Assistant:
    return Assistant(ingestor().db, retriever(), settings())


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder or surprise a shell."""
    base = Path(name).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", stem).strip("._") or "report"
    return f"{stem[:80]}{suffix}"


def save_upload(upload, folder: Path) -> Path:
    """Save one uploaded file; a wrong type or an oversized file is an InputError."""
    name = safe_name(upload.name)
    if Path(name).suffix not in SUPPORTED_SUFFIXES:
        raise InputError(upload.name, f"不支持的文件类型，只接受 {'、'.join(UPLOAD_TYPES)}")
    if upload.size > MAX_BYTES:
        raise InputError(upload.name, f"文件过大（上限 {MAX_BYTES // 2**20} MB）")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(upload.getvalue())
    return path


@contextmanager
def shown_errors(action: str) -> Iterator[None]:
    """Errors become one sentence on the page, never a traceback."""
    try:
        yield
    except InputError as error:
        st.error(f"{action}失败：{error}")
    except StoreError:
        st.error(f"{action}失败：索引数据库暂时无法访问，请稍后重试或联系管理员。")
    except Exception as error:  # the page must survive anything a document or service throws
        st.error(f"{action}失败：{type(error).__name__}。请检查输入后重试。")


def report_choices() -> dict[str, int]:
    """Reports in the index, labelled for a select box."""
    return {f"{report_label(r.body, r.year, r.source)}（{Path(r.source).name}）": r.id for r in ingestor().db.reports()}
