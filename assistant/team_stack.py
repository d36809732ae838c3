"""`audit team-stack`: the team deployment on one Debian server, started by one command.

PostgreSQL from Debian's package (the cluster started, the `audit` role and database created when
missing), a Chroma server (`chroma run` on a loopback port, data under the state folder) and the
app on the office address with the login required. Idempotent: a running service is left alone,
the settings are kept in `<state>/team.env` (mode 0600, the database password generated once) and
read back by the next run, so `deploy/team-stack` can be run again after a reboot.

A database or Chroma server the office already runs plugs in through `AUDIT_DATABASE_URL` and
`AUDIT_CHROMA_URL` at the first run: the stack then uses it and does not manage it. The services
this stack manages are listed in team.env (`AUDIT_TEAM_SERVICES`); `--stop` stops them.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from pydantic import BaseModel

DEFAULT_STATE = Path("/var/lib/audit-assistant")
DATABASE = ROLE = "audit"
POSTGRES, CHROMA = "postgresql", "chroma"
APP_PORT, CHROMA_PORT, POSTGRES_PORT = 8501, 8000, 5432
SERVICE_WAIT_SECONDS = 60


class TeamStackError(Exception):
    """A step that cannot be done, said in one line."""


class TeamConfig(BaseModel):
    """The settings of the stack, as written to team.env (the app's own environment variables)."""
    index: Path
    accounts: Path
    database_url: str
    chroma_url: str
    address: str
    port: int
    services: list[str]

    def environment(self) -> dict[str, str]:
        return {"AUDIT_INDEX": str(self.index), "AUDIT_ACCOUNTS": str(self.accounts),
                "AUDIT_DATABASE_URL": self.database_url, "AUDIT_CHROMA_URL": self.chroma_url,
                "AUDIT_APP_ADDRESS": self.address, "AUDIT_APP_PORT": str(self.port),
                "AUDIT_TEAM_SERVICES": " ".join(self.services)}


def config_path(state: Path) -> Path:
    return state / "team.env"


def read_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()
             if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): shlex.split(value)[0] if value.strip() else "" for key, value in pairs}


def team_config(state: Path, environ: dict[str, str], address: Optional[str], port: Optional[int],
                chroma_port: int = CHROMA_PORT) -> TeamConfig:
    """The stack's settings: what the command line says, else what team.env kept, else what the
    environment plugs in (first run), else this stack's own services on this machine."""
    kept = read_env_file(config_path(state))
    known = {**{k: v for k, v in environ.items() if v}, **kept}
    address = address or known.get("AUDIT_APP_ADDRESS")
    if not address:
        raise TeamStackError("请用 --address 指定应用在办公网上的监听地址（本机的办公网 IP，或 0.0.0.0）")
    if "AUDIT_TEAM_SERVICES" in kept:
        services = kept["AUDIT_TEAM_SERVICES"].split()
    else:
        services = [name for name, key in ((POSTGRES, "AUDIT_DATABASE_URL"), (CHROMA, "AUDIT_CHROMA_URL"))
                    if not known.get(key)]
    database_url = known.get("AUDIT_DATABASE_URL") or (
        f"postgresql://{ROLE}:{secrets.token_urlsafe(24)}@127.0.0.1:{POSTGRES_PORT}/{DATABASE}")
    return TeamConfig(index=Path(known.get("AUDIT_INDEX") or state / "index"),
                      accounts=Path(known.get("AUDIT_ACCOUNTS") or state / "accounts.json"),
                      database_url=database_url,
                      chroma_url=known.get("AUDIT_CHROMA_URL") or f"http://127.0.0.1:{chroma_port}",
                      address=address, port=port or int(known.get("AUDIT_APP_PORT") or APP_PORT), services=services)


