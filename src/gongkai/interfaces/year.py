"""`gongkai new` and `gongkai template 乡镇 年度`: the analyst's year, as thin command-line front ends.

The work is in records/newyear.py and workbook/; cli.py parses, this module calls and prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.errors import GongkaiError, InputError
from gongkai.outputs import writable_file
from gongkai.records import catalog, project


def new(args: argparse.Namespace) -> int:
    from gongkai.records.newyear import start_year, write_new
    from gongkai.records.record import load_record

    data_dir = project.find(args.data).data
    year = args.year_pos if args.year_pos is not None else args.year
    if year is None:
        raise InputError("请给出新的年度，如 gongkai new 胡集乡 2024（或 --all --county minquan --year 2024）")
    catalog.check_year(year)
    if args.all:
        if args.township:
            raise InputError("--all 与乡镇名不能同时给出")
        townships = [(c, t) for c in catalog.counties(data_dir, args.county) for t in c.townships]
    elif args.township:
        entry = catalog.resolve(data_dir, args.township, year - 1, args.county)
        townships = [(entry.county, entry.township)]
    else:
        raise InputError("请给出乡镇和年度（如 gongkai new 胡集乡 2024），或用 --all")
    written = existing = missing = invalid = 0
    for county, township in townships:
        previous = county.folder / township.id / f"{year - 1}.yaml"
        target = previous.with_name(f"{year}.yaml")
        name = f"{county.name}{township.name}"
        if not previous.is_file():
            print(f"{name}：没有 {year - 1} 年的记录（{previous}），未生成")
            missing += 1
            continue
        if target.exists() and not args.force:
            print(f"{name}：{target} 已存在，未覆盖（确认要重新生成请加 --force）")
            existing += 1
            continue
        try:
            started = start_year(load_record(previous), year)
        except GongkaiError as e:
            if not args.all:
                raise
            print(f"{name}：{year - 1} 年的记录无效，未生成（{' '.join(str(e).splitlines())}）")
            invalid += 1
            continue
        write_new(started, target, force=args.force)
        written += 1
        if args.all:
            counted = f"沿用上年 {len(started.carried)} 格，默认为 0 的 {len(started.zeros)} 格"
            blank = f"，上年空白仍为空 {len(started.blank)} 格" if started.blank else ""
            print(f"已写入 {target}（{name} {year} 年：{counted}{blank}）")
        else:
            print(f"已写入 {target}（{name} {year} 年）")
            print("\n".join(started.notes()))
    if args.all:
        print(
            f"共 {len(townships)} 个乡镇：写入 {written} 份，已存在未覆盖 {existing} 份，"
            f"缺少上年记录 {missing} 份，上年记录无效 {invalid} 份"
        )
        if written:
            print("每份记录开头的注释列出了沿用上年和默认为 0 的单元格")
    if invalid:
        raise InputError(f"有 {invalid} 份 {year - 1} 年的记录无效，未生成对应的 {year} 年记录；请先修正（见上）")
    if existing:
        raise InputError(f"有 {existing} 份 {year} 年的记录已存在，未覆盖；确认要重新生成请加 --force")
    if not written:
        raise InputError(f"没有生成任何 {year} 年的记录：缺少 {year - 1} 年的记录")
    return 0


def template(args: argparse.Namespace) -> int:
    """`template 胡集乡 2024`: the township's workbook from its record; `template --year 2024 -o x.xlsx`: empty."""
    from gongkai.format import FORMATS, format_for_year
    from gongkai.records.record import load_record
    from gongkai.workbook import write_template, write_workbook

    if args.township is None:
        if args.year_pos is not None:
            raise InputError("只给了一个年度：请写 gongkai template 乡镇 年度，或 gongkai template --year 年度 -o 文件")
        if not args.output:
            raise InputError("生成空白工作簿请用 -o 指定文件，如 gongkai template --year 2024 -o 胡集乡2024.xlsx")
        fmt = FORMATS[args.format] if args.format else format_for_year(args.year or 2100)
        path = Path(args.output)
        writable_file(path, "-o", args.force)
        write_template(path, fmt, args.year, force=args.force)
        print(f"已生成填报用工作簿 {path}（{fmt.name}{f'，{args.year} 年' if args.year else ''}）")
        return 0
    year = args.year_pos if args.year_pos is not None else args.year
    if year is None:
        raise InputError("请给出年度，如 gongkai template 胡集乡 2024")
    if args.format:
        raise InputError("--format 只用于空白工作簿：由记录生成的工作簿用记录的格式")
    entry = catalog.resolve(project.find(args.data).data, args.township, year, args.county)
    record = load_record(entry.path)
    path = Path(args.output) if args.output else Path(f"{entry.township.name}{year}.xlsx")
    writable_file(path, "-o", args.force)
    write_workbook(path, record, force=args.force)
    print(
        f"已生成 {path}：{record.title}，数字、文字已填入（来自 {entry.path}）；"
        f"填好后运行 gongkai import {path}{'' if args.data is None else f' --data {args.data}'} --force"
    )
    return 0
