"""The `gongkai` command: a thin layer over functions the tests call directly."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from gongkai.errors import GongkaiError, InputError


def _render(args: argparse.Namespace) -> int:
    from gongkai import catalog, render
    from gongkai.run import render_entry

    data_dir, out_dir = Path(args.data), Path(args.out)
    entry = catalog.resolve(data_dir, args.township, args.year, args.county)
    start = time.perf_counter()
    if args.no_pdf:
        done = render_entry(entry, data_dir, out_dir)
    else:
        render.chromium_path()  # fail before executing anything
        with render.Printer() as printer:
            done = render_entry(entry, data_dir, out_dir, printer=printer)
    took = time.perf_counter() - start
    print(f"已生成 {done.meta['title']}（{took:.1f} 秒）：")
    for name in done.files:
        print(f"  {done.folder / name}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from gongkai import importers

    data_dir = Path(args.data)
    overrides = importers.Overrides(
        county=args.county, township=args.township, year=args.year, format=args.format, data_dir=data_dir
    )
    result = importers.import_file(Path(args.file), overrides)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongkai", description="政府信息公开工作年度报告：记录 → 校验 → 报告"
    )
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="生成一个乡镇一年的报告（HTML 与 PDF）")
    p.add_argument("township", help="乡镇（街道）：中文名或拼音标识，如 胡集乡 或 hujixiang")
    p.add_argument("year", type=int, help="报告年度，如 2021")
    p.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    p.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    p.add_argument("--out", default="output", help="输出目录（默认 output）")
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML，不生成 PDF")
    p.set_defaults(func=_render)

    p = sub.add_parser("import", help="把已发布的报告（文本、网页 HTML）或填好的工作簿（.xlsx）导入为记录")
    p.add_argument("file", help="报告文件：.txt/.md 文本、.html 网页或 gongkai template 生成的 .xlsx")
    p.add_argument("-o", "--output", help="记录文件（默认 data/<县>/<乡镇>/<年度>.yaml，需要拼音标识）")
    p.add_argument(
        "--county", help="县（区）：拼音标识（如 minquan，从 data/<县>/county.yaml 补全省、市）或中文名"
    )
    p.add_argument("--township", help="乡镇（街道）：拼音标识或中文名，优先于文档中的名称")
    p.add_argument("--year", type=int, help="报告年度，优先于文档标题中的年度")
    p.add_argument("--format", choices=("2021", "2019"), help="表格格式，默认按表头和年度判断")
    p.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    p.add_argument("--force", action="store_true", help="覆盖已有的记录文件")
    p.set_defaults(func=_import)

    p = sub.add_parser("template", help="生成乡镇填报数字用的 Excel 工作簿")
    p.add_argument("--xlsx", action="store_true", help="生成 .xlsx 工作簿")
    p.add_argument("--year", type=int, help="报告年度（决定格式，并预先填入）")
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
        print(f"错误：{e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
