"""Invented township-year records: the bundled 民权县 examples and big benchmark counties.

Each township draws from its own `random.Random`, seeded with the seed, county
and township, so the same arguments write the same bytes and adding a township
changes no other's figures. Figures follow the rules (R1–R6, W1–W3) except in
the records named in `broken`, each breaking one rule on purpose so that the
checks and the index have failures to show. Every record says it is invented.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gongkai.format import Kind, Node
from gongkai.records import yamlio
from gongkai.records.record import LEVELS, CellKey, Record, Value, dump_record, load_record
from gongkai.synthetic.narrative import narrative
from gongkai.synthetic.shape import (
    APPLICANT_WEIGHTS,
    APPLICANTS,
    CARRIED_IN,
    CARRIED_OVER,
    COERCION,
    FEES,
    FORMAT,
    IN_FORCE,
    ISSUED,
    LICENSING,
    NATURAL_PERSON,
    NORMATIVE,
    OUTCOME_CHOICES,
    OUTCOME_TOTAL,
    OUTCOME_WEIGHTS,
    PENALTY,
    RECEIVED,
    REGULATIONS,
    REPEALED,
    T2,
    T3,
    T4,
    T4_PARTS,
    T4_TOTAL,
    T4_WEIGHTS,
    TOTAL,
    whole,
)  # fmt: skip

Township = tuple[str, str, str]  # (pinyin id, Chinese name, level)
Broken = Mapping[tuple[str, int], str]  # (township id, year) → the rule it breaks

# The bundled county: 2 街道, 8 镇, 11 乡. The list is uncertain (DESIGN §5).
MINQUAN = ("minquan", "民权县", "河南省", "商丘市")
_MINQUAN_NAMES = """
    nanhuajiedao 南华街道  lvzhoujiedao 绿洲街道
    renhezhen 人和镇  longtangzhen 龙塘镇  beiguanzhen 北关镇  chengzhuangzhen 程庄镇
    wangzhuangzhaizhen 王庄寨镇  sunliuzhen 孙六镇  baiyunsizhen 白云寺镇  shuangtazhen 双塔镇
    huayuanxiang 花园乡  laoyanjixiang 老颜集乡  hujixiang 胡集乡  chumiaoxiang 褚庙乡  bodangxiang 伯党乡
    shunhexiang 顺河乡  wangqiaoxiang 王桥乡  linqixiang 林七乡  yindianxiang 尹店乡  yegangxiang 野岗乡
    zhuangzixiang 庄子乡
