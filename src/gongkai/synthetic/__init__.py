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

from gongkai.format import FORMAT_2021, Kind, Node
from gongkai.format.model import leaves
from gongkai.records import yamlio
from gongkai.records.record import LEVELS, CellKey, Record, Value, dump_record, load_record

Township = tuple[str, str, str]  # (pinyin id, Chinese name, level)
Broken = Mapping[tuple[str, int], str]  # (township id, year) → the rule it breaks

FORMAT = FORMAT_2021
T2, T3, T4 = (FORMAT.table(p.table) for p in FORMAT.parts if p.table)


def _pick(nodes: Sequence[Node], node_id: str) -> Node:
    """A node the format defines, by id: a typo fails at import, not silently."""
    for node in nodes:
        if node.id == node_id:
            return node
    raise KeyError(node_id)


# Table 三: the rows that carry the flow of applications, and its columns.
RECEIVED, CARRIED_IN, CARRIED_OVER, OUTCOME_TOTAL = (
    T3.row(i) for i in ("received", "carried_in", "carried_over", "outcome_total")
)
OUTCOME = next(n for n in T3.rows if n.children)
OUTCOME_LEAVES = [n for n in OUTCOME.leaves() if n is not OUTCOME_TOTAL]
TOTAL = _pick(leaves(T3.columns), "total")
APPLICANTS = [c for c in leaves(T3.columns) if c is not TOTAL]
NATURAL_PERSON = _pick(APPLICANTS, "natural_person")
# Table 四: three groups × outcomes and their total.
T4_TOTAL = _pick(leaves(T4.columns), "total")
T4_PARTS = [c for c in leaves(T4.columns) if c is not T4_TOTAL]
# Table 二.
REGULATIONS, NORMATIVE = T2.row("regulations"), T2.row("normative_docs")
ISSUED, REPEALED, IN_FORCE = (_pick(T2.columns_of(NORMATIVE.id), i) for i in ("issued", "repealed", "in_force"))
LICENSING, PENALTY, COERCION, FEES = (T2.row(i) for i in ("licensing", "penalty", "coercion", "fees"))

# Who applies and how applications end: weights for the cells we fill.
# fmt: off
_APPLICANT_WEIGHTS = {"natural_person": 80, "commercial": 8, "other_org": 5, "legal_service": 4,
                      "public_interest": 2, "research": 1}
_OUTCOME_WEIGHTS = {"granted": 50, "partly_granted": 8, "unavailable_not_held": 15,
                    "unavailable_needs_making": 3, "refused_third_party": 3, "refused_process": 3,
                    "np_petition": 6, "np_repeated": 4, "other_no_correction": 4, "other_misc": 4}
# fmt: on
APPLICANT_WEIGHTS = [_APPLICANT_WEIGHTS[c.id] for c in APPLICANTS]
OUTCOME_CHOICES = [_pick(OUTCOME_LEAVES, i) for i in _OUTCOME_WEIGHTS]
OUTCOME_WEIGHTS = list(_OUTCOME_WEIGHTS.values())
T4_WEIGHTS = [{"upheld": 6, "corrected": 1, "other": 1, "pending": 2}[c.id] for c in T4_PARTS]

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
            {c.id: _int(record.value(T3.id, CARRIED_OVER.id, c.id)) for c in APPLICANTS},
            {r.id: _int(record.value(T2.id, r.id, IN_FORCE.id)) for r in (REGULATIONS, NORMATIVE)},
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
        put(T3.id, row, TOTAL, sum(_int(cells[(T3.id, row.id, c.id)]) for c in APPLICANTS))

    # 四: reviews and lawsuits are rare for a township.
    for group, chance in zip(T4.row_nodes(), (0.015, 0.005, 0.004), strict=True):
        n = rng.choice((1, 1, 2)) if rng.random() < chance * (1 + 2 * demand) else 0
        for column in rng.choices(T4_PARTS, T4_WEIGHTS, k=n):
            _bump(cells, (T4.id, group.id, column.id))
        put(T4.id, group, T4_TOTAL, n)
    return cells, State({c.id: carried_over[c.id] for c in APPLICANTS}, in_force)


