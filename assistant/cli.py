"""The `audit` command line (SPEC §4).

Each command imports what it uses when it runs (nothing heavier than argparse at the top), so that
`audit --help` answers at once, `audit check` and the check worker processes (which import this
module) do not pay for chromadb, openai, langchain or streamlit, and no command pays for another's.

Bad input never produces a traceback: each unreadable file is one line on stderr, the rest of a
batch is still processed, and the exit code says what happened (0 clean, 1 error findings,
2 some input could not be read or the command line was wrong).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from pathlib import Path
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.errors import ConfigurationError, StoreError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.models import Report

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
LOCAL_ADDRESS = "127.0.0.1"
MIN_PASSWORD_LENGTH = 8


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except StoreError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("audit: 已中断", file=sys.stderr)
        return 130
    except ConfigurationError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="audit", description="政府信息公开工作年度报告审核助手")
    commands = parser.add_subparsers(dest="command", required=True)
    extract_cmd = commands.add_parser("extract", help="抽取一份报告的元数据、章节和表格数据")
    extract_cmd.add_argument("file")
    extract_cmd.add_argument("--json", action="store_true", help="按 SPEC §4 输出 JSON")
    extract_cmd.add_argument("--text", action="store_true", help="输出带行号的解码文本，便于核对引用行号")
    extract_cmd.set_defaults(run=_run_extract)
    check_cmd = commands.add_parser("check", help="核对一份或多份报告（同一机关相邻年度的报告一并给出时执行跨年度核对）")
    check_cmd.add_argument("files", nargs="+")
    check_cmd.add_argument("--json", action="store_true", help="按 SPEC §4 输出 JSON")
    _jobs_option(check_cmd)
    check_cmd.set_defaults(run=_run_check)
    ingest_cmd = _index_command(commands, "ingest", "把报告文件或文件夹（递归）抽取、核对后存入索引", _run_ingest)
    ingest_cmd.add_argument("paths", nargs="+")
    _jobs_option(ingest_cmd)
    search_cmd = _index_command(commands, "search", "在索引中检索报告正文段落（关键词与向量混合检索）", _run_search)
    search_cmd.add_argument("query")
    search_cmd.add_argument("--body", help="机关名称（包含即可）")
    search_cmd.add_argument("--region", help="地区（包含即可）")
    search_cmd.add_argument("--year", type=int)
    search_cmd.add_argument("--section", choices=["一", "二", "三", "四", "五", "六"])
    search_cmd.add_argument("--top", type=int, default=5)
    search_cmd.add_argument("--json", action="store_true")
    ask_cmd = _index_command(commands, "ask", "就索引中的年报提问，回答中的数字和引文均经核验", _run_ask)
    ask_cmd.add_argument("question")
    ask_cmd.add_argument("--json", action="store_true")
    memo_cmd = _index_command(commands, "memo", "为一份报告起草审查意见（文件，或索引中的“单位 年度”）", _run_memo)
    memo_cmd.add_argument("report")
    memo_cmd.add_argument("--out", help="输出文件：.md 或 .docx（默认在屏幕输出 Markdown）")
    summary_cmd = _index_command(commands, "summarize", "汇总“存在的主要问题及改进情况”（索引中的报告，或给出的文件夹）",
                                 _run_summarize)
    summary_cmd.add_argument("paths", nargs="*", help="报告文件或文件夹；不给出时汇总索引中的报告")
    summary_cmd.add_argument("--body")
    summary_cmd.add_argument("--region")
    summary_cmd.add_argument("--year", type=int)
    summary_cmd.add_argument("--out", help="输出文件：.md、.csv 或 .xlsx（默认在屏幕输出 Markdown）")
    app_cmd = _index_command(commands, "app", "启动网页版（Streamlit）", _run_app)
    app_cmd.add_argument("--port", type=int, default=8501)
    app_cmd.add_argument("--address", default=LOCAL_ADDRESS,
                         help="监听地址（默认 127.0.0.1；其他地址须先配置登录：audit users add）")
    users_cmd = _index_command(commands, "users", "管理网页版的登录账户（账户文件：环境变量 AUDIT_ACCOUNTS，默认在索引目录下）",
                               _run_users)
    users_cmd.add_argument("action", choices=["add", "passwd", "remove", "list"],
                           help="add 新建或修改账户，passwd 修改密码，remove 删除，list 列出")
    users_cmd.add_argument("name", nargs="?", help="用户名（单位统一认证的账户用其电子邮箱或 sub）")
    users_cmd.add_argument("--role", choices=["reviewer", "admin"],
                           help="新账户默认 reviewer，已有账户不给出时保持原角色。reviewer 审核人员（问答、检索、审核、审查意见、汇总）；admin 管理员（另可入库、删除、重建索引）")
    users_cmd.add_argument("--oidc", action="store_true", help="单位统一认证（OIDC）登录的账户：只设角色，不设密码")
    users_cmd.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    team_cmd = commands.add_parser("team-stack", help="启动团队部署：PostgreSQL、Chroma 服务和需登录的网页版（deploy/team-stack）")
    team_cmd.add_argument("--address", help="网页版在办公网上的监听地址（首次运行时必须给出，之后沿用 team.env）")
    team_cmd.add_argument("--port", type=int, help="网页版端口（默认 8501）")
    team_cmd.add_argument("--chroma-port", type=int, default=8000, help="本机 Chroma 服务的端口（首次运行时，默认 8000）")
    team_cmd.add_argument("--state", default=os.environ.get("AUDIT_TEAM_STATE", "/var/lib/audit-assistant"),
                          help="设置、索引、账户和 Chroma 数据所在的文件夹（默认 /var/lib/audit-assistant）")
    team_cmd.add_argument("--stop", action="store_true", help="停止本部署启动的服务（PostgreSQL、Chroma）")
    team_cmd.set_defaults(run=_run_team_stack)
    summary_cmd.add_argument("--cache", help="大模型模式下已完成结果的缓存文件（可续跑），默认在索引目录下")
    return parser


def _jobs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", type=int, default=None, metavar="N",
                         help="并行处理的进程数（默认为本进程可用的处理器核数）")


def _index_command(commands, name: str, help_text: str, run) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--index", help="索引目录（默认 index/，或环境变量 AUDIT_INDEX）")
    command.set_defaults(run=run)
    return command


def _run_extract(args: argparse.Namespace) -> int:
    from assistant.check.structure import reading_findings
    from assistant.errors import InputError
    from assistant.load import load_file
    from assistant.parse import extract
    from assistant.render import render_report, render_source_text
    try:
        if args.text:
            print(render_source_text(load_file(args.file)))
            return EXIT_OK
        report = extract(load_file(args.file))
    except InputError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    unreadable = reading_findings(report)
    if args.json:
        document = report.to_contract()
        if unreadable:
            document["findings"] = [f.model_dump() for f in unreadable]
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(render_report(report, shutil.get_terminal_size().columns))
    for finding in unreadable:
        print(f"audit: {args.file}: {finding.message}", file=sys.stderr)
    return EXIT_FINDINGS if any(f.severity == "error" for f in unreadable) else EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.check import check_read
    from assistant.errors import InputError
    from assistant.render import render_findings
    from assistant.workers import WorkerPool, read_and_check, read_with_previous
    reads = []
    failed = False
    bar = tqdm(total=len(args.files), desc="核对", unit="份", file=sys.stderr, disable=not sys.stderr.isatty())
    with WorkerPool(args.jobs, len(args.files)) as pool:
        for result in pool.map(read_and_check, args.files):
            bar.update()
            if isinstance(result, InputError):
                print(f"audit: {result}", file=sys.stderr)
                failed = True
            else:
                reads.append(result)
        bar.close()
        checked = check_read(reads, lambda jobs: pool.map(read_with_previous, jobs))
    if args.json:
        _print_json_list("reports", (c.model_dump() for c in checked))
    else:
        print("\n\n".join(render_findings(c) for c in checked))
    if failed:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(f.severity == "error" for c in checked for f in c.findings) else EXIT_OK


def _print_json_list(name: str, items: Iterable[dict]) -> None:
    """`print(json.dumps({name: list(items)}, ensure_ascii=False, indent=2))`, written an item at a
    time so that a batch's whole document is never held in memory (JSON puts no raw line break
    inside a value, so indenting an item's lines is indenting the item)."""
    opened = False
    for item in items:
        sys.stdout.write(",\n" if opened else f"{{\n  {json.dumps(name)}: [\n")
        sys.stdout.write("\n".join("    " + line for line in json.dumps(item, ensure_ascii=False, indent=2).split("\n")))
        opened = True
    sys.stdout.write("\n  ]\n}\n" if opened else f"{{\n  {json.dumps(name)}: []\n}}\n")


