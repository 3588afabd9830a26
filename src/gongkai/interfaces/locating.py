"""Where a command's records and products are: `--data`, or the project found upwards; a record's path; import's folder.

Shared by every command that reads the data folder, so each says the same
thing when it is missing (the absolute folder looked in, and `--data`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.errors import InputError
from gongkai.records import project
from gongkai.records.catalog import COUNTY_FILE
from gongkai.records.project import Project

DATA_HELP = "记录所在目录（默认从当前文件夹向上查找含 <县>/county.yaml 的 data/，或 gongkai.toml 的 data = …）"


def locate(args: argparse.Namespace) -> Project:
    """The data folder (from --data, or found upwards from here); a record's path also names the report."""
    target = project.record_target(getattr(args, "township", None), args.data)
    if target is None:
        return project.find(args.data)
    if args.year is not None and args.year != target.year:
        raise InputError(f"年度 {args.year} 与记录文件的年度 {target.year} 不同：给出记录文件时不必再写年度")
    if args.county is not None and args.county != target.county:
        raise InputError(f"--county {args.county} 与记录所在的县 {target.county}/ 不同：给出记录文件时不必写 --county")
    args.township, args.year, args.county = target.township, target.year, target.county
    return Project(target.data, target.data.parent, found=args.data is None)


def out_dir(args: argparse.Namespace, found: Project) -> Path:
    """--out, else output/ beside the data folder found (so a run from a township's folder writes there too)."""
    if args.out is not None:
        return Path(args.out)
    return found.output if found.found else Path("output")


def import_data(args: argparse.Namespace) -> Path | None:
    """The data folder an import reads county.yaml from and writes into; None when -o/--out-dir make it needless.

    A --county given as an id needs its county.yaml: without it the county
    could not be applied, and an import never drops an option silently.
    """
    from gongkai.records.record import ID_PATTERN

    try:
        data_dir: Path | None = project.find(args.data).data
    except InputError:
        if args.data is not None or not (args.output or args.out_dir):
            raise
        data_dir = None
    county = args.county
    if (
        county
        and ID_PATTERN.fullmatch(county)
        and (data_dir is None or not (data_dir / county / COUNTY_FILE).is_file())
    ):
        looked = f"{data_dir / county / COUNTY_FILE} 不存在" if data_dir else "没有找到数据目录"
        raise InputError(
            f"--county {county}：{looked}，无法补全省、市和乡镇；请用 --data 指定含有该县的数据目录，或写中文县名"
        )
    return data_dir
