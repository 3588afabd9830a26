"""The `gongkai` command: a thin layer over functions the tests call directly."""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from gongkai.errors import GongkaiError, InputError, RecordError

if TYPE_CHECKING:
    from gongkai.checks.report import CheckReport
    from gongkai.records.record import Record


def _render(args: argparse.Namespace) -> int:
    from gongkai.build import render
    from gongkai.build.bulk import Options, render_many, render_one
    from gongkai.records import catalog

    data_dir, out_dir = Path(args.data), Path(args.out)
    _writable_folder(out_dir, "--out")
    opts = Options(
        data_dir=data_dir,
        out_dir=out_dir,
        jobs=args.jobs,
        force=args.force,
        only_failed=args.only_failed,
        formats=_formats(args.formats, args.no_pdf),
        strict=args.strict,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=not args.no_progress,
    )
    if opts.pdf:
        render.check_chromium()  # fail before executing anything
    if not args.all and not args.params:
        if args.township is None or args.year is None:
            raise GongkaiError("请给出 乡镇 和 年度，或用 --all / --params")
        entry = catalog.resolve(data_dir, args.township, args.year, args.county)
        start = time.perf_counter()
        kept: list[str] = []
        removed: list[str] = []
        done = render_one(entry, opts, kept, removed)
        verdict = "校验通过" if done.passed else "未通过校验"
        print(
            f"已生成 {done.title}（{time.perf_counter() - start:.1f} 秒）："
            f"{verdict}，{done.errors} 个错误，{done.warnings} 个警告"
        )
        for line in done.findings:
            print(f"  {line}")
        print(f"文件（{out_dir / done.key}/）：{'、'.join(done.files)}")
        if kept:
            print(f"保留仍与输入一致的成品（本次未要求）：{'、'.join(Path(name).name for name in kept)}")
        if removed:
            print(f"已移除由旧输入生成的成品：{'、'.join(Path(name).name for name in removed)}")
        return 0
    from gongkai.build import fingerprint

    fingerprint.use(out_dir)  # the county files and folders the last run read: not parsed again if unchanged
    selection = catalog.Selection(data_dir, args.only_year or args.year, args.county)
    missing = selection.missing  # township folders county.yaml names but that are absent
    entries: Iterable[catalog.Entry] = selection if args.all else []
    if args.params:  # a few named reports, with or without --all: held, duplicates dropped
        from gongkai.records.params import load_params

        listed = [*entries, *(e for params in args.params for e in load_params(Path(params), data_dir))]
        missing = list(missing)  # the pass just made: the selection starts afresh if iterated again
        entries = list({(e.year, e.county.id, e.township.id): e for e in listed}.values())
    if next(iter(entries), None) is None:  # --all: its first county only
        raise missing[0] if missing else GongkaiError(f"{data_dir} 下没有符合条件的记录")
    summary = render_many(entries, opts)
    print(format_summary(summary))
    for problem in missing:
        print(f"  ✗ 缺少乡镇文件夹：{problem}")
    return 2 if missing else summary.exit_code


