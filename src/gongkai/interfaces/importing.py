"""`gongkai import`, `template` and `audit`: published reports and workbooks in, records and findings out."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gongkai.errors import InputError
from gongkai.interfaces.locating import import_data
from gongkai.outputs import inside, writable_file
from gongkai.records.catalog import check_key
from gongkai.shown import shown


def import_files(args: argparse.Namespace) -> int:
    from gongkai import importers
    from gongkai.importers.guarded import limits, read_one
    from gongkai.records.record import check_id

    for kind in ("county", "township"):
        if getattr(args, kind) is not None:
            check_key(kind, getattr(args, kind))  # never a path, never a newline
    data_dir = import_data(args)
    overrides = importers.Overrides(
        county=args.county, township=args.township, year=args.year, format=args.format, data_dir=data_dir
    )
    files = [Path(f) for f in args.file]
    budget = limits(args.time_limit, args.memory_limit)
    if args.out_dir or len(files) > 1 or files[0].is_dir():  # many files: one line each, a summary
        from gongkai.importers.batch import import_many, report

        if args.output:
            raise InputError("导入多个文件时不能用 -o；请用 --out-dir 指定输出目录")
        if args.out_dir:
            out_dir = Path(args.out_dir)
        else:
            assert data_dir is not None  # import_data: without --out-dir the data folder is needed
            out_dir = data_dir / (args.county or "imported")
        lines, code = report(import_many(files, out_dir, overrides, force=args.force, budget=budget))
        print("\n".join(shown(line) for line in lines))
        return code
    result = read_one(files[0], overrides, budget)
    if args.output:
        path = Path(args.output)
        writable_file(path, "-o", args.force)
    else:
        assert data_dir is not None  # import_data: without -o the data folder is needed
        path = importers.default_path(result, data_dir)
        check_id("county", str(result.county_id))
        check_id("township", str(result.township_id))
        inside(data_dir, path)
    importers.write_result(result, path, force=args.force)
    data = result.data
    print(
        shown(
            f"已写入 {path}：{data.get('body') or '（机关名称未知）'} {data.get('year') or '（年度未知）'} 年，"
            f"{data['format']} 格式，读自 {result.kind}"
        )
    )
    notes = [p for p in result.problems if p.kind is importers.Trouble.NOTE]
    gaps = [p for p in result.problems if p.kind is not importers.Trouble.NOTE]
    for problem in notes:
        print(shown(f"  提示：{problem.where + '：' if problem.where else ''}{problem.what}"))
    if gaps:
        print(f"有 {len(gaps)} 处未能读取，记录中留为 ~，请补填：")
        for problem in gaps:
            print(shown(f"  {problem}"))
        return 1
    return 0


def audit(args: argparse.Namespace) -> int:
    """Import and check every published report in the folders; one table of findings."""
    from gongkai.importers.guarded import limits
    from gongkai.interfaces.audit import audit, exit_code, summary_lines, write_audit
    from gongkai.interfaces.audit_facts import Given

    start = time.perf_counter()
    decisions = Path(args.decisions) if args.decisions else None
    if decisions is not None and not decisions.is_dir():
        raise InputError(f"--decisions {decisions} 不是文件夹：应为记录所在目录（如 data）")
    given = Given(year=args.year, pattern=args.name_pattern or "")
    budget = limits(args.time_limit, args.memory_limit)
    rows = audit([Path(f) for f in args.folders], args.jobs, decisions, given, args.profile, budget=budget)
    if not rows:
        raise InputError(f"{'、'.join(args.folders)} 中没有文件")
    index = write_audit(rows, Path(args.out) / "audit", args.profile)
    for line in summary_lines(rows):
        print(line)
    print(f"用时 {time.perf_counter() - start:.1f} 秒；结果：{index}（另有 audit.json、audit.csv）")
    return exit_code(rows)
