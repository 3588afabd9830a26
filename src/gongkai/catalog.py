"""Which records exist: counties, townships and years under a data folder.

Each county folder carries a `county.yaml` naming it and its townships, so
a township can be found by its Chinese name without opening every record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai import yamlio
from gongkai.errors import InputError, RecordError
from gongkai.record import LEVELS, check_id

COUNTY_FILE = "county.yaml"


@dataclass(frozen=True)
class Township:
    id: str
    name: str
    level: str


@dataclass(frozen=True)
class County:
    id: str
    name: str
    province: str
    city: str
    townships: tuple[Township, ...]
    folder: Path

    def township(self, key: str) -> Township | None:
        for t in self.townships:
            if key in (t.id, t.name):
                return t
        return None


@dataclass(frozen=True)
class Entry:
    """One record file, located but not yet read."""

    county: County
    township: Township
    year: int

    @property
    def path(self) -> Path:
        return self.county.folder / self.township.id / f"{self.year}.yaml"

    @property
    def previous(self) -> Path:
        return self.county.folder / self.township.id / f"{self.year - 1}.yaml"


def load_county(folder: Path) -> County:
    path = folder / COUNTY_FILE
    data, lines = yamlio.load(path)

    def need(key: str, container: dict[str, object], at: tuple[str, ...]) -> str:
        value = container.get(key)
        if not isinstance(value, str) or not value:
            raise RecordError(path, lines.get(at), ".".join(at), "应为非空文本")
        return value

    if not isinstance(data, dict) or not isinstance(data.get("townships"), dict):
        raise RecordError(path, None, "townships", "应有 townships: 拼音标识 → {name, level} 的映射")
    townships = []
    for tid, info in data["townships"].items():
        at = ("townships", str(tid))
        if not isinstance(info, dict):
            raise RecordError(path, lines.get(at), ".".join(at), "应为 {name: …, level: …}")
        try:
            check_id("township", str(tid))
        except RecordError as e:
            raise RecordError(path, lines.get(at), ".".join(at), e.message) from None
        level = need("level", info, (*at, "level"))
        if level not in LEVELS:
            raise RecordError(
                path, lines.get((*at, "level")), ".".join(at) + ".level", f"应为 {'、'.join(LEVELS)} 之一"
            )
        townships.append(Township(str(tid), need("name", info, (*at, "name")), level))
    return County(
        id=check_id("county", folder.name),
        name=need("name", data, ("name",)),
        province=need("province", data, ("province",)),
        city=need("city", data, ("city",)),
        townships=tuple(townships),
        folder=folder,
    )


def counties(data_dir: Path) -> list[County]:
    if not data_dir.is_dir():
        raise InputError(f"数据目录不存在：{data_dir}")
    return [load_county(p.parent) for p in sorted(data_dir.glob(f"*/{COUNTY_FILE}"))]


def entries(data_dir: Path, year: int | None = None, county: str | None = None) -> Iterator[Entry]:
    """Every record file under `data_dir`, in a stable order."""
    found = counties(data_dir)
    if county is not None:
        found = [c for c in found if county in (c.id, c.name)]
        if not found:
            raise InputError(f"未知的县（区）：{county}")
    for c in found:
        for t in c.townships:
            for path in sorted((c.folder / t.id).glob("*.yaml")):
                if path.stem.isdigit() and (year is None or int(path.stem) == year):
                    yield Entry(c, t, int(path.stem))


def resolve(data_dir: Path, township: str, year: int, county: str | None = None) -> Entry:
    """Find one township-year by Chinese name or id; ambiguity needs --county."""
    found = counties(data_dir)
    if county is not None:
        found = [c for c in found if county in (c.id, c.name)]
        if not found:
            raise InputError(f"未知的县（区）：{county}（数据目录 {data_dir}）")
    matches = [(c, t) for c in found for t in c.townships if township in (t.id, t.name)]
    if not matches:
        raise InputError(f"未知的乡镇（街道）：{township}（数据目录 {data_dir}）")
    if len(matches) > 1:
        names = "、".join(f"{c.name}（--county {c.id}）" for c, _ in matches)
        raise InputError(f"乡镇名 {township} 在多个县出现：{names}；请用 --county 指明")
    c, t = matches[0]
    entry = Entry(c, t, year)
    if not entry.path.is_file():
        raise InputError(f"没有 {c.name}{t.name} {year} 年的记录：{entry.path}")
    return entry
