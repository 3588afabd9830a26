"""The `gongkai` command: a thin layer over functions the tests call directly."""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from gongkai.errors import GongkaiError, InputError


def _render(args: argparse.Namespace) -> int:
    from gongkai.build import render
    from gongkai.build.bulk import Options, render_many, render_one
    from gongkai.records import catalog

    data_dir, out_dir = Path(args.data), Path(args.out)
    opts = Options(
        data_dir=data_dir,
        out_dir=out_dir,
        jobs=args.jobs,
        force=args.force,
        only_failed=args.only_failed,
        pdf=not args.no_pdf,
        strict=args.strict,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=not args.no_progress,
    )
    if opts.pdf:
        render.chromium_path()  # fail before executing anything
    if not args.all and not args.params:
        if args.township is None or args.year is None:
            raise GongkaiError("请给出 乡镇 和 年度，或用 --all / --params")
        entry = catalog.resolve(data_dir, args.township, args.year, args.county)
        start = time.perf_counter()
        done = render_one(entry, opts)
        verdict = "校验通过" if done.passed else "未通过校验"
        print(f"已生成 {done.title}（{time.perf_counter() - start:.1f} 秒）：{verdict}")
        for name in done.files:
            print(f"  {out_dir / done.key / name}")
        return 0
    entries: list[catalog.Entry] = []
    if args.all:
        entries += catalog.entries(data_dir, year=args.only_year or args.year, county=args.county)
    for params in args.params or []:
        from gongkai.records.params import load_params

        entries += load_params(Path(params), data_dir)
    entries = list({(e.year, e.county.id, e.township.id): e for e in entries}.values())
    if not entries:
        raise GongkaiError(f"{data_dir} 下没有符合条件的记录")
    summary = render_many(entries, opts)
    print(format_summary(summary))
    return summary.exit_code


def format_summary(summary: object) -> str:
    """The end-of-run table: what was rendered, skipped, failing, crashed, and where the index is."""
    from gongkai.build.bulk import REFUSED, Summary
    from gongkai.build.manifest import CRASHED, INVALID, RENDERED

    assert isinstance(summary, Summary)
    rows = [
        ("本次生成", len(summary.rendered)),
        ("未变化，跳过", summary.skipped),
        ("未通过校验", len(summary.failing)),
        ("执行出错", len(summary.with_status(CRASHED))),
        ("记录无效", len(summary.with_status(INVALID))),
        ("未生成（--strict）", len(summary.with_status(REFUSED))),
    ]
    lines = [f"共 {len(summary.reports)} 份报告，用时 {summary.seconds:.1f} 秒"]
    if not summary.attempted:
        lines.append("没有任何变化，未重新生成。")
    lines += [f"  {label:<12}{count:>6}" for label, count in rows]
    problems = summary.failing + [r for r in summary.reports if r.status != RENDERED]
    for r in problems:
        reason = r.message or f"{r.errors} 个错误"
        lines.append(f"  ✗ {r.key} {r.county}{r.township}：{reason}")
    if summary.index is not None:
        lines.append(f"索引：{summary.index}")
    return "\n".join(lines)


def _check(args: argparse.Namespace) -> int:
    import json

    from gongkai.checks import check_many
    from gongkai.pages.report import load_previous
    from gongkai.records import catalog
    from gongkai.records.record import load_record

    data_dir = Path(args.data)
    if args.all:
        entries = list(catalog.entries(data_dir, year=args.only_year or args.year, county=args.county))
        if not entries:
            raise GongkaiError(f"{data_dir} 下没有符合条件的记录")
    else:
        year = args.year or args.only_year
        if args.township is None or year is None:
            raise GongkaiError("请给出 乡镇 和 年度（或用 --all）")
        entries = [catalog.resolve(data_dir, args.township, year, args.county)]
    pairs, bad_input = [], []
    for entry in entries:
        try:
            record = load_record(entry.path)
        except GongkaiError as e:
            if not args.all:
                raise
            bad_input.append(str(e))
            continue
        pairs.append((record, load_previous(record)[0]))
    reports = check_many(pairs)
    if args.json:
        data = [r.to_dict() for r in reports]
        print(json.dumps(data if args.all else data[0], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            print(r.to_text(), end="")
        for message in bad_input:
            print(f"无效记录：{message}")
        if args.all:
            failing = sum(1 for r in reports if not r.passed)
            passing = len(reports) - failing
            print(f"共 {len(entries)} 份记录：{passing} 份通过，{failing} 份未通过，{len(bad_input)} 份无效")
    if bad_input:
        return 2
    return 0 if all(r.passed for r in reports) else 1


def _import(args: argparse.Namespace) -> int:
    from gongkai import importers

    data_dir = Path(args.data)
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
    path = Path(args.output) if args.output else importers.default_path(result, data_dir)
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

    if not args.xlsx:
        raise InputError("目前只能生成 Excel 工作簿：请加 --xlsx")
    fmt = FORMATS[args.format] if args.format else format_for_year(args.year or 2100)
    path = Path(args.output)
    write_template(path, fmt, args.year, force=args.force)
    print(f"已生成填报用工作簿 {path}（{fmt.name}{f'，{args.year} 年' if args.year else ''}）")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line in the style of every other error."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("argument ", "参数 ")
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
    sub = parser.add_subparsers(dest="command", required=True)

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
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML，不生成 PDF")
    p.add_argument("--strict", action="store_true", help="未通过校验（有错误）时不生成报告")
    p.add_argument("--executor", choices=["local", "dask"], default="local", help="在本机进程池或 Dask 集群上运行")
    p.add_argument("--scheduler", help="Dask 调度器地址 tcp://HOST:PORT（默认启动本机 LocalCluster）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=_render)

    c = sub.add_parser("check", help="校验记录的勾稽关系（R1–R6 错误，W1–W4 警告）")
    c.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识")
    c.add_argument("year", nargs="?", type=_year, help="报告年度")
    c.add_argument("--all", action="store_true", help="校验数据目录下的全部记录")
    c.add_argument("--year", dest="only_year", type=_year, help="与 --all 一起：只校验这一年")
    c.add_argument("--county", help="县（区）：中文名或拼音标识")
    c.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    c.add_argument("--json", action="store_true", help="输出机器可读的 JSON")
    c.set_defaults(func=_check)

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
    p.add_argument("--xlsx", action="store_true", help="生成 .xlsx 工作簿")
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
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
