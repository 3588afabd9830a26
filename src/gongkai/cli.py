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
