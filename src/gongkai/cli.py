"""The `gongkai` command: a thin layer over functions the tests call directly."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from gongkai.errors import GongkaiError


def _render(args: argparse.Namespace) -> int:
    from gongkai import catalog, render
    from gongkai.run import render_entry

    data_dir, out_dir = Path(args.data), Path(args.out)
    entry = catalog.resolve(data_dir, args.township, args.year, args.county)
    start = time.perf_counter()
    if args.no_pdf:
        done = render_entry(entry, data_dir, out_dir, strict=args.strict)
    else:
        render.chromium_path()  # fail before executing anything
        with render.Printer() as printer:
            done = render_entry(entry, data_dir, out_dir, printer=printer, strict=args.strict)
    took = time.perf_counter() - start
    print(f"已生成 {done.meta['title']}（{took:.1f} 秒）：")
    for name in done.files:
        print(f"  {done.folder / name}")
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from gongkai import catalog
    from gongkai.checks import check_many
    from gongkai.record import load_record
    from gongkai.report import load_previous

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政府信息公开工作年度报告：记录 → 校验 → 报告")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="生成一个乡镇一年的报告（HTML 与 PDF）")
    p.add_argument("township", help="乡镇（街道）：中文名或拼音标识，如 胡集乡 或 hujixiang")
    p.add_argument("year", type=int, help="报告年度，如 2021")
    p.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    p.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    p.add_argument("--out", default="output", help="输出目录（默认 output）")
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML，不生成 PDF")
    p.add_argument("--strict", action="store_true", help="未通过校验（有错误）时不生成报告")
    p.set_defaults(func=_render)

    c = sub.add_parser("check", help="校验记录的勾稽关系（R1–R6 错误，W1–W4 警告）")
    c.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识")
    c.add_argument("year", nargs="?", type=int, help="报告年度")
    c.add_argument("--all", action="store_true", help="校验数据目录下的全部记录")
    c.add_argument("--year", dest="only_year", type=int, help="与 --all 一起：只校验这一年")
    c.add_argument("--county", help="县（区）：中文名或拼音标识")
    c.add_argument("--data", default="data", help="记录所在目录（默认 data）")
    c.add_argument("--json", action="store_true", help="输出机器可读的 JSON")
    c.set_defaults(func=_check)
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
