"""`gongkai check` and `gongkai review`: the checks of records, and a reviewer's decisions on their findings."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os

from gongkai.errors import GongkaiError, RecordError
from gongkai.interfaces.locating import locate
from gongkai.records import catalog


def check(args: argparse.Namespace) -> int:
    from gongkai.checks import many

    data_dir = locate(args).data
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


def review(args: argparse.Namespace) -> int:
    """Record a reviewer's decision on findings of one record, beside it (`<year>.review.yaml`)."""
    from gongkai.checks.many import checker
    from gongkai.records import review
    from gongkai.records.history import load_previous
    from gongkai.records.record import load_record

    entry = catalog.resolve(locate(args).data, args.township, args.year, args.county)
    record = load_record(entry.path)
    (report,) = checker(gx=False)([(record, load_previous(record)[0])])
    new = review.decide(
        [f for o in report.outcomes for f in o.findings],
        args.key,
        accept=args.accept,
        allow=args.allow,
        reason=args.reason,
        who=args.who or os.environ.get("USER") or "未署名",
        date=args.date or dt.datetime.now(dt.UTC).date().isoformat(),
        title=record.title,
    )
    path, count = review.record_decisions(entry.path, new)
    label = "已确认" if args.accept else "待修正"
    for d in new:
        print(f"{label} {d.key}：{d.reason}（{d.who}，{d.date}）")
    print(f"已写入 {path}（共 {count} 条决定）")
    return 0
