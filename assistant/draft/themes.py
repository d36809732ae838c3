"""Theme tags for problems and measures, from a documented taxonomy (themes.toml) that users can
extend with their own file (AUDIT_THEMES): same shape, a theme of the same name is replaced."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Theme:
    name: str
    keywords: tuple[str, ...]


@lru_cache(maxsize=4)
def load_themes(extra: Optional[str] = None) -> tuple[Theme, ...]:
    sources = [resources.files("assistant.draft").joinpath("themes.toml").read_text(encoding="utf-8")]
    extra = extra if extra is not None else os.environ.get("AUDIT_THEMES")
    if extra:
        sources.append(Path(extra).read_text(encoding="utf-8"))
    themes: dict[str, Theme] = {}
    for source in sources:
        for entry in tomllib.loads(source).get("theme", []):
            themes[entry["name"]] = Theme(entry["name"], tuple(entry["keywords"]))
    return tuple(themes.values())


def tag(text: str, themes: tuple[Theme, ...]) -> list[str]:
    return [theme.name for theme in themes if any(keyword in text for keyword in theme.keywords)]
