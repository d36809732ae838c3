"""Settings read from the environment, the way the command line, the app and CI configure the tool.

Secrets (API keys) are read here and never printed: `Settings.__repr__` masks them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Optional, get_args

from pydantic import BaseModel, Field, SecretStr

from assistant.errors import ConfigurationError

DEFAULT_INDEX = Path("index")


def _database_url_from_env() -> Optional[str]:
    return os.environ.get("AUDIT_DATABASE_URL") or None


Embedding = Literal["e5", "hashing"]


def _embedding_from(value: str) -> Embedding:
    if value not in get_args(Embedding):
        raise ConfigurationError(f"AUDIT_EMBEDDING 只能是 {' 或 '.join(get_args(Embedding))}，不是 {value!r}")
    return value


def _seconds_from(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(f"{name} 应为正数（秒），不是 {value!r}")
    return seconds


class Settings(BaseModel):
    """`database_url` (AUDIT_DATABASE_URL, postgresql://…) follows the environment even when the rest is
    given in code: which database holds the index is the deployment's choice. None: SQLite in index_dir."""
    index_dir: Path = DEFAULT_INDEX
    database_url: Optional[str] = Field(default_factory=_database_url_from_env, repr=False)
    chroma_url: Optional[str] = None
    embedding: Embedding = "hashing"
    embedding_model: Optional[str] = None
    llm_model: Optional[str] = None
    llm_timeout: float = 60.0
    openai_api_key: Optional[SecretStr] = Field(default=None, repr=False)
    openai_base_url: Optional[str] = None

    @classmethod
    def from_env(cls, index_dir: Optional[str | Path] = None) -> Settings:
        env = os.environ
        return cls(
            index_dir=Path(index_dir or env.get("AUDIT_INDEX") or DEFAULT_INDEX),
            database_url=_database_url_from_env(),
            chroma_url=env.get("AUDIT_CHROMA_URL") or None,
            embedding=_embedding_from(env.get("AUDIT_EMBEDDING") or "hashing"),
            embedding_model=env.get("AUDIT_EMBEDDING_MODEL") or None,
            llm_model=env.get("AUDIT_LLM_MODEL") or None,
            llm_timeout=_seconds_from("AUDIT_LLM_TIMEOUT", env.get("AUDIT_LLM_TIMEOUT") or "60"),
            openai_api_key=SecretStr(env["OPENAI_API_KEY"]) if env.get("OPENAI_API_KEY") else None,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
        )
