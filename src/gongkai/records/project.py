"""Where the project's records are, wherever the command is run from.

An analyst opens a terminal in the county's folder, in a township's folder or
in the project itself: the data folder is found by walking up from there, as
git finds its repository. A folder says it is the project by holding
`data/<县>/county.yaml`, a `gongkai.toml` with `data = "…"`, or a
`pyproject.toml` with `[tool.gongkai] data = "…"`. Every message names the
absolute folders looked in and the option that settles it (`--data`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import InputError
from gongkai.records.catalog import COUNTY_FILE, YEAR_FILE

CONFIG = "gongkai.toml"
OPTION = "--data"


@dataclass(frozen=True)
class Project:
    """The data folder and where it was found from: output goes beside the data, not wherever the command ran."""

    data: Path  # absolute
    root: Path  # the folder holding the data folder (or the config naming it)
    found: bool  # found by looking up from the current folder, not given with --data

    @property
    def output(self) -> Path:
        return self.root / "output"


def find(given: str | None, cwd: Path | None = None) -> Project:
    """The data folder: `--data` when given, else the nearest one from `cwd` upwards."""
    cwd = (cwd or Path.cwd()).absolute()
    if given is not None:
        data = (cwd / given).absolute()
        if not data.is_dir():
            what = "是一个文件" if data.exists() else "不存在"
            raise InputError(f"数据目录 {data} {what}（{OPTION} {given}）：{OPTION} 应为记录所在的文件夹，如 data")
        return Project(data, data.parent, found=False)
    for folder in (cwd, *cwd.parents):
        named = _configured(folder)
        if named is not None:
            return Project(named, folder, found=True)
        if _is_data(folder / "data"):
            return Project(folder / "data", folder, found=True)
        if _is_data(folder):  # run inside the data folder itself (or a county or township folder below it)
            return Project(folder, folder.parent, found=True)
    raise InputError(
        f"找不到数据目录：从 {cwd} 向上各级都没有 data/<县>/{COUNTY_FILE}、{CONFIG} 或 pyproject.toml 的 "
        f"[tool.gongkai]；请到项目文件夹中运行，或用 {OPTION} 指定记录所在的文件夹"
    )


def _is_data(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(folder.glob(f"*/{COUNTY_FILE}"))
    except OSError:
        return False


def _configured(folder: Path) -> Path | None:
    """`data = "…"` in gongkai.toml, or in pyproject.toml under [tool.gongkai]."""
    for name, keys in ((CONFIG, ()), ("pyproject.toml", ("tool", "gongkai"))):
        path = folder / name
        if not path.is_file():
            continue
        try:
            table: object = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise InputError(f'{path} 无法读取（{e}）：应为 TOML，如 data = "data"') from None
        for key in keys:
            table = table.get(key) if isinstance(table, dict) else None
        if not isinstance(table, dict) or "data" not in table:
            if name == CONFIG:
                raise InputError(f'{path} 中没有 data = "…"：应写明记录所在的文件夹，如 data = "data"')
            continue
        value = table["data"]
        if not isinstance(value, str) or not value.strip():
            raise InputError(f'{path} 中的 data 应为文件夹名（文本），如 data = "data"，实际为 {value!r}')
        data = (folder / value).absolute()
        if not data.is_dir():
            raise InputError(f'{path} 写明的数据目录 {data} 不存在：请改正 data = "…"，或用 {OPTION} 指定')
        return data
    return None


@dataclass(frozen=True)
class Target:
    """A report named by its record file: `gongkai render data/minquan/hujixiang/2024.yaml`."""

    data: Path
    county: str
    township: str
    year: int


def record_target(text: str | None, given: str | None, cwd: Path | None = None) -> Target | None:
    """The report a record path names; None when `text` is a township's name, not a file."""
    if text is None or not text.endswith((".yaml", ".yml")):
        return None
    cwd = (cwd or Path.cwd()).absolute()
    path = (cwd / text).absolute()
    if not path.is_file():
        raise InputError(f"记录文件 {path} 不存在：请给出 data/<县>/<乡镇>/<年>.yaml，或给出乡镇名和年度")
    data = path.parent.parent.parent
    if not YEAR_FILE.fullmatch(path.stem) or not (path.parent.parent / COUNTY_FILE).is_file():
        raise InputError(
            f"{path} 不在数据目录的 <县>/<乡镇>/<年>.yaml 位置（{path.parent.parent / COUNTY_FILE} 不存在）："
            "请给出数据目录中的记录，或给出乡镇名和年度"
        )
    if given is not None and (cwd / given).resolve() != data.resolve():
        raise InputError(f"记录 {path} 不在 {OPTION} 指定的数据目录 {(cwd / given).absolute()} 中：请去掉 {OPTION}")
    return Target(data, path.parent.parent.name, path.parent.name, int(path.stem))