def _int(value: Value) -> int:
    return value if isinstance(value, int) else 0


def _bump(cells: dict[CellKey, Value], key: CellKey) -> None:
    cells[key] = _int(cells[key]) + 1


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


PROBLEMS = (
    "政务公开专业力量不足，工作人员多为兼职，业务能力有待提高。改进措施：加强业务培训，明确专人负责。",
    "主动公开的内容不够全面，部分信息更新不够及时。改进措施：对照标准目录逐项梳理，做到应公开尽公开。",
    "公开形式较为单一，{place}公开栏的作用发挥不够。改进措施：用好微信群、公开栏等渠道，方便群众查阅。",
    "政策解读和回应关切不够深入。改进措施：围绕群众关心的热点问题，及时发布通俗易懂的解读。",
    "依申请公开办理的规范化程度有待提高。改进措施：完善登记、审核、答复流程，严格按期答复。",
    "对公开工作的监督考核不够有力。改进措施：把政务公开纳入年度考核，定期检查通报。",
)
MANAGEMENT = (
    "严格执行信息发布审核制度，做到先审后发，全年未发生泄密和不当公开的情况。",
    "对照基层政务公开标准目录梳理公开事项，及时更新、动态调整。",
)
PLATFORM = (
    "以{county}人民政府网站为主要平台，辅以{place}务公开栏和微信群，方便群众查询。",
    "在便民服务中心设置政务公开专区，提供信息查询和申请服务；{place}务公开栏按季度更新。",
)


def narrative(rng: random.Random, cells: Mapping[CellKey, Value], body: str, county: str, level: str) -> dict[str, str]:
    """Generic, clearly templated text carrying the record's own figures."""
    place = "社区" if level == "街道" else "村"

    def v(table_id: str, row: Node, column: Node = TOTAL) -> Value:
        return cells[(table_id, row.id, column.id)]

    (decisions,) = T2.columns_of(LICENSING.id)
    r, ci, done, co = (v(T3.id, row) for row in (RECEIVED, CARRIED_IN, OUTCOME_TOTAL, CARRIED_OVER))
    applications = (
        "本年度未收到政府信息公开申请，也没有上年结转的申请。"
        if _int(r) + _int(ci) == 0
        else f"本年度新收政府信息公开申请{r}件，上年结转{ci}件；办结{done}件，结转下年度继续办理{co}件。"
        "所有申请均在法定期限内答复。"
    )
    overview = [
        "### 1、主动公开政府信息情况",
        f"{body}坚持以公开为常态、不公开为例外，通过{county}人民政府网站、政务公开栏和{place}务公开栏"
        f"主动公开政府信息。本年度制发行政规范性文件{v(T2.id, NORMATIVE, ISSUED)}件，"
        f"废止{v(T2.id, NORMATIVE, REPEALED)}件，现行有效{v(T2.id, NORMATIVE, IN_FORCE)}件；"
        f"作出行政许可决定{v(T2.id, LICENSING, decisions)}件、行政处罚决定{v(T2.id, PENALTY, decisions)}件。",
        "### 2、依申请公开政府信息办理情况",
        applications,
        "### 3、政府信息管理情况",
        rng.choice(MANAGEMENT),
        "### 4、政府信息公开平台建设情况",
        rng.choice(PLATFORM).format(county=county, place=place),
        "### 5、监督保障情况",
        "明确分管领导和专人负责政务公开工作，组织业务培训，把政务公开纳入年度考核。",
    ]
    problems = [f"{i}. {text.format(place=place)}" for i, text in enumerate(rng.sample(PROBLEMS, rng.randint(2, 3)), 1)]
    other = rng.choice(("本年度未收取信息处理费。", "本年度未收取信息处理费，无其他需要报告的事项。"))
    return {
        "overview": "\n\n".join(overview) + "\n",
        "problems": "\n".join(problems) + "\n",
        "other": other + "\n",
    }


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