def _writable_folder(folder: Path, option: str) -> None:
    """An output folder that can be: not a file, not under a file (checked before any work)."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                what = "是一个文件" if part == folder else f"位于文件 {part} 之下"
                raise InputError(f"输出目录 {folder} {what}：{option} 应为文件夹")
            return


def _writable_file(path: Path, option: str, force: bool) -> None:
    """An output file that can be written: not a folder, its folder not a file."""
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹：{option} 应为文件名{'（--force 不会覆盖文件夹）' if force else ''}")
    _writable_folder(path.parent, option)


def _formats(text: str, no_pdf: bool) -> frozenset[str]:
    """`--formats html,pdf,docx,review-pdf` → the set; an unknown name is an input error."""
    from gongkai.build.run import FORMATS

    asked = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(asked - set(FORMATS))
    if unknown:
        raise InputError(f"--formats 中有未知的成品：{'、'.join(unknown)}（可选：{','.join(FORMATS)}）")
    return frozenset(asked - ({"pdf", "review-pdf"} if no_pdf else set()))


def format_summary(summary: object) -> str:
    """The end-of-run table: what was rendered, skipped, failing, crashed, and where the index is."""
    from gongkai.build.bulk import REFUSED, Summary
    from gongkai.build.manifest import CRASHED, INVALID

    assert isinstance(summary, Summary)
    rows = [
        ("本次生成", len(summary.rendered)),
        ("未变化，跳过", summary.skipped),
        ("未通过校验", len(summary.failing)),
        ("执行出错", summary.with_status(CRASHED)),
        ("记录无效", summary.with_status(INVALID)),
        ("未生成（--strict）", summary.with_status(REFUSED)),
    ]
    if summary.completed or summary.kept or summary.removed:  # --formats changed: build/products.py
        rows += [("补生成成品", len(summary.completed)), ("保留仍有效的成品", len(summary.kept))]
        rows += [("移除已过时的成品", len(summary.removed))]
    lines = [f"共 {summary.total} 份报告，用时 {summary.seconds:.1f} 秒"]
    if not summary.attempted and not summary.completed and not summary.removed:
        lines.append("没有任何变化，未重新生成。")
    lines += [f"  {label:<12}{count:>6}" for label, count in rows]
    problems = summary.failing + summary.unrendered
    for r in problems:
        reason = r.message or f"{r.errors} 个错误"
        lines.append(f"  ✗ {r.key} {r.county}{r.township}：{reason}")
        if not r.message:  # the rules that failed, as `render` lists them for one report
            lines += [f"      {line}" for line in r.findings]
    if summary.index is not None:
        lines.append(f"索引：{summary.index}")
    return "\n".join(lines)


def _checker(quick: bool) -> Callable[[list[tuple[Record, Record | None]]], list[CheckReport]]:
    from gongkai.checks.many import checker

    return checker(gx=not quick)


def _check(args: argparse.Namespace) -> int:
    import contextlib

    from gongkai.checks import many
    from gongkai.records import catalog

    data_dir = Path(args.data)
    missing: list[RecordError] = []
    if args.all:
        entries = list(catalog.entries(data_dir, year=args.only_year or args.year, county=args.county, missing=missing))
        if not entries:
            raise missing[0] if missing else GongkaiError(f"{data_dir} 下没有符合条件的记录")
    else:
        year = args.year or args.only_year
        if args.township is None or year is None:
            raise GongkaiError("请给出 乡镇 和 年度（或用 --all）")
        entries = [catalog.resolve(data_dir, args.township, year, args.county)]
    # Batches of 200 (memory flat in N), in `--jobs` processes, printed in the records' order.
    bad_input = [f"缺少乡镇文件夹：{e}" for e in missing]
    passing = failing = 0
    first = True
    jobs = (args.jobs or many.default_jobs()) if args.all else 1
    paths = [entry.path for entry in entries]
    size = args.batch or many.BATCH
    stream = many.batches(paths, gx=args.gx, as_json=args.json, jobs=jobs, strict=not args.all, size=size)
    with contextlib.closing(stream):  # an early exit ends the workers now
        for batch in stream:
            bad_input += batch.invalid
            for passed, text in zip(batch.passed, batch.texts, strict=True):
                passing, failing = passing + passed, failing + (not passed)
                if args.json and args.all:
                    print("[" if first else ",", text)
                elif args.json:
                    print(text)
                else:
                    print(text, end="")
                first = False
    if args.json and args.all:
        print("[]" if first else "]")
    elif not args.json:
        for message in bad_input:
            print(f"无效记录：{message}")
        if args.all:
            print(f"共 {len(entries)} 份记录：{passing} 份通过，{failing} 份未通过，{len(bad_input)} 份无效")
    if bad_input:
        return 2
    return 0 if failing == 0 else 1


def _preview(args: argparse.Namespace) -> int:
    from gongkai.build.preview import Preview

    preview = Preview(Path(args.data), args.township, args.year, args.county)
    preview.serve(args.port, ready=lambda line: print(line, flush=True))
    return 0


def _review(args: argparse.Namespace) -> int:
    """Record a reviewer's decision on findings of one record, beside it (`<year>.review.yaml`)."""
    import datetime as dt

    from gongkai.outputs import write_atomic
    from gongkai.pages.report import load_previous
    from gongkai.records import catalog, review
    from gongkai.records.record import load_record

    entry = catalog.resolve(Path(args.data), args.township, args.year, args.county)
    record = load_record(entry.path)
    (report,) = _checker(quick=True)([(record, load_previous(record)[0])])
    findings = [f for o in report.outcomes for f in o.findings]
    chosen = [f for f in findings if args.key in (f.key, f.rule)]
    if not chosen:
        keys = "、".join(f.key for f in findings) or "（没有任何发现）"
        raise InputError(f"{record.title} 没有发现 {args.key}：现有的发现是 {keys}")
    errors = [f.key for f in chosen if f.severity == "error"]
    if args.accept and errors and not args.allow:
        raise InputError(
            f"{'、'.join(errors)} 是错误，确认后仍不能发布；若确需照此发布，请加 --allow（每页都会注明经确认放行）"
        )
    who = args.who or os.environ.get("USER") or "未署名"
    today = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    decision = "accepted" if args.accept else "to-fix"
    new = [
        review.Decision(f.key, decision, args.reason, who, today, allow=bool(args.allow and f.severity == "error"))
        for f in chosen
    ]
    path = review.review_path(entry.path)
    decisions = review.merged(review.load_decisions(path), new)
    text = review.dump_decisions(decisions)
    review.load_decisions_text(path, text)  # what is written must read back
    write_atomic(path, text)
    label = "已确认" if args.accept else "待修正"
    for d in new:
        print(f"{label} {d.key}：{d.reason}（{d.who}，{d.date}）")
    print(f"已写入 {path}（共 {len(decisions)} 条决定）")
    return 0