"""
_words = _MINQUAN_NAMES.split()
MINQUAN_TOWNSHIPS: tuple[Township, ...] = tuple(
    (tid, name, next(level for level in LEVELS if name.endswith(level)))
    for tid, name in zip(_words[::2], _words[1::2], strict=True)
)
MINQUAN_YEARS = (2021, 2022, 2023)
MINQUAN_SEED = 2024
REAL = (("hujixiang", 2021),)  # transcribed from a published report: never written here
BROKEN: dict[tuple[str, int], str] = {
    ("renhezhen", 2022): "R2",
    ("shunhexiang", 2021): "R3",
    ("beiguanzhen", 2023): "R6",
}
# Every rule each kind of break trips: a wrong row total also unbalances the total column.
TRIPS: dict[str, tuple[str, ...]] = {"R2": ("R1", "R2"), "R3": ("R3",), "R6": ("R6",)}
MINQUAN_COMMENTS = (
    "民权县 (商丘市, 河南省): its township-level divisions, by pinyin folder name.",
    "Only 胡集乡 2021 is a real, published record; see README.",
    "The list is uncertain: divisions change (乡 become 镇; 庄子 and 王桥 may be 镇 by 2020, DESIGN §5).",
    "All records except 胡集乡 2021 are invented (synthetic: true), written by",
    "`python -m gongkai.synthetic minquan --out data`; edit the generator, not the files.",
)


@dataclass
class State:
    """What one year hands to the next: applications carried over, documents in force."""

    carried_over: dict[str, int]  # applicant column id → count
    in_force: dict[str, int]  # table 二 row id → 现行有效件数

    @classmethod
    def of(cls, record: Record) -> State:
        return cls(
            {c.id: whole(record.value(T3.id, CARRIED_OVER.id, c.id)) for c in APPLICANTS},
            {r.id: whole(record.value(T2.id, r.id, IN_FORCE.id)) for r in (REGULATIONS, NORMATIVE)},
        )


def blank_cells() -> dict[CellKey, Value]:
    return {c.key: Decimal(0) if c.kind is Kind.AMOUNT else 0 for c in FORMAT.cells()}


def _year(rng: random.Random, demand: int, state: State | None, rule: str) -> tuple[dict[CellKey, Value], State]:
    """One year's tables; `demand` 0–2 is how much the township is asked for."""
    cells = blank_cells()
    if state is None:  # no record of the year before: invent where it left off
        state = State({c.id: 0 for c in APPLICANTS}, {REGULATIONS.id: 0, NORMATIVE.id: rng.randint(0, 8)})
        if demand == 2:
            state.carried_over[NATURAL_PERSON.id] = rng.choice((0, 0, 1, 2))

    def put(table_id: str, row: Node, column: Node, value: Value) -> None:
        cells[(table_id, row.id, column.id)] = value

    # 二: no 规章 (W2); 规范性文件 flow from last year's stock (W1); decisions; fees.
    issued = rng.choices((0, 1, 2, 3), (5, 3, 1, 1))[0]
    repealed = min(state.in_force[NORMATIVE.id], rng.choices((0, 1, 2), (6, 3, 1))[0])
    in_force = {**state.in_force, NORMATIVE.id: state.in_force[NORMATIVE.id] + issued - repealed}
    put(T2.id, NORMATIVE, ISSUED, issued)
    put(T2.id, NORMATIVE, REPEALED, repealed)
    put(T2.id, NORMATIVE, IN_FORCE, in_force[NORMATIVE.id])
    put(T2.id, REGULATIONS, IN_FORCE, in_force[REGULATIONS.id])
    (decisions,) = T2.columns_of(LICENSING.id)
    put(T2.id, LICENSING, decisions, rng.randint(0, (40, 90, 200)[demand]))
    put(T2.id, PENALTY, decisions, rng.randint(0, (15, 40, 120)[demand]))
    put(T2.id, COERCION, decisions, rng.choices((0, rng.randint(1, 6)), (5, 1))[0])
    (amount,) = T2.columns_of(FEES.id)
    if rng.random() < 0.12:
        put(T2.id, FEES, amount, Decimal(rng.randint(1, 9999)).scaleb(-4))

    # 三: new applications, mostly from 自然人; a few received late are carried over.
    count = rng.choice(((0, 0, 0, 1), (0, 1, 2, 3, 4, 5), tuple(range(6, 21)))[demand])
    received = Counter(c.id for c in rng.choices(APPLICANTS, APPLICANT_WEIGHTS, k=count))
    carried_in = Counter(state.carried_over)
    if rule == "R6":
        carried_in[NATURAL_PERSON.id] += 1
    carried_over = Counter({c: sum(rng.random() < 0.15 for _ in range(n)) for c, n in received.items()})
    for c in APPLICANTS:
        for row, counter in ((RECEIVED, received), (CARRIED_IN, carried_in), (CARRIED_OVER, carried_over)):
            put(T3.id, row, c, counter[c.id])
        done = received[c.id] + carried_in[c.id] - carried_over[c.id]
        for leaf in rng.choices(OUTCOME_CHOICES, OUTCOME_WEIGHTS, k=done):
            _bump(cells, (T3.id, leaf.id, c.id))
        put(T3.id, OUTCOME_TOTAL, c, done)
    for row in T3.row_nodes():
        put(T3.id, row, TOTAL, sum(whole(cells[(T3.id, row.id, c.id)]) for c in APPLICANTS))

    # 四: reviews and lawsuits are rare for a township.
    for group, chance in zip(T4.row_nodes(), (0.015, 0.005, 0.004), strict=True):
        n = rng.choice((1, 1, 2)) if rng.random() < chance * (1 + 2 * demand) else 0
        for column in rng.choices(T4_PARTS, T4_WEIGHTS, k=n):
            _bump(cells, (T4.id, group.id, column.id))
        put(T4.id, group, T4_TOTAL, n)
    return cells, State({c.id: carried_over[c.id] for c in APPLICANTS}, in_force)


def _bump(cells: dict[CellKey, Value], key: CellKey) -> None:
    cells[key] = whole(cells[key]) + 1


