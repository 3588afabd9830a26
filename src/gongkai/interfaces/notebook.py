"""`gongkai notebook`: a working copy of the report notebook for one report, to open in JupyterLab."""

from __future__ import annotations

import argparse
import shlex

from gongkai.errors import InputError
from gongkai.interfaces.locating import locate, out_dir
from gongkai.outputs import writable_file
from gongkai.records import catalog


def notebook(args: argparse.Namespace) -> int:
    """Write (never overwrite without --force) the copy with the report's parameters set; say how to open it."""
    from gongkai.production import notebook as notebooks
    from gongkai.resources import NOTEBOOK

    found = locate(args)
    if args.year is None:
        raise InputError("请给出 乡镇 和 年度（如 gongkai notebook 胡集乡 2024），或记录文件")
    entry = catalog.resolve(found.data, args.township, args.year, args.county)
    folder = out_dir(args, found) / "notebooks"
    target = folder / f"{entry.county.id}-{entry.township.id}-{entry.year}.ipynb"
    writable_file(target, "--out", args.force)
    values: dict[str, object] = {
        "township": entry.township.id,
        "year": entry.year,
        "county": entry.county.id,
        "data_dir": notebooks.relative(folder, found.data),
    }
    if notebooks.write_working_copy(NOTEBOOK, target, values, force=args.force):
        print(f"已写入 {entry.county.name}{entry.township.name} {entry.year} 年报告的工作副本：{target}")
    else:
        print(f"工作副本已存在，未覆盖（重新生成请加 --force）：{target}")
    print(f"在 JupyterLab 中打开：jupyter lab {shlex.quote(str(target))}")
    return 0