def _run_ingest(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.ingest import Ingestor
    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"audit: {path}: 文件或文件夹不存在", file=sys.stderr)
    ingestor = Ingestor(Settings.from_env(args.index), jobs=args.jobs)
    try:
        summary = ingestor.ingest([p for p in args.paths if p not in missing], show_bar=sys.stderr.isatty())
    finally:
        ingestor.close()
    print(summary.line())
    return EXIT_BAD_INPUT if summary.failed or missing else EXIT_OK


def _run_search(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.ingest import Ingestor
    from assistant.render import render_hits
    from assistant.retrieve import Retriever
    settings = Settings.from_env(args.index)
    ingestor = Ingestor(settings)
    if (args.body or args.region or args.year) and not ingestor.db.reports(body=args.body, region=args.region,
                                                                           year=args.year):
        print(f"audit: 索引中没有{_filter_text(args)}的报告；{ingestor.db.coverage().sentence()}", file=sys.stderr)
        ingestor.close()
        return EXIT_BAD_INPUT
    try:
        hits = Retriever(ingestor.db, ingestor.vectors).search(
            args.query, body=args.body, region=args.region, year=args.year, section=args.section, top=args.top)
    finally:
        ingestor.close()
    if args.json:
        print(json.dumps({"query": args.query, "hits": [h.model_dump() for h in hits]}, ensure_ascii=False, indent=2))
    else:
        print(render_hits(args.query, hits))
    return EXIT_OK


def _run_ask(args: argparse.Namespace) -> int:
    from assistant.answer import Assistant
    from assistant.config import Settings
    from assistant.render import render_answer
    from assistant.ingest import Ingestor
    from assistant.retrieve import Retriever
    settings = Settings.from_env(args.index)
    ingestor = Ingestor(settings)
    try:
        answer = Assistant(ingestor.db, Retriever(ingestor.db, ingestor.vectors), settings).ask(args.question)
    finally:
        ingestor.close()
    print(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2) if args.json else render_answer(answer))
    return EXIT_OK