def _break(cells: dict[CellKey, Value], rule: str) -> str:
    """Break one rule in finished tables; say what was done (for `source`)."""

    if rule == "R2":
        _bump(cells, (T3.id, RECEIVED.id, TOTAL.id))
        return (
            f"故意错误：表三 R2——「{RECEIVED.text}」行的{TOTAL.label}比各列之和多 1"
            f"（因此{TOTAL.label}列的 R1 也不成立）"
        )
    if rule == "R3":
        for row in (RECEIVED, OUTCOME_TOTAL):
            for column in (NATURAL_PERSON, TOTAL):
                _bump(cells, (T3.id, row.id, column.id))
        return (
            f"故意错误：表三 R3——{NATURAL_PERSON.label}列（及{TOTAL.label}列）「{OUTCOME_TOTAL.text}」"
            "比各项办理结果之和多 1"
            f"（「{RECEIVED.text}」同样多 1，故 R1、R2 仍成立）"
        )
    if rule == "R6":  # applied in _year, before the year's applications are handled
        return f"故意错误：R6——{NATURAL_PERSON.label}列「{CARRIED_IN.text}」比上一年的「{CARRIED_OVER.text}」多 1"
    raise ValueError(f"不能故意违反的规则：{rule}")


def county_yaml(name: str, province: str, city: str, townships: Sequence[Township], comments: Sequence[str]) -> str:
    s = yamlio.dump_scalar
    out = [f"# {c}" for c in comments]
    out += [f"name: {s(name)}", f"province: {s(province)}", f"city: {s(city)}", "townships:"]
    out += [f"  {tid}: {{name: {s(n)}, level: {s(level)}}}" for tid, n, level in townships]
    return "\n".join(out) + "\n"


def generate_county(
    out_dir: Path,
    county_id: str,
    county_name: str,
    province: str,
    city: str,
    townships: Sequence[Township],
    years: Sequence[int],
    seed: int,
    broken: Broken | None = None,
    real: Mapping[tuple[str, int], Record] | None = None,
    comments: Sequence[str] = (),
) -> list[Path]:
    """Write `<out_dir>/<county_id>/county.yaml` and one record per township and year.

    `real` records are not written; the years after them continue from their figures.
    """
    broken, real = broken or {}, real or {}
    for (tid, year), rule in broken.items():
        after = (tid, year - 1) in real or year - 1 in years
        if rule not in TRIPS or (tid, year) in real or year not in years or (rule == "R6" and not after):
            raise ValueError(f"无法故意出错：{tid} {year} {rule}")
    folder = out_dir / county_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "county.yaml").write_bytes(county_yaml(county_name, province, city, townships, comments).encode("utf-8"))
    written = [folder / "county.yaml"]
    for tid, name, level in townships:
        rng = random.Random(f"{seed}/{county_id}/{tid}")
        demand = rng.choices((0, 1, 2), (6, 4, 1))[0]
        state: State | None = None
        for year in sorted(years):
            if (tid, year - 1) not in real and year - 1 not in years:
                state = None
            if (tid, year) in real:
                state = State.of(real[(tid, year)])
                continue
            rule = broken.get((tid, year), "")
            cells, state = _year(rng, demand, state, rule)
            source = f"程序生成的虚构示例数据（gongkai.synthetic，种子 {seed}），不是该单位公开发布的报告"
            if rule:
                source += "；" + _break(cells, rule)
            body = f"{name}办事处" if level == "街道" else f"{name}人民政府"
            record = Record(
                format=FORMAT,
                year=year,
                body=body,
                province=province,
                city=city,
                county=county_name,
                township=name,
                level=level,
                parts=narrative(rng, cells, body, county_name, level),
                cells=cells,
                synthetic=True,
                source=source,
            )
            path = folder / tid / f"{year}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(dump_record(record).encode("utf-8"))
            written.append(path)
    return written


def write_params(
    params_dir: Path, county_id: str, county_name: str, townships: Sequence[Township], years: Sequence[int]
) -> list[Path]:
    """One parameter set per year: every township of the county."""
    params_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for year in years:
        lines = [
            f"# {county_name} {year} 年：全部乡镇（街道）的报告",
            f"name: {county_name}{year}年",
            "reports:",
        ]
        lines += [f"  - {{county: {county_id}, township: {tid}, year: {year}}}" for tid, _, _ in townships]
        path = params_dir / f"{county_id}-{year}.yaml"
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        written.append(path)
    return written


