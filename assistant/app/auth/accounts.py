"""The accounts file: who may sign in to the app and with which role.

One JSON file (`AUDIT_ACCOUNTS`, default `<index>/accounts.json`, written with mode 0600) lists
accounts by name. A local account carries an argon2id hash of its password (salted, memory-hard,
no input-length limit, parameters upgradable: argon2-cffi's defaults, the first choice of OWASP's
password-storage guidance). An account without a hash is a role for an identity signed in through
the office's OIDC provider, named by its e-mail address or subject. The file is read again on
every check, so a removed account or a changed role takes effect at once.
"""

from __future__ import annotations

import json
import os
import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, Field, ValidationError

_HASHER = PasswordHasher()
# Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of any account")


class Role(str, Enum):
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"reviewer": "审核人员", "admin": "管理员"}[self.value]


class Account(BaseModel):
    name: str
    role: Role
    password_hash: Optional[str] = Field(default=None, repr=False)

    @property
    def local(self) -> bool:
        """Signs in with a password here (otherwise through the OIDC provider)."""
        return self.password_hash is not None


class AccountsFile(BaseModel):
    accounts: dict[str, Account] = {}


def accounts_path(index_dir: Path) -> Path:
    return Path(os.environ.get("AUDIT_ACCOUNTS") or index_dir / "accounts.json")


class AccountsFileError(ValueError):
    """The accounts file exists but cannot be read: nobody may sign in until it is fixed."""


def load(path: Path) -> AccountsFile:
    """The accounts in the file; none when it does not exist."""
    if not path.exists():
        return AccountsFile()
    try:
        return AccountsFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as error:
        raise AccountsFileError(f"账户文件 {path} 无法读取（{type(error).__name__}），请检查或重新建立账户") from None


def save(path: Path, accounts: AccountsFile) -> None:
    """Written to a private temporary file and renamed over the old one: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".accounts-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(accounts.model_dump(mode="json"), out, ensure_ascii=False, indent=2)
    os.replace(temporary, path)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(path: Path, name: str, password: str) -> Optional[Account]:
    """The local account when the name and password match, else None (the same work either way).

    A hash made with weaker parameters than today's defaults is replaced on a successful check."""
    account = load(path).accounts.get(name)
    stored = account.password_hash if account and account.local else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.local:
        return None
    if _HASHER.check_needs_rehash(stored):
        set_password(path, name, password)
    return account


def set_password(path: Path, name: str, password: str) -> None:
    accounts = load(path)
    accounts.accounts[name].password_hash = hash_password(password)
    save(path, accounts)
