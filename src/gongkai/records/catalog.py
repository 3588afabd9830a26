"""Which records exist: counties, townships and years under a data folder.

Each county folder carries a `county.yaml` naming it and its townships, so
a township can be found by its Chinese name without opening every record.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import InputError, RecordError
from gongkai.records import yamlio
from gongkai.records.ids import ID_PATTERN, LEVELS, MAX_NAME, YEARS, check_id
from gongkai.records.suggest import did_you_mean, nearest

COUNTY_FILE = "county.yaml"
YEAR_FILE = re.compile(r"[0-9]{4}")  # not str.isdigit: that takes ２０２１ too
KINDS = {"county": "县（区）", "township": "乡镇（街道）"}
UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.")  # what could make a name into a path


@dataclass(frozen=True)
class Township:
    id: str
    name: str
    level: str
    line: int | None = field(default=None, compare=False)  # where county.yaml names it


@dataclass(frozen=True)
class County:
    id: str
    name: str
    province: str
    city: str
    townships: tuple[Township, ...]
    folder: Path

    def folder_of(self, township: Township) -> Path:
        """The township's record folder, which county.yaml promises exists."""
        path = self.folder / township.id
        if not path.is_dir():
            raise RecordError(
                self.folder / COUNTY_FILE,
                township.line,
                f"townships.{township.id}",
                f"应有文件夹 {path}/ 存放其记录；没有就从此处删去",
            )
        return path

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
    # The township folder's file names as `entries` listed them: the fingerprint needs
    # them next, and a nation's folders are not listed twice.
    names: list[str] | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        return self.county.folder / self.township.id / f"{self.year}.yaml"

    @property
    def previous(self) -> Path:
        return self.county.folder / self.township.id / f"{self.year - 1}.yaml"


def load_county(folder: Path) -> County:
    """A county file, with every township id checked and its folder present."""
    path = folder / COUNTY_FILE
    try:
        county_id = check_id("county", folder.name)
    except RecordError as e:
        raise RecordError(path, None, "", f"所在文件夹名{e.message.removeprefix('标识')}") from None
    data, lines = yamlio.load(path, limits=yamlio.COUNTY)

    def need(key: str, container: dict[str, object], at: tuple[str, ...]) -> str:
        if key not in container:
            raise RecordError(path, lines.get(at[:-1]), ".".join(at), f"缺少必填字段：应写出 `{key}: …`")
        value = container[key]
        if not isinstance(value, str) or not value.strip() or "\n" in value or len(value) > MAX_NAME:
            raise RecordError(
                path, lines.get(at), ".".join(at), f"应为一行非空文本（不超过 {MAX_NAME} 字），实际为 {value!r}"
            )
        return value.strip()

    if not isinstance(data, dict) or not isinstance(data.get("townships"), dict):
        raise RecordError(path, None, "townships", "应有 townships: 拼音标识 → {name, level} 的映射")
    townships: list[Township] = []
    for tid, info in data["townships"].items():
        at = ("townships", str(tid))
        try:
            check_id("township", str(tid))
        except RecordError as e:
            raise RecordError(path, lines.get(at), ".".join(at), e.message) from None
        if not isinstance(info, dict):
            raise RecordError(path, lines.get(at), ".".join(at), "应为 {name: …, level: …}")
        level = need("level", info, (*at, "level"))
        if level not in LEVELS:
            raise RecordError(
                path, lines.get((*at, "level")), ".".join(at) + ".level", f"应为 {'、'.join(LEVELS)} 之一"
            )
        name = need("name", info, (*at, "name"))
        twin = next((t for t in townships if t.name == name), None)
        if twin is not None:
            raise RecordError(
                path,
                lines.get((*at, "name")),
                ".".join(at) + ".name",
                f"乡镇名 {name} 与 {twin.id}（第 {twin.line} 行）重复：同一县内乡镇名应唯一，请改用全称区分",
            )
        townships.append(Township(str(tid), name, level, lines.get(at)))
    return County(
        id=county_id,
        name=need("name", data, ("name",)),
        province=need("province", data, ("province",)),
        city=need("city", data, ("city",)),
        townships=tuple(townships),
        folder=folder,
    )


# A file changed less than this before it was stat'ed could change again within
# the same timestamp tick without its stat showing it (git's "racily clean"):
# it is read again next time rather than trusted.
RACY_NS = 2_000_000_000


def settled(st: os.stat_result) -> bool:
    """Whether a file's stat can stand for its content from now on (see RACY_NS)."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS


class Memo:
    """County files parsed and township folders listed, by the stat they were taken at.

    A caller that lists the same data folder again (a bulk run, kept beside its
    manifest) passes one in, so a no-op rerun over a nation's counties parses
    and lists none of them. `counties`: folder → (stat, County); `listings`:
    folder → "mtime:ctime:inode/name/name" ("/" is in no file name), one text a
    folder. A caller that holds one county at a time loads it in `enter`, which
    is called with the county's folder name before either is read for it.
    """

    def __init__(self) -> None:
        self.counties: dict[str, tuple[tuple[int, ...], County]] = {}
        self.listings: dict[str, str] = {}
        self.dirty = False  # something was added since the caller last kept it

    def enter(self, county: str) -> None:
        """Make the county's entries available (this one holds every county at once)."""


