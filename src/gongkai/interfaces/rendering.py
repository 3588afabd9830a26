"""`gongkai render` and `gongkai preview`: parse nothing, call the production and batch layers, print."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from pathlib import Path

from gongkai.errors import GongkaiError, InputError
from gongkai.interfaces import locating
from gongkai.interfaces.locating import locate
from gongkai.outputs import writable_folder
from gongkai.records import catalog


def render(args: argparse.Namespace) -> int:
    from gongkai.batch.bulk import render_many, render_one
    from gongkai.batch.plan import Options
    from gongkai.production import render

    found = locate(args)
    data_dir, out_dir = found.data, locating.out_dir(args, found)
    writable_folder(out_dir, "--out")
    opts = Options(
        data_dir=data_dir,
        out_dir=out_dir,
        jobs=args.jobs,
        force=args.force,
        only_failed=args.only_failed,
        formats=formats(args.formats, args.no_pdf),
        strict=args.strict,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=not args.no_progress,
        docx_template=Path(args.docx_template) if args.docx_template else None,
    )
    if opts.pdf:
        render.check_chromium()  # fail before executing anything
    if opts.docx_template is not None and "docx" in opts.formats:
        from gongkai.production.docx_styles import template_bytes
        from gongkai.production.office_template import template_path

        template_bytes(template_path(data_dir, opts.docx_template) or opts.docx_template)  # a bad template: now
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
    from gongkai.batch.fingerprint import open_cache

    cache = open_cache(out_dir)  # the county files and folders the last run read: not parsed again if unchanged
    selection = catalog.Selection(data_dir, args.only_year or args.year, args.county, memo=cache)
    missing = selection.missing  # township folders county.yaml names but that are absent
    entries: Iterable[catalog.Entry] = selection if args.all else []
    if args.params:  # a few named reports, with or without --all: held, duplicates dropped
        from gongkai.records.params import load_params

        listed = [*entries, *(e for params in args.params for e in load_params(Path(params), data_dir))]
        missing = list(missing)  # the pass just made: the selection starts afresh if iterated again
        entries = list({(e.year, e.county.id, e.township.id): e for e in listed}.values())
    if next(iter(entries), None) is None:  # --all: its first county only
        raise missing[0] if missing else GongkaiError(f"{data_dir} 下没有符合条件的记录")
    summary = render_many(entries, opts, cache)
    print(format_summary(summary))
    for problem in missing:
        print(f"  ✗ 缺少乡镇文件夹：{problem}")
    return 2 if missing else summary.exit_code


def formats(text: str, no_pdf: bool) -> frozenset[str]:
    """`--formats html,pdf,docx,review-pdf` → the set; an unknown name is an input error."""
    from gongkai.production.run import FORMATS

    asked = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(asked - set(FORMATS))
    if unknown:
        raise InputError(f"--formats 中有未知的成品：{'、'.join(unknown)}（可选：{','.join(FORMATS)}）")
    return frozenset(asked - ({"pdf", "review-pdf"} if no_pdf else set()))


def format_summary(summary: object) -> str:
    """The end-of-run table: what was rendered, skipped, failing, crashed, and where the index is."""
    from gongkai.batch.tally import Summary
    from gongkai.pages.outcomes import CRASHED, INVALID, REFUSED

    assert isinstance(summary, Summary)
    rows = [
        ("本次生成", len(summary.rendered)),
        ("未变化，跳过", summary.skipped),
        ("未通过校验", len(summary.failing)),
        ("执行出错", summary.with_status(CRASHED)),
        ("记录无效", summary.with_status(INVALID)),
        ("未生成（--strict）", summary.with_status(REFUSED)),
    ]
    if summary.completed or summary.kept or summary.removed:  # --formats changed: production/products.py
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


def preview(args: argparse.Namespace) -> int:
    from gongkai.interfaces.preview import Preview

    preview = Preview(locate(args).data, args.township, args.year, args.county)
    preview.serve(args.port, ready=lambda line: print(line, flush=True))
    return 0