def generate_minquan(out_dir: Path, params_dir: Path | None = None, real_dir: Path | None = None) -> list[Path]:
    """The bundled 民权县 data; the real records are read from `real_dir` (default `out_dir`)."""
    county_id, name, province, city = MINQUAN
    real = {(tid, year): load_record((real_dir or out_dir) / county_id / tid / f"{year}.yaml") for tid, year in REAL}
    written = generate_county(
        out_dir, county_id, name, province, city, MINQUAN_TOWNSHIPS, MINQUAN_YEARS, MINQUAN_SEED,
        BROKEN, real, MINQUAN_COMMENTS,
    )  # fmt: skip
    if params_dir is not None:
        written += write_params(params_dir, county_id, name, MINQUAN_TOWNSHIPS, MINQUAN_YEARS)
    return written


def bulk_townships(n: int) -> list[Township]:
    """`t0001 第1镇`, `t0002 第2街道`, …: plainly not real places."""
    return [(f"t{i:04d}", f"第{i}{LEVELS[i % 3]}", LEVELS[i % 3]) for i in range(1, n + 1)]


def generate_nation(
    out_dir: Path, prefix: str, counties: int, townships: int, years: Sequence[int], seed: int
) -> list[Path]:
    """`townships` township-level units spread over `counties` invented counties, as a national run has."""
    written: list[Path] = []
    per, extra = divmod(townships, counties)
    for k in range(1, counties + 1):
        written += generate_county(
            out_dir, f"{prefix}{k:04d}", f"示例县{k}", "示例省", "示例市",
            bulk_townships(per + (k <= extra)), years, seed,
            comments=("虚构的示例县，用于全国规模的性能测试：python -m gongkai.synthetic bulk --counties",),
        )  # fmt: skip
    return written


def choose_broken(township_ids: Sequence[str], years: Sequence[int], seed: int) -> dict[tuple[str, int], str]:
    """One record per breakable rule, on different townships, chosen by the seed."""
    rng = random.Random(f"{seed}/broken")
    rules = [r for r in TRIPS if r != "R6" or len(years) > 1]
    chosen = rng.sample(list(township_ids), len(rules))
    later = sorted(years)[1:]
    return {(tid, rng.choice(later if r == "R6" else list(years))): r for tid, r in zip(chosen, rules, strict=True)}


def parse_years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    if not years or not all(FORMAT.fits_year(y) for y in years):
        raise ValueError(f"年份应为 {FORMAT.years[0]} 年及以后，如 2021-2023：{text}")
    return years


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai.synthetic", description="生成虚构的示例记录")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("minquan", help="重新生成附带的民权县数据（胡集乡 2021 为真实记录，不改动）")
    p.add_argument("--out", default="data", help="数据目录（默认 data）")
    p.add_argument("--params", default="params", help="参数集目录（默认 params）")
    p.add_argument("--real", help="真实记录所在的数据目录（默认与 --out 相同）")
    b = sub.add_parser("bulk", help="生成一个虚构的大县，用于性能测试")
    b.add_argument("--townships", type=int, required=True, help="乡镇个数")
    b.add_argument("--years", default="2021-2023", help="年份范围（默认 2021-2023）")
    b.add_argument("--out", required=True, help="数据目录")
    b.add_argument("--county", default="bulk", help="县的拼音标识（默认 bulk）")
    b.add_argument("--counties", type=int, default=1, help="把乡镇分到这么多个县（bulk0001 …），如全国约 2900 个")
    b.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    b.add_argument("--broken", action="store_true", help="故意让 3 份记录各违反一条规则")
    b.add_argument("--params", help="同时写出参数集到此目录")
    args = parser.parse_args(argv)
    if args.command == "minquan":
        written = generate_minquan(Path(args.out), Path(args.params), Path(args.real) if args.real else None)
    else:
        try:
            years = parse_years(args.years)
        except ValueError as e:
            parser.error(str(e))
        if args.townships < (3 if args.broken else 1):
            parser.error("乡镇个数太少")
        if args.counties > 1:
            written = generate_nation(Path(args.out), args.county, args.counties, args.townships, years, args.seed)
            print(f"已写出 {len(written)} 个文件到 {args.out}")
            return 0
        townships = bulk_townships(args.townships)
        broken = choose_broken([t[0] for t in townships], years, args.seed) if args.broken else {}
        written = generate_county(
            Path(args.out), args.county, "示例县", "示例省", "示例市", townships, years, args.seed, broken,
            comments=("虚构的示例县，用于性能测试：python -m gongkai.synthetic bulk",),
        )  # fmt: skip
        if args.params:
            written += write_params(Path(args.params), args.county, "示例县", townships, years)
    print(f"已写出 {len(written)} 个文件到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