def remembered_county(folder: Path, memo: Memo | None = None) -> County:
    """`load_county`, unless `memo` holds this file at its current size, mtime, ctime and inode."""
    if memo is None:
        return load_county(folder)
    memo.enter(folder.name)
    st = os.stat(folder / COUNTY_FILE)
    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    hit = memo.counties.get(str(folder))
    if hit is not None and hit[0] == sig:
        return hit[1]
    found = load_county(folder)
    if settled(st):
        memo.counties[str(folder)] = (sig, found)
        memo.dirty = True
    return found


def listing(folder: str, memo: Memo | None = None) -> list[str]:
    """`os.listdir`, unless `memo` holds the folder at its current stat (a folder's mtime changes
    whenever a file in it is created, deleted or renamed)."""
    if memo is None:
        return os.listdir(folder)
    memo.enter(folder.rsplit("/", 2)[-2])  # <county>/<township>, joined with "/" by every caller
    st = os.stat(folder)
    sig = f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    hit = memo.listings.get(folder)
    if hit is not None and hit.partition("/")[0] == sig:
        return hit.split("/")[1:]
    names = os.listdir(folder)
    if settled(st):
        memo.listings[folder] = "".join([sig, *(f"/{n}" for n in names)])
        memo.dirty = True
    return names


def county_to_json(c: County) -> list[object]:
    return [c.id, c.name, c.province, c.city, [[t.id, t.name, t.level, t.line] for t in c.townships], str(c.folder)]


def county_from_json(data: list[object]) -> County:
    cid, name, province, city, townships, folder = data
    assert isinstance(townships, list)
    return County(
        str(cid),
        str(name),
        str(province),
        str(city),
        tuple(Township(t[0], t[1], sys.intern(t[2]), t[3]) for t in townships),  # 乡/镇/街道: one copy each
        Path(str(folder)),
    )


_COUNTIES: dict[tuple[Path, int, int], County] = {}


