"""The `audit` command line (SPEC §4).

Bad input never produces a traceback: each unreadable file is one line on stderr, the rest of a
batch is still processed, and the exit code says what happened (0 clean, 1 error findings,
2 some input could not be read or the command line was wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from assistant.check import check_reports
from assistant.errors import InputError
from assistant.load import load_file
from assistant.models import Report
from assistant.parse import extract
from assistant.render import render_findings, render_report, render_source_text

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("audit: 已中断", file=sys.stderr)
        return 130
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
    check_cmd.set_defaults(run=_run_check)
    return parser


def _read(path: str) -> Report:
    return extract(load_file(path))


def _run_extract(args: argparse.Namespace) -> int:
    try:
        if args.text:
            print(render_source_text(load_file(args.file)))
            return EXIT_OK
        report = _read(args.file)
    except InputError as error:
        print(f"audit: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(report.to_contract(), ensure_ascii=False, indent=2))
    else:
        print(render_report(report))
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    reports: list[Report] = []
    failed = False
    for path in args.files:
        try:
            reports.append(_read(path))
        except InputError as error:
            print(f"audit: {error}", file=sys.stderr)
            failed = True
    checked = check_reports(reports)
    if args.json:
        document = {"reports": [c.model_dump() for c in checked]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(render_findings(c) for c in checked))
    if failed:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(f.severity == "error" for c in checked for f in c.findings) else EXIT_OK