def _run_memo(args: argparse.Namespace) -> int:
    from assistant.config import Settings
    from assistant.draft import build_memo, memo_document
    from assistant.draft.document import to_markdown
    from assistant.draft.word import to_docx
    from assistant.draft.polish import polish_memo
    from assistant.draft.sources import report_for_memo
    from assistant.errors import InputError
    from assistant.store import IndexDatabase
    from assistant.store.database import index_exists
    settings = Settings.from_env(args.index)
    db = IndexDatabase(settings) if index_exists(settings) else None
    try:
        report, findings, previous = report_for_memo(args.report, db)
    except InputError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if db is not None:
            db.close()
    memo = build_memo(report, findings, previous)
    if settings.llm_model:
        polisher = _polisher(settings, None)
        polish_memo(memo, polisher)
        if polisher.failures:
            print(f"audit: 大模型改写未采用（{polisher.failures[0]}），保留程序生成的文字", file=sys.stderr)
    document = memo_document(memo)
    if not args.out:
        print(to_markdown(document))
        return EXIT_OK
    out = Path(args.out)
    if out.suffix.lower() not in {".md", ".docx"}:
        print(f"audit: {out}: 只支持 .md 或 .docx", file=sys.stderr)
        return EXIT_BAD_INPUT
    if out.suffix.lower() == ".docx":
        out.write_bytes(to_docx(document))
    else:
        out.write_text(to_markdown(document), encoding="utf-8")
    print(f"审查意见已写入 {out}")
    return EXIT_OK