def county_of(folder: Path) -> County:
    """`load_county`, read once per version of the file (every record compares itself with it)."""
    stat = (folder / COUNTY_FILE).stat()
    key = (folder.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _COUNTIES:
        _COUNTIES.clear()  # one data folder's county at a time is what a run needs most
        _COUNTIES[key] = load_county(folder)
    return _COUNTIES[key]


def check_key(kind: str, value: str) -> str:
    """A county or township as typed (argument, params file): an id or a name, never a path."""
    if value.isascii() and ID_PATTERN.fullmatch(value):
        return value
    if not value.isascii() and not UNSAFE.search(value) and len(value) <= MAX_NAME:
        return value
    raise InputError(
        f"{KINDS[kind]} {value!r} 无效：应为中文名或拼音标识（小写字母、数字、- 和 _），不能含 /、\\、.. 等路径字符"
    )


def check_year(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise InputError(f"没有 {year} 年度的报告：年度应为 {YEARS[0]}–{YEARS[1]} 之间的整数")
    return year


def counties(data_dir: Path, county: str | None = None, memo: Memo | None = None) -> list[County]:
    """The counties under `data_dir`; given a county id, only that one is read.

    Every report resolves its township here, so a province's data folder
    must not cost a few hundred county files per report.
    """
    if not data_dir.is_dir():
        raise InputError(f"数据目录不存在：{data_dir.absolute()}（请用 --data 指定记录所在的文件夹）")
    if county is not None and (data_dir / county / COUNTY_FILE).is_file():
        return [remembered_county(data_dir / county, memo)]
    return list(each_county(data_dir, memo))


def each_county(data_dir: Path, memo: Memo | None = None) -> Iterator[County]:
    """The counties under `data_dir` one at a time, in sorted order: a nation's are never all held at once."""
    if not data_dir.is_dir():
        raise InputError(f"数据目录不存在：{data_dir.absolute()}（请用 --data 指定记录所在的文件夹）")
    names = sorted(p.parent.name for p in data_dir.glob(f"*/{COUNTY_FILE}"))  # texts: a nation's are held
    if not names:
        _explain_empty(data_dir)
    for name in names:
        yield remembered_county(data_dir / name, memo)


def _explain_empty(data_dir: Path) -> None:
    """A data folder with no county file: say what is there instead of 「未知的乡镇」 later."""
    records = sorted(p for p in data_dir.glob("*/*/*.yaml") if YEAR_FILE.fullmatch(p.stem))
    if records:
        folder = records[0].parents[1]
        raise InputError(
            f"{folder} 下有记录（如 {records[0].relative_to(data_dir)}），但没有 {folder / COUNTY_FILE}："
            f"每个县的文件夹都要有一个 {COUNTY_FILE}，写明 name、province、city 和 townships（见 README「记录的格式」）"
        )
    if any(data_dir.glob("*.yaml")):
        raise InputError(
            f"{data_dir} 里直接放着 .yaml 文件，但记录应在 {data_dir}/<县>/<乡镇>/<年>.yaml，"
            f"每个县的文件夹有一个 {COUNTY_FILE}"
        )
    data_dir = data_dir.absolute()
    raise InputError(
        f"数据目录 {data_dir} 里没有任何县：应有 {data_dir}/<县>/{COUNTY_FILE} 和 <县>/<乡镇>/<年>.yaml"
        "（或用 --data 指定另一个文件夹）"
    )


def entries(
    data_dir: Path,
    year: int | None = None,
    county: str | None = None,
    *,
    missing: list[RecordError] | None = None,
    memo: Memo | None = None,
) -> Iterator[Entry]:
    """Every record file under `data_dir`, in a stable order; `memo`: see `Memo`.

    A township folder that county.yaml names but that is absent raises, or,
    given `missing`, is listed there and the other townships still come.
    """
    if year is not None:
        check_year(year)
    if county is not None:
        check_key("county", county)
    found: Iterable[County] = (
        each_county(data_dir, memo) if county is None else _only(counties(data_dir, county, memo), county, data_dir)
    )
    for c in found:
        for t in c.townships:
            try:
                names = listing(os.path.join(c.folder, t.id), memo)  # a nation's records: no Path per file
            except OSError:
                try:
                    c.folder_of(t)  # raises, naming the line of county.yaml
                except RecordError as e:
                    if missing is None:
                        raise
                    missing.append(e)
                continue  # there but unreadable: as glob did, no records from it
            for name in sorted(names):
                stem = name[:-5]
                if name.endswith(".yaml") and YEAR_FILE.fullmatch(stem) and (year is None or int(stem) == year):
                    yield Entry(c, t, int(stem), names)


@dataclass(frozen=True)
class Selection:
    """`entries(...)` afresh each time it is iterated: a run can pass over a nation's records without holding them.

    `missing` holds the township folders the last pass found absent; `memo`: see `Memo`.
    """

    data_dir: Path
    year: int | None = None
    county: str | None = None
    missing: list[RecordError] = field(default_factory=list, compare=False)
    memo: Memo | None = field(default=None, compare=False)

    def __iter__(self) -> Iterator[Entry]:
        self.missing.clear()
        return entries(self.data_dir, self.year, self.county, missing=self.missing, memo=self.memo)


def _only(found: list[County], county: str, data_dir: Path) -> list[County]:
    """The county asked for, or an error naming the nearest ones on record."""
    chosen = [c for c in found if county in (c.id, c.name)]
    if not chosen:
        near = nearest(county, ((f"{c.name}（{c.id}）", c.name, c.id) for c in found))
        raise InputError(f"未知的县（区）：{county}（数据目录 {data_dir}）{did_you_mean(near)}")
    return chosen


def resolve(
    data_dir: Path, township: str, year: int, county: str | None = None, *, found: list[County] | None = None
) -> Entry:
    """Find one township-year by Chinese name or id; ambiguity needs --county.

    `found`: the counties already read (a params file resolves thousands of entries).
    """
    check_key("township", township)
    check_year(year)
    if county is not None:
        check_key("county", county)
    if found is None:
        found = counties(data_dir, county)
    if county is not None:
        found = _only(found, county, data_dir)
    matches = [(c, t) for c in found for t in c.townships if township in (t.id, t.name)]
    if not matches:
        several = len(found) > 1
        near = nearest(
            township,
            ((f"{c.name if several else ''}{t.name}（{t.id}）", t.name, t.id) for c in found for t in c.townships),
        )
        raise InputError(f"未知的乡镇（街道）：{township}（数据目录 {data_dir}）{did_you_mean(near)}")
    if len(matches) > 1:
        names = "、".join(f"{c.name}（--county {c.id}）" for c in dict.fromkeys(c for c, _ in matches))
        raise InputError(f"乡镇名 {township} 在多个县出现：{names}；请用 --county 指明")
    c, t = matches[0]
    folder = c.folder_of(t)
    entry = Entry(c, t, year)
    if not entry.path.is_file():
        years = sorted(int(p.stem) for p in folder.glob("*.yaml") if YEAR_FILE.fullmatch(p.stem))
        have = f"已有的年度：{'、'.join(map(str, years))}" if years else "还没有任何年度的记录"
        raise InputError(
            f"没有 {c.name}{t.name} {year} 年的记录（{entry.path}）；{have}。"
            f"新建记录：用 gongkai import 导入已发布的报告，或用 gongkai template 生成填报工作簿后导入"
        )
    return entry
