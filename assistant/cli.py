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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.models import Report

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
LOCAL_ADDRESS = "127.0.0.1"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
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

    from assistant.check import check_reports
    from assistant.errors import InputError
    from assistant.render import render_findings
    from assistant.workers import ordered_map, read_and_check
    reads = []
    failed = False
    bar = tqdm(total=len(args.files), desc="核对", unit="份", file=sys.stderr, disable=not sys.stderr.isatty())
    for result in ordered_map(read_and_check, args.files, args.jobs):
        bar.update()
        if isinstance(result, InputError):
            print(f"audit: {result}", file=sys.stderr)
            failed = True
        else:
            reads.append(result)
    bar.close()
    checked = check_reports([r.report for r in reads], [r.findings for r in reads])
    if args.json:
        document = {"reports": [c.model_dump() for c in checked]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(render_findings(c) for c in checked))
    if failed:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(f.severity == "error" for c in checked for f in c.findings) else EXIT_OK


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
    from assistant.store.database import DATABASE_NAME
    settings = Settings.from_env(args.index)
    db = IndexDatabase(settings.index_dir) if (settings.index_dir / DATABASE_NAME).exists() else None
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
    from assistant.store.database import DATABASE_NAME, Coverage
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
        if not (settings.index_dir / DATABASE_NAME).exists():
            print(f"audit: {settings.index_dir}: 索引不存在，请先运行 audit ingest，或给出报告文件夹", file=sys.stderr)
            return EXIT_BAD_INPUT
        db = IndexDatabase(settings.index_dir)
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


def _run_app(args: argparse.Namespace) -> int:
    """`streamlit run app.py` from the project folder, with the index chosen here.

    The Streamlit server replaces this process (exec), so whatever ends `audit app` (Ctrl-C, kill, the
    end of a terminal session) ends the server: no orphan keeps serving. It listens on 127.0.0.1 only,
    since the app has no login and its ingest form writes to the index."""
    app = Path(__file__).resolve().parent.parent / "app.py"
    environment = dict(os.environ)
    if args.index:
        environment["AUDIT_INDEX"] = str(Path(args.index).resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.address", LOCAL_ADDRESS]
    os.chdir(app.parent)
    os.execve(sys.executable, command, environment)