def _run_summarize(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.config import Settings
    from assistant.draft.summary import polish_synopses, summarize
    from assistant.draft.summary_output import to_csv, to_markdown_text, to_xlsx
    from assistant.errors import InputError
    from assistant.ingest import expand
    from assistant.load import load_file
    from assistant.parse import extract
    from assistant.store import IndexDatabase
    from assistant.store.database import Coverage, index_exists
    failed = False
    history = []
    if args.paths:
        reports = []
        for path in expand(args.paths):
            try:
                reports.append(extract(load_file(path)))
            except InputError as error:
                print(f"audit: {error}", file=sys.stderr)
                failed = True
        coverage = Coverage.of([(r.meta.region, r.meta.year) for r in reports])
        reports = [r for r in reports if _matches(r, args)]
    else:
        settings = Settings.from_env(args.index)
        if not index_exists(settings):
            print(f"audit: {settings.index_dir}: 索引不存在，请先运行 audit ingest，或给出报告文件夹", file=sys.stderr)
            return EXIT_BAD_INPUT
        db = IndexDatabase(settings)
        try:
            stored = db.reports(body=args.body, region=args.region, year=args.year)
            coverage = db.coverage()
            reports = [db.load_report(r.id) for r in tqdm(stored, desc="读取", unit="份", file=sys.stderr,
                                                          disable=not sys.stderr.isatty())]
            chosen = {r.id for r in stored}
            earlier = {r.id for s in stored if s.body_key and s.year for r in db.reports(body_key=s.body_key)
                       if r.year and r.year < s.year and r.id not in chosen}
            history = [db.load_report(report_id) for report_id in sorted(earlier)]
        finally:
            db.close()
    if not reports:
        where = "给出的报告中" if args.paths else "索引中"
        print(f"audit: {where}没有{_filter_text(args)}的报告；{coverage.sentence(where)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with tqdm(total=len(reports), desc="汇总", unit="份", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        summary = summarize(reports, progress=lambda done: bar.update(done - bar.n), history=history)
    settings = Settings.from_env(args.index)
    if settings.llm_model:
        polisher = _polisher(settings, Path(args.cache) if args.cache else settings.index_dir / "llm_cache.jsonl")
        with tqdm(total=len(reports), desc="大模型概述", unit="份", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
            polish_synopses(summary, polisher, progress=lambda done: bar.update(done - bar.n))
        if polisher.failures:
            print(f"audit: 有 {len(polisher.failures)} 份报告的大模型概述未采用（{polisher.failures[0]}），保留程序生成的概述；"
                  "再次运行会只补做这些报告", file=sys.stderr)
    out = Path(args.out) if args.out else None
    if out is None:
        print(to_markdown_text(summary))
    elif out.suffix.lower() == ".csv":
        out.write_text(to_csv(summary), encoding="utf-8")
    elif out.suffix.lower() == ".xlsx":
        out.write_bytes(to_xlsx(summary))
    elif out.suffix.lower() == ".md":
        out.write_text(to_markdown_text(summary), encoding="utf-8")
    else:
        print(f"audit: {out}: 只支持 .md、.csv 或 .xlsx", file=sys.stderr)
        return EXIT_BAD_INPUT
    if out is not None:
        print(f"已汇总 {len(summary.reports)} 份报告，写入 {out}")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _matches(report: Report, args: argparse.Namespace) -> bool:
    meta = report.meta
    return ((not args.body or args.body in (meta.body or "")) and (not args.region or args.region in (meta.region or ""))
            and (not args.year or meta.year == args.year))


def _filter_text(args: argparse.Namespace) -> str:
    """The filters given, as a reviewer would say them ('符合单位含“定海”、年度为2030'), or '可汇总'."""
    parts = ([f"单位含“{args.body}”"] if args.body else []) + ([f"地区含“{args.region}”"] if args.region else []) \
        + ([f"年度为{args.year}"] if args.year else [])
    return "符合" + "、".join(parts) if parts else "可汇总"


def _polisher(settings: Settings, cache: Path | None):
    from assistant.draft.polish import Polisher
    return Polisher(settings, cache=cache, concurrency=int(os.environ.get("AUDIT_LLM_CONCURRENCY", "4")),
                    per_minute=float(os.environ.get("AUDIT_LLM_RPM", "60")))


def _run_users(args: argparse.Namespace) -> int:
    """Accounts of the app's login; a password is read without echo (twice), or one line of stdin."""
    from assistant.app.auth import accounts
    from assistant.config import Settings

    path = accounts.accounts_path(Settings.from_env(args.index).index_dir)
    try:
        known = accounts.load(path)
    except accounts.AccountsFileError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.action == "list":
        for account in sorted(known.accounts.values(), key=lambda a: a.name):
            print(f"{account.name}\t{account.role.value}\t{'本地密码' if account.local else '统一认证'}")
        return EXIT_OK
    if not args.name:
        print(f"audit: users {args.action} 需要用户名", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.action in ("remove", "passwd") and args.name not in known.accounts:
        print(f"audit: 没有账户 {args.name}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.action == "remove":
        del known.accounts[args.name]
        accounts.save(path, known)
        print(f"已删除账户 {args.name}")
        return EXIT_OK
    existing = known.accounts.get(args.name)
    role = accounts.Role(args.role) if args.role else existing.role if existing else accounts.Role.REVIEWER
    if args.action == "passwd" and not existing.local:
        print(f"audit: {args.name} 是统一认证账户，没有本地密码", file=sys.stderr)
        return EXIT_BAD_INPUT
    password_hash = None
    if not args.oidc:
        password = _new_password(args.password_stdin)
        if password is None:
            return EXIT_BAD_INPUT
        password_hash = accounts.hash_password(password)
    known.accounts[args.name] = accounts.Account(name=args.name, role=role, password_hash=password_hash)
    accounts.save(path, known)
    print(f"已保存账户 {args.name}（{role.label}）：{path}")
    return EXIT_OK


def _new_password(from_stdin: bool) -> str | None:
    from getpass import getpass

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass("密码：")
        if getpass("再次输入密码：") != password:
            print("audit: 两次输入的密码不一致", file=sys.stderr)
            return None
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"audit: 密码至少 {MIN_PASSWORD_LENGTH} 个字符", file=sys.stderr)
        return None
    return password


def _run_team_stack(args: argparse.Namespace) -> int:
    from assistant import team_stack

    state = Path(args.state).resolve()
    try:
        config = team_stack.team_config(state, dict(os.environ), args.address, args.port, args.chroma_port)
        team_stack.write_config(state, config)
        if args.stop:
            team_stack.stop(state, config)
            return EXIT_OK
        team_stack.start(state, config)
    except team_stack.TeamStackError as error:
        print(f"audit team-stack: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _run_app(args: argparse.Namespace) -> int:
    """`streamlit run serve.py` (the app with its login routes) from the project folder, with the index
    chosen here.

    The Streamlit server replaces this process (exec), so whatever ends `audit app` (Ctrl-C, kill, the
    end of a terminal session) ends the server: no orphan keeps serving. It listens on 127.0.0.1
    unless told otherwise, and refuses any other address while no login is configured."""
    from assistant.app.auth.accounts import AccountsFileError
    from assistant.app.auth.mode import login_mode, refusal
    from assistant.config import Settings

    app = Path(__file__).resolve().parent.parent / "serve.py"
    if args.index:
        os.environ["AUDIT_INDEX"] = str(Path(args.index).resolve())
    if os.environ.get("AUDIT_ACCOUNTS"):
        os.environ["AUDIT_ACCOUNTS"] = str(Path(os.environ["AUDIT_ACCOUNTS"]).resolve())
    os.chdir(app.parent)  # where Streamlit finds .streamlit/ (config, and secrets for the OIDC login)
    try:
        reason = refusal(args.address, login_mode(Settings.from_env().index_dir))
    except AccountsFileError as error:
        reason = str(error)
    if reason:
        print(f"audit: {reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.address", args.address]
    os.execve(sys.executable, command, os.environ)