def _audit(args: argparse.Namespace) -> int:
    """Import and check every published report in the folders; one table of findings."""
    from gongkai.build.audit import audit, summary_lines, write_audit

    start = time.perf_counter()
    decisions = Path(args.decisions) if args.decisions else None
    if decisions is not None and not decisions.is_dir():
        raise InputError(f"--decisions {decisions} 不是文件夹：应为记录所在目录（如 data）")
    rows = audit([Path(f) for f in args.folders], jobs=args.jobs, decisions_dir=decisions)
    if not rows:
        raise InputError(f"{'、'.join(args.folders)} 中没有文件")
    index = write_audit(rows, Path(args.out) / "audit")
    for line in summary_lines(rows):
        print(line)
    print(f"用时 {time.perf_counter() - start:.1f} 秒；结果：{index}（另有 audit.json、audit.csv）")
    return 0


def _import(args: argparse.Namespace) -> int:
    from gongkai import importers
    from gongkai.outputs import inside
    from gongkai.records.catalog import check_key
    from gongkai.records.record import check_id

    data_dir = Path(args.data)
    for kind in ("county", "township"):
        if getattr(args, kind) is not None:
            check_key(kind, getattr(args, kind))  # never a path, never a newline
    overrides = importers.Overrides(
        county=args.county, township=args.township, year=args.year, format=args.format, data_dir=data_dir
    )
    files = [Path(f) for f in args.file]
    if args.out_dir or len(files) > 1 or files[0].is_dir():  # many files: one line each, a summary
        from gongkai.importers.batch import import_many, report

        if args.output:
            raise InputError("导入多个文件时不能用 -o；请用 --out-dir 指定输出目录")
        out_dir = Path(args.out_dir or data_dir / (args.county or "imported"))
        lines, code = report(import_many(files, out_dir, overrides, force=args.force))
        print("\n".join(lines))
        return code
    result = importers.import_file(files[0], overrides)
    if args.output:
        path = Path(args.output)
        _writable_file(path, "-o", args.force)
    else:
        path = importers.default_path(result, data_dir)
        check_id("county", str(result.county_id))
        check_id("township", str(result.township_id))
        inside(data_dir, path)
    importers.write_result(result, path, force=args.force)
    data = result.data
    print(
        f"已写入 {path}：{data.get('body') or '（机关名称未知）'} {data.get('year') or '（年度未知）'} 年，"
        f"{data['format']} 格式，读自 {result.kind}"
    )
    notes = [p for p in result.problems if p.kind is importers.Trouble.NOTE]
    gaps = [p for p in result.problems if p.kind is not importers.Trouble.NOTE]
    for problem in notes:
        print(f"  提示：{problem.where + '：' if problem.where else ''}{problem.what}")
    if gaps:
        print(f"有 {len(gaps)} 处未能读取，记录中留为 ~，请补填：")
        for problem in gaps:
            print(f"  {problem}")
        return 1
    return 0


def _template(args: argparse.Namespace) -> int:
    from gongkai.format import FORMATS, format_for_year
    from gongkai.workbook import write_template

    fmt = FORMATS[args.format] if args.format else format_for_year(args.year or 2100)
    path = Path(args.output)
    _writable_file(path, "-o", args.force)
    write_template(path, fmt, args.year, force=args.force)
    print(f"已生成填报用工作簿 {path}（{fmt.name}{f'，{args.year} 年' if args.year else ''}）")
    return 0


# argparse's own words, in Chinese. argparse looks up `_` (gettext) in its module
# at call time, so mapping its English messages here translates usage, section
# titles, --help and its error messages without a compiled catalogue.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
}
argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