def write_config(state: Path, config: TeamConfig) -> None:
    """Private (it holds the database password), replaced whole."""
    state.mkdir(parents=True, exist_ok=True)
    path = config_path(state)
    temporary = path.with_suffix(".tmp")
    temporary.touch(mode=0o600)
    temporary.chmod(0o600)
    lines = ["# 团队部署的设置（deploy/team-stack 生成，再次运行时沿用）"]
    lines += [f"{key}={shlex.quote(value)}" for key, value in config.environment().items()]
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def start(state: Path, config: TeamConfig) -> None:
    """The managed services up, then the app in this process's place (exec): it ends with Ctrl-C or
    a signal, the services keep running for the next start."""
    from assistant.app.auth.accounts import AccountsFileError
    from assistant.app.auth.mode import LoginMode, login_mode

    os.environ.update(config.environment())
    os.chdir(Path(__file__).resolve().parent.parent)  # the project folder: .streamlit/ (config, OIDC secrets)
    try:
        mode = login_mode(config.index)
    except AccountsFileError as error:
        raise TeamStackError(str(error)) from None
    if mode is LoginMode.NONE:
        raise TeamStackError(f"团队部署必须登录，但还没有账户：先运行 `AUDIT_ACCOUNTS={config.accounts} {_audit()} users add "
                             "用户名 --role admin`（或在 .streamlit/secrets.toml 中配置单位统一认证）")
    if POSTGRES in config.services:
        ensure_postgres(config.database_url)
    if CHROMA in config.services:
        ensure_chroma(config.chroma_url, state)
    os.execv(_audit(), [str(_audit()), "app", "--address", config.address, "--port", str(config.port)])


def _audit() -> Path:
    """This installation's `audit` command (on a fresh server it is not on PATH)."""
    return Path(sys.executable).with_name("audit")


def stop(state: Path, config: TeamConfig) -> None:
    if CHROMA in config.services:
        pid_file = state / "chroma.pid"
        if pid_file.exists():
            _end(int(pid_file.read_text()))
            pid_file.unlink()
    if POSTGRES in config.services:
        version = _cluster_version()
        subprocess.run(["pg_ctlcluster", version, "main", "stop"], check=False)


def _end(pid: int) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within the wait."""
    deadline = time.time() + SERVICE_WAIT_SECONDS
    try:
        os.kill(pid, signal.SIGTERM)
        while process_running(pid):
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.2)
    except ProcessLookupError:
        pass


def process_running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ensure_postgres(url: str) -> None:
    """Debian's cluster started (created first on a machine that has none), the role with the
    password of team.env and its database present."""
    if not shutil.which("pg_lsclusters"):
        raise TeamStackError("未安装 PostgreSQL：apt-get install -y postgresql（deploy/team-stack 会安装）")
    version = _cluster_version()
    status = subprocess.run(["pg_lsclusters", "-h", version, "main"], capture_output=True, text=True).stdout.split()
    if not status:
        _run(["pg_createcluster", version, "main"])
    if "online" not in status:
        _run(["pg_ctlcluster", version, "main", "start"])
    password = urlsplit(url).password or ""
    quoted = password.replace("'", "''")
    if not _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'"):
        _psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{quoted}'")
    else:
        _psql(f"ALTER ROLE {ROLE} LOGIN PASSWORD '{quoted}'")
    if not _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
        _psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")


def ensure_chroma(url: str, state: Path) -> None:
    """`chroma run` on the URL's loopback port, data and log under the state folder; left alone when it answers."""
    if _answers(url):
        return
    parts = urlsplit(url)
    chroma = Path(sys.executable).with_name("chroma")
    (state / "chroma").mkdir(parents=True, exist_ok=True)
    with open(state / "chroma.log", "ab") as log:
        server = subprocess.Popen([str(chroma), "run", "--host", parts.hostname or "127.0.0.1", "--port",
                                   str(parts.port or CHROMA_PORT), "--path", str(state / "chroma")],
                                  stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    (state / "chroma.pid").write_text(str(server.pid))
    deadline = time.time() + SERVICE_WAIT_SECONDS
    while not _answers(url):
        if server.poll() is not None or time.time() > deadline:
            raise TeamStackError(f"Chroma 服务未能启动，见 {state / 'chroma.log'}")
        time.sleep(0.5)


def _answers(chroma_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{chroma_url}/api/v2/heartbeat", timeout=2):
            return True
    except OSError:
        return False


def _cluster_version() -> str:
    """The newest PostgreSQL major version Debian installed (/usr/lib/postgresql/<version>)."""
    versions = sorted((p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), key=int)
    if not versions:
        raise TeamStackError("未安装 PostgreSQL：apt-get install -y postgresql")
    return versions[-1]


def _psql(sql: str) -> str:
    return _run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql])


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd="/")
    if done.returncode != 0:
        last = ((done.stderr or done.stdout).strip().splitlines() or [f"退出码 {done.returncode}"])[-1]
        raise TeamStackError(f"{' '.join(command[:3])} 失败：{last}")
    return done.stdout.strip()