class _Formatter(argparse.HelpFormatter):
    """Subcommands listed one a line, without argparse's extra line naming their placeholder."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(choice) for choice in action._get_subactions())
        return super()._format_action(action)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line in the style of every other error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"错误：{self.prog}：命令行参数有误：{message}（用 {self.prog} --help 查看用法）\n")


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,6}", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{what}应为 {low}–{high} 之间的整数，实际为 {text!r}")
        return int(text)

    return parse


def _year(text: str) -> int:
    """A whole number; its range is checked where the data is (catalog.check_year)."""
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise argparse.ArgumentTypeError(f"年度应为整数，如 2021，实际为 {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongkai", description="政府信息公开工作年度报告：记录 → 校验 → 报告")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    sub = parser.add_subparsers(
        dest="command", required=True, title="命令（gongkai 命令 --help 查看各命令的参数）", metavar="命令"
    )

    p = sub.add_parser("render", help="生成报告（HTML 与 PDF）：一个乡镇一年，或 --all / --params 批量")
    p.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识，如 胡集乡 或 hujixiang")
    p.add_argument("year", nargs="?", type=_year, help="报告年度，如 2021")
    p.add_argument("--all", action="store_true", help="生成数据目录下的全部记录")
    p.add_argument("--params", action="append", metavar="FILE", help="生成参数文件（params/*.yaml）列出的报告")
    p.add_argument("--year", dest="only_year", type=_year, help="与 --all 一起：只生成这一年")
    p.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填；与 --all 一起：只生成这个县")
    p.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    p.add_argument("--out", default="output", help="输出目录（默认 output）")
    p.add_argument("--jobs", type=_whole(1, 256, "进程数"), default=2, help="并行的工作进程数（默认 2）")
    p.add_argument("--force", action="store_true", help="全部重新生成，不管是否有变化")
    p.add_argument("--only-failed", action="store_true", help="只重新生成上次失败的报告")
    p.add_argument(
        "--formats",
        default="html,pdf,docx",
        help="要生成的成品，逗号分隔：html,pdf,docx,review-pdf（默认 html,pdf,docx；审阅版 HTML 总会生成）",
    )
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF（等于从 --formats 中去掉 pdf 和 review-pdf）")
    p.add_argument("--strict", action="store_true", help="未通过校验（有错误）时不生成报告")
    p.add_argument("--executor", choices=["local", "dask"], default="local", help="在本机进程池或 Dask 集群上运行")
    p.add_argument("--scheduler", help="Dask 调度器地址 tcp://HOST:PORT（默认启动本机 LocalCluster）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=_render)

    c = sub.add_parser("check", help="校验记录的勾稽关系与正文（R1–R6 错误，W1–W10 警告）")
    c.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识")
    c.add_argument("year", nargs="?", type=_year, help="报告年度")
    c.add_argument("--all", action="store_true", help="校验数据目录下的全部记录")
    c.add_argument("--year", dest="only_year", type=_year, help="与 --all 一起：只校验这一年")
    c.add_argument("--county", help="县（区）：中文名或拼音标识")
    c.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    c.add_argument("--json", action="store_true", help="输出机器可读的 JSON")
    c.add_argument(
        "--gx",
        action="store_true",
        help="用 great-expectations 校验（与 render 相同；启动约需 6 秒）。默认直接按同一校验套件求值，结果相同",
    )
    c.add_argument(
        "--jobs",
        type=_whole(1, 256, "进程数"),
        help="与 --all 一起：并行校验的进程数（默认 2，单核时 1；不超过 200 份记录时只用本进程）",
    )
    c.add_argument("--batch", type=_whole(1, 100000, "每批记录数"), help=argparse.SUPPRESS)  # tests: many batches
    c.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)  # the default since --gx; kept for scripts
    c.set_defaults(func=_check)

    v = sub.add_parser("preview", help="预览一份报告：保存记录后页面自动刷新（本机 127.0.0.1）")
    v.add_argument("township", help="乡镇（街道）：中文名或拼音标识")
    v.add_argument("year", type=_year, help="报告年度")
    v.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    v.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    v.add_argument("--port", type=_whole(0, 65535, "端口"), default=8000, help="端口（默认 8000；0 为任选空闲端口）")
    v.set_defaults(func=_preview)
    r = sub.add_parser("review", help="审阅者对一条发现作出决定（确认无误或待修正），写在记录旁的 <年>.review.yaml")
    r.add_argument("township", help="乡镇（街道）：中文名或拼音标识")
    r.add_argument("year", type=_year, help="报告年度")
    r.add_argument(
        "key", help="发现的标识（gongkai check 每行末尾［…］中的，如 W3:overview:0）或规则号（如 W3：该规则的全部发现）"
    )
    how = r.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", action="store_true", help="确认无误：仍然显示，标为「已确认」并附理由")
    how.add_argument("--fix", action="store_true", help="待修正")
    r.add_argument("--allow", action="store_true", help="与 --accept 一起：允许照此发布有错误的报告（每页注明）")
    r.add_argument("--reason", required=True, help="理由（写进审阅文件，显示在报告附录中）")
    r.add_argument("--who", help="审阅者（默认取环境变量 USER）")
    r.add_argument("--date", help="日期 YYYY-MM-DD（默认今天，UTC）")
    r.add_argument("--county", help="县（区）：中文名或拼音标识")
    r.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    r.set_defaults(func=_review)

    a = sub.add_parser("audit", help="核查文件夹中全部已发布的报告：逐份导入、校验，写出 output/audit/")
    a.add_argument("folders", nargs="+", metavar="FOLDER", help="存放已发布报告（文本、网页、工作簿……）的文件夹")
    a.add_argument("--out", default="output", help="输出目录（默认 output，结果在 output/audit/）")
    a.add_argument("--jobs", type=_whole(1, 256, "进程数"), default=2, help="并行导入的进程数（默认 2）")
    a.add_argument(
        "--decisions",
        metavar="DATA",
        help="记录所在目录（如 data）：同一乡镇、年度的记录旁若有审阅决定（<年>.review.yaml），也用于核查"
        "（报告文件旁的同名 .review.yaml 总会采用）",
    )
    a.set_defaults(func=_audit)

    p = sub.add_parser("import", help="把已发布的报告（PDF、Word、网页、文本）或填好的工作簿（.xlsx）导入为记录")
    p.add_argument("file", nargs="+", help="报告文件或文件夹：.pdf、.docx/.doc、.html、.txt/.md 或 .xlsx 工作簿")
    p.add_argument("--out-dir", help="批量导入时记录的输出目录（如 data/minquan），每个文件一行结果并汇总")
    p.add_argument("-o", "--output", help="记录文件（默认 data/<县>/<乡镇>/<年度>.yaml，需要拼音标识）")
    p.add_argument("--county", help="县（区）：拼音标识（如 minquan，从 data/<县>/county.yaml 补全省、市）或中文名")
    p.add_argument("--township", help="乡镇（街道）：拼音标识或中文名，优先于文档中的名称")
    p.add_argument("--year", type=_year, help="报告年度，优先于文档标题中的年度")
    p.add_argument("--format", choices=("2021", "2019"), help="表格格式，默认按表头和年度判断")
    p.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    p.add_argument("--force", action="store_true", help="覆盖已有的记录文件")
    p.set_defaults(func=_import)

    p = sub.add_parser("template", help="生成乡镇填报数字用的 Excel 工作簿")
    p.add_argument("--xlsx", action="store_true", help=argparse.SUPPRESS)  # once required; kept so old scripts work
    p.add_argument("--year", type=_year, help="报告年度（决定格式，并预先填入）")
    p.add_argument("--format", choices=("2021", "2019"), help="表格格式，默认按年度（无年度时为 2021）")
    p.add_argument("-o", "--output", required=True, help="工作簿文件，如 胡集乡2022.xlsx")
    p.add_argument("--force", action="store_true", help="覆盖已有的文件")
    p.set_defaults(func=_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except GongkaiError as e:
        if args.debug:
            traceback.print_exc()
        print(f"错误：{' '.join(str(e).splitlines())}", file=sys.stderr)  # one line, always
        return e.exit_code
    except OSError as e:  # the disk, not the input: full, read-only, a file where a folder belongs …
        if args.debug:
            traceback.print_exc()
        print(f"错误：{os_problem(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


OS_PROBLEMS = {
    errno.ENOSPC: "磁盘已满：请腾出空间后重试（已完成的报告完整保留，未完成的没有写入）",
    errno.EDQUOT: "磁盘配额已用完：请腾出空间后重试",
    errno.EROFS: "所在文件系统是只读的：请换一个可写的输出位置（--out 或 -o）",
    errno.EACCES: "没有权限：请检查文件和文件夹的权限，或换一个位置",
    errno.EPERM: "没有权限：请检查文件和文件夹的权限，或换一个位置",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹：请换一个输出位置",
    errno.EISDIR: "这是一个文件夹，不是文件：请给出文件名",
    errno.EEXIST: "已存在同名的文件：请换一个位置",
}


def os_problem(e: OSError) -> str:
    """One line for an operating-system error: which file, what happened, what to do."""
    where = f"{e.filename}：" if e.filename else ""
    said = OS_PROBLEMS.get(e.errno or 0, f"系统错误（{e.strerror or type(e).__name__}）")
    return f"{where}{said}"


if __name__ == "__main__":
    sys.exit(main())
