"""Bad input: one clear line naming file, line, field and what was expected; exit 2; nothing written.

Every case edits a private copy of one bundled township and runs the real
command line. Expected line numbers are found in the text the case wrote,
never typed in.

What the loader accepts, decided here: counts are plain decimal integers
(`17`, `-3` only where a change may be negative); amounts are plain
decimals (`0.1234`); `~` is a blank cell. Refused everywhere: booleans
(`yes`, `no`, `on`, `off`, `true`, `false`) where a number or a name goes,
numbers in quotes, `5.0` for a count, and YAML 1.1's other spellings of
numbers (`0x10`, `017` = 15, `1_000`, `1:30` = 90, `.nan`), tags, aliases
and merge keys.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import DATA, GONGKAI, REPO
from gongkai.errors import RecordError
from gongkai.records.record import load_record

SEED = DATA / "minquan" / "hujixiang" / "2021.yaml"
RENDER = ("render", "hujixiang", "2021")
CHECK = ("check", "hujixiang", "2021")
AT_FIELD = "<the field's own line>"  # for cases where where YAML stops depends on the parser


def private_data(root: Path) -> Path:
    """data/minquan with one township, 胡集乡 2021."""
    county = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    county["townships"] = {"hujixiang": county["townships"]["hujixiang"]}
    folder = root / "data" / "minquan"
    (folder / "hujixiang").mkdir(parents=True)
    (folder / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    (folder / "hujixiang" / "2021.yaml").write_bytes(SEED.read_bytes())
    return root / "data"


Edit = Callable[[Path], Path | None]  # changes the data folder; returns the file the message must name


def record(old: str, new: str) -> Edit:
    def edit(data: Path) -> Path:
        path = data / "minquan" / "hujixiang" / "2021.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return edit


def record_bytes(make: Callable[[str], bytes]) -> Edit:
    def edit(data: Path) -> Path:
        path = data / "minquan" / "hujixiang" / "2021.yaml"
        path.write_bytes(make(SEED.read_text(encoding="utf-8")))
        return path

    return edit


def county(old: str, new: str) -> Edit:
    def edit(data: Path) -> Path:
        path = data / "minquan" / "county.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return edit


def county_folder(name: str) -> Edit:
    def edit(data: Path) -> Path:
        (data / "minquan").rename(data / name)
        return data / name / "county.yaml"

    return edit


def params(text: str) -> Edit:
    def edit(data: Path) -> Path:
        path = data.parent / "batch.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return edit


def nothing(data: Path) -> None:
    return None


def line_of(path: Path, needle: str, *, starts: bool = False) -> int:
    """The first line holding `needle` (or starting with it), counted from 1."""
    for n, line in enumerate(path.read_bytes().split(b"\n"), 1):
        if line.startswith(needle.encode()) if starts else needle.encode() in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    expect: str | Callable[[Path], str]  # a phrase saying what was expected (callable: from the written file)
    field: str | None = None  # None: a whole-file problem or a command-line argument
    at: str | None = None  # the message names the line holding this text (None: no line)
    below: int = 0  # ... or the line this far below it, where YAML noticed
    argv: tuple[str, ...] = RENDER


def first_line_of(needle: str) -> Callable[[Path], str]:
    return lambda path: f"第 {line_of(path, needle)} 行"


BIG = 10 * 1024 * 1024
DEEP = "[" * 25_000 + "]" * 25_000  # killed `gongkai check` with signal 11 under PyYAML 6.0.3
CASES = [
    # -- the file itself
    Case(
        "yaml-colon-in-value", record("city: 商丘市", "city: 商丘市: 睢阳区"), "值里有冒号时请给值加引号", at="睢阳区"
    ),
    Case(
        "yaml-unclosed-brace",
        record("licensing: {decisions: 0}", "licensing: {decisions: 0"),
        first_line_of("licensing: {decisions: 0"),  # where the brace opened, said in the message
        at="licensing:",
        below=1,
    ),
    Case("yaml-tab-indent", record("\ncity:", "\n\tcity:"), "Tab 缩进：请改用空格", at="\tcity:"),
    Case("yaml-two-documents", record("table4:", "---\ntable4:"), "一个文件只能有一份记录", at="---"),
    Case("empty-file", record_bytes(lambda text: b""), "应为一份记录"),
    Case("only-comments", record_bytes(lambda text: "# 待填写\n".encode()), "应为一份记录"),
    Case("not-utf8-gbk", record_bytes(lambda text: text.encode("gbk")), "不是 UTF-8 编码", at="body:"),
    Case("control-character", record("city: 商丘市", "city: 商丘\x00市"), "应为普通文本", at="city:"),
    # -- issue 14: nesting refused before parsing, control characters after unescaping, placement
    Case("nesting-25000-flow", record("format: '2021'", f"x: {DEEP}\nformat: '2021'"), "嵌套过深", at="x: ["),
    Case("nesting-25000-compact-block", record_bytes(lambda t: ("- " * 25_000 + "1\n").encode()), "嵌套过深", at="- -"),
    Case(
        "nesting-17",
        record("format: '2021'", f"x: {'[' * 17}{']' * 17}\nformat: '2021'"),
        "上限 16 层",
        field="x" + ".0" * 16,
        at="x: [",
    ),
    Case("nesting-county", county("city:", f"x: {DEEP}\ncity:"), "嵌套过深", at="x: ["),
    Case(
        "nesting-params",
        params(f"reports: {DEEP}\n"),
        "嵌套过深",
        at="reports:",
        argv=("render", "--params", "{root}/batch.yaml"),
    ),
    Case(
        "escaped-escape-bell",
        record("city: 商丘市", 'city: "商丘市\\e]0;pwned\\a"'),
        "U+001B",
        field="city",
        at="city:",
    ),
    Case("escaped-nul", record("city: 商丘市", 'city: "商丘\\0市"'), "U+0000", field="city", at="city:"),
    Case(
        "escaped-in-county", county("name: 民权县", 'name: "民权县\\e]0;x\\a"'), "控制字符", field="name", at='name: "'
    ),
    Case(
        "township-not-its-folder",
        record("township: 胡集乡", "township: 花园乡"),
        "应为 胡集乡",
        field="township",
        at="township:",
    ),
    Case("level-not-county-yaml", record("level: 乡", "level: 镇"), "应为 乡", field="level", at="level:"),
    Case(
        "county-not-its-folder", record("county: 民权县", "county: 睢县"), "应为 民权县", field="county", at="county:"
    ),
    Case(
        "county-two-townships-one-name",
        county("    name: 胡集乡\n", "    name: 胡集乡\n  huji2:\n    level: 乡\n    name: 胡集乡\n"),
        "重复",
        field="townships.huji2.name",
        at="huji2:",
        below=2,
    ),
    Case("file-over-1mb-10mb-narrative", record("    无\n", "    " + "无" * (BIG // 3) + "\n"), "上限 1000000 字节"),
    Case("not-a-mapping", record_bytes(lambda text: b"- 1\n- 2\n"), "记录应是键值映射", at="- 1"),
    Case(
        "ten-thousand-extra-keys",
        record_bytes(lambda t: (t + "".join(f"x{i}: 0\n" for i in range(10_000))).encode()),
        "上限 5000 个",
        field="x*",
        at=AT_FIELD,
    ),
    Case(
        "nested-too-deep",
        record("source:", "source: " + "[" * 40 + "]" * 40 + "\nsource_:"),
        "上限 16 层",
        field="source" + ".0" * 16,
        at="source: [",
    ),
    Case(
        "yaml-alias",
        record("body: 胡集乡人民政府\n", "body: &b 胡集乡人民政府\nsource_alias: *b\n"),
        "应把值直接写出",
        field="source_alias",
        at="*b",
    ),
    Case(
        "python-tag",
        record("source:", "source: !!python/object/apply:os.system [echo pwned]\nsource_:"),
        "不支持 YAML 标签",
        field="source",
        at="!!python",
    ),
    Case(
        "merge-key",
        record("level: 乡\n", "level: 乡\n<<: {synthetic: false}\n"),
        "应把各个键逐一写出",
        field="<<",
        at="<<:",
    ),
    Case(
        "duplicate-key",
        record("level: 乡\n", "level: 乡\nyear: 2021  # again\n"),
        first_line_of("year: 2021"),
        field="year",
        at="# again",
    ),
    Case(
        "duplicate-key-in-row",
        record("licensing: {decisions: 0}", "licensing: {decisions: 0, decisions: 1}"),
        "每个键只能写一次",
        field="table2.licensing.decisions",
        at="licensing:",
    ),
    # -- the schema
    Case(
        "unknown-key-did-you-mean",
        record("level: 乡\n", "level: 乡\nlevle: 乡\n"),
        "是否应为 'level'",
        field="levle",
        at="levle:",
    ),
    Case(
        "unknown-row-did-you-mean",
        record("  received:", "  recieved:"),
        "是否应为 'received'",
        field="table3.recieved",
        at="recieved:",
    ),
    Case(
        "unknown-part-did-you-mean",
        record("  overview: |", "  overveiw: |"),
        "是否应为 'overview'",
        field="parts.overveiw",
        at="overveiw:",
    ),
    Case("missing-body", record("body: 胡集乡人民政府\n", ""), "应写出 `body: …`", field="body", at="format:"),
    Case(
        "missing-row",
        record("  penalty: {decisions: 0}\n", ""),
        "应写出 `penalty: …`",
        field="table2.penalty",
        at="table2:",
    ),
    Case(
        "missing-column",
        record("coercion: {decisions: 0}", "coercion: {}"),
        "应写出 `decisions: …`",
        field="table2.coercion.decisions",
        at="coercion:",
    ),
    Case("missing-part", record("  other: |\n    无\n", ""), "应写出 `other: …`", field="parts.other", at="parts:"),
    Case(
        "count-as-text",
        record("licensing: {decisions: 0}", 'licensing: {decisions: "3"}'),
        "数字不要加引号",
        field="table2.licensing.decisions",
        at="licensing:",
    ),
    Case(
        "count-as-float",
        record("licensing: {decisions: 0}", "licensing: {decisions: 5.0}"),
        "应为整数",
        field="table2.licensing.decisions",
        at="licensing:",
    ),
    Case(
        "count-as-yes",
        record("penalty: {decisions: 0}", "penalty: {decisions: yes}"),
        "应为数字",
        field="table2.penalty.decisions",
        at="penalty:",
    ),
    Case(
        "total-as-string",
        record(
            "review: {upheld: 0, corrected: 0, other: 0, pending: 0, total: 0}",
            'review: {upheld: 0, corrected: 0, other: 0, pending: 0, total: "0"}',
        ),
        "应为数字",
        field="table4.review.total",
        at="review:",
        argv=CHECK,
    ),
    Case(
        "total-as-float",
        record("other_org: 0, total: 0}", "other_org: 0, total: 0.0}"),
        "应为整数",
        field="table3.received.total",
        at="received:",
        argv=CHECK,
    ),
    Case(
        "total-as-bool-off",
        record("other_org: 0, total: 0}", "other_org: 0, total: off}"),
        "读作是非值",
        field="table3.received.total",
        at="received:",
        argv=CHECK,
    ),
    Case(
        "count-negative",
        record("review: {upheld: 0", "review: {upheld: -1"),
        "应为 0 或正整数",
        field="table4.review.upheld",
        at="review:",
    ),
    Case(
        "count-hex",
        record("penalty: {decisions: 0}", "penalty: {decisions: 0x10}"),
        "应为十进制",
        field="table2.penalty.decisions",
        at="penalty:",
    ),
    Case(
        "count-leading-zero-octal",
        record("penalty: {decisions: 0}", "penalty: {decisions: 017}"),
        "应为十进制",
        field="table2.penalty.decisions",
        at="penalty:",
    ),
    Case(
        "count-underscore",
        record("penalty: {decisions: 0}", "penalty: {decisions: 1_000}"),
        "应为十进制",
        field="table2.penalty.decisions",
        at="penalty:",
    ),
    Case(
        "count-sexagesimal",
        record("penalty: {decisions: 0}", "penalty: {decisions: 1:30}"),
        "应为十进制",
        field="table2.penalty.decisions",
        at="penalty:",
    ),
    Case(
        "fee-negative",
        record("fees: {amount: 0}", "fees: {amount: -0.5}"),
        "应为不小于 0 的数",
        field="table2.fees.amount",
        at="fees:",
    ),
    Case(
        "fee-as-text",
        record("fees: {amount: 0}", 'fees: {amount: "0.5"}'),
        "数字不要加引号",
        field="table2.fees.amount",
        at="fees:",
    ),
    Case(
        "fee-nan",
        record("fees: {amount: 0}", "fees: {amount: .nan}"),
        "应为十进制",
        field="table2.fees.amount",
        at="fees:",
    ),
    Case("year-before-2008", record("year: 2021", "year: 2007"), "2008–2100", field="year", at="year:"),
    Case("year-after-2100", record("year: 2021", "year: 2101"), "2008–2100", field="year", at="year:"),
    Case("year-as-text", record("year: 2021", "year: '2021'"), "整数年份", field="year", at="year:"),
    Case(
        "year-not-file-name",
        record("year: 2021", "year: 2022"),
        "应为 2021（与文件名 2021.yaml 一致）",
        field="year",
        at="year:",
    ),
    Case(
        "format-unknown", record("format: '2021'", "format: '2020'"), "应为 2021 或 2019", field="format", at="format:"
    ),
    Case(
        "format-does-not-fit-table-keys",
        record("format: '2021'", "format: '2019'"),
        "若为另一格式请改为 2021",
        field="table2.other_services",
        at="table2:",
    ),
    Case("level-unknown", record("level: 乡", "level: 村"), "应为 乡、镇、街道 之一", field="level", at="level:"),
    Case(
        "name-as-bool", record("township: 胡集乡", "township: no"), "文字请加引号", field="township", at="township: no"
    ),
    # -- county.yaml, folders and the command line
    Case(
        "county-township-id-dotdot-slash",
        county("hujixiang:", "../x:"),
        "应为拼音文件夹名",
        field="townships.../x",
        at="../x:",
    ),
    Case(
        "county-township-id-slash", county("hujixiang:", "a/b:"), "应为拼音文件夹名", field="townships.a/b", at="a/b:"
    ),
    Case(
        "county-township-id-dotdot", county("hujixiang:", "'..':"), "应为拼音文件夹名", field="townships...", at="'..':"
    ),
    Case(
        "county-township-id-uppercase",
        county("hujixiang:", "HuJiXiang:"),
        "应为拼音文件夹名",
        field="townships.HuJiXiang",
        at="HuJiXiang:",
    ),
    Case(
        "county-township-id-chinese",
        county("hujixiang:", "胡集乡:"),
        "应为拼音文件夹名",
        field="townships.胡集乡",
        at="胡集乡:",
    ),
    Case(
        "county-township-without-folder",
        county("townships:\n", "townships:\n  xiaozhuang: {name: 小庄乡, level: 乡}\n"),
        "应有文件夹",
        field="townships.xiaozhuang",
        at="xiaozhuang:",
        argv=("check", "xiaozhuang", "2021"),  # --all goes on with the others: test_missing_township_folder…
    ),
    Case(
        "county-township-without-folder-by-name",
        county("townships:\n", "townships:\n  xiaozhuang: {name: 小庄乡, level: 乡}\n"),
        "应有文件夹",
        field="townships.xiaozhuang",
        at="xiaozhuang:",
        argv=("render", "小庄乡", "2021"),
    ),
    Case("county-folder-uppercase", county_folder("MinQuan"), "应为拼音文件夹名"),
    Case("county-name-missing", county("name: 民权县\n", ""), "应写出 `name: …`", field="name", at="city:", argv=CHECK),
    Case("arg-unknown-township", nothing, "未知的乡镇（街道）：xiaozhuang", argv=("render", "xiaozhuang", "2021")),
    Case("arg-unknown-county", nothing, "未知的县（区）：kaifeng", argv=(*RENDER, "--county", "kaifeng")),
    Case("arg-township-dotdot-slash", nothing, "不能含 /、\\、.. 等路径字符", argv=("render", "../x", "2021")),
    Case("arg-township-slash", nothing, "不能含 /、\\、.. 等路径字符", argv=("check", "a/b", "2021")),
    Case("arg-township-dotdot", nothing, "不能含 /、\\、.. 等路径字符", argv=("render", "..", "2021")),
    Case("arg-township-uppercase", nothing, "应为中文名或拼音标识", argv=("render", "HuJiXiang", "2021")),
    Case("arg-township-chinese-path", nothing, "不能含 /、\\、.. 等路径字符", argv=("render", "胡集乡/../x", "2021")),
    Case("arg-county-path", nothing, "不能含 /、\\、.. 等路径字符", argv=("render", "--all", "--county", "../minquan")),
    Case("arg-year-not-a-number", nothing, "年度应为整数，如 2021", argv=("render", "hujixiang", "20x1")),
    Case("arg-year-out-of-range", nothing, "年度应为 2008–2100 之间的整数", argv=("check", "hujixiang", "1999")),
    Case("arg-jobs-zero", nothing, "进程数应为 1–256 之间的整数", argv=(*RENDER, "--jobs", "0")),
    Case(
        "params-township-path",
        params("reports:\n  - {county: minquan, township: ../x, year: 2021}\n"),
        "不能含 /、\\、.. 等路径字符",
        field="reports[0].township",
        at="../x",
        argv=("render", "--params", "{root}/batch.yaml"),
    ),
    Case(
        "params-unknown-keys-of-mixed-types",
        params("reports: []\n2021: x\nnote: y\n"),
        "未知字段；可用：name、reports",
        field="2021",
        at="2021:",
        argv=("render", "--params", "{root}/batch.yaml"),
    ),
    Case(
        "params-year-as-text",
        params("reports:\n  - county: minquan\n    township: hujixiang\n    year: '2021'\n"),
        "应为整数年份",
        field="reports[0].year",
        at="year:",
        argv=("render", "--params", "{root}/batch.yaml"),
    ),
]


def run(case: Case, root: Path) -> tuple[subprocess.CompletedProcess[str], Path | None, Path]:
    data = private_data(root)
    target = case.edit(data)
    out = root / "out"
    argv = [a.format(root=root) for a in case.argv]
    extra = ["--data", str(data)]
    if argv[0] == "render":
        extra += ["--out", str(out), "--no-pdf", "--no-progress"]
    result = subprocess.run(
        [*GONGKAI, *argv, *extra], capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )
    return result, target, out


MESSAGE = re.compile(
    r"错误：(?P<path>[^:]+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?:(?: 字段 (?P<named>[^:]+):)? (?P<message>.+)"
)


class Said:
    """One message line: its parts, the field as the key path in the file (after its Chinese label, if any)."""

    def __init__(self, m: re.Match[str]) -> None:
        self.m = m
        named = m["named"]
        self.label = named.rsplit("（", 1)[0] if named and named.endswith("）") else ""
        self.field = named.rsplit("（", 1)[1][:-1] if self.label else named

    def __getitem__(self, key: str) -> str | None:
        return self.field if key == "field" else self.m[key]


def said(line: str) -> Said | None:
    m = MESSAGE.fullmatch(line)
    return Said(m) if m else None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_clear_line_and_exit_2(case: Case, tmp_path: Path) -> None:
    result, target, out = run(case, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""  # nothing checked, nothing rendered
    line = lines[0]
    assert line.startswith("错误：")
    expect = case.expect(target) if callable(case.expect) else case.expect
    assert expect in line

    if target is None:  # a command-line argument: no file to name
        assert case.field is None
    else:
        m = said(line)
        assert m, line
        assert m["path"] == str(target)
        if case.field is None:
            assert m["field"] is None, line
        elif case.field.endswith("*"):
            assert m["field"] and m["field"].startswith(case.field[:-1]), line
        else:
            assert m["field"] == case.field, line
        if case.at is None:
            assert m["line"] is None, line
        elif case.at == AT_FIELD:
            assert m["line"] is not None and m["field"]
            assert int(m["line"]) == line_of(target, f"{m['field']}:", starts=True), line
        else:
            assert int(m["line"] or 0) == line_of(target, case.at) + case.below, line
    assert not out.exists() or not any(out.iterdir()), sorted(out.rglob("*"))


def test_debug_shows_the_traceback_then_the_same_line(tmp_path: Path) -> None:
    data = private_data(tmp_path)
    record("penalty: {decisions: 0}", "penalty: {decisions: yes}")(data)
    result = subprocess.run(
        [*GONGKAI, "--debug", *CHECK, "--data", str(data)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "RecordError" in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"错误：{data / 'minquan' / 'hujixiang' / '2021.yaml'}:")


def write_seed(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "minquan" / "hujixiang" / "2021.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused_within(path: Path, seconds: float, phrase: str) -> None:
    start = time.perf_counter()
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert time.perf_counter() - start < seconds
    assert phrase in str(e.value)


def test_a_10_mb_narrative_is_refused_quickly(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    path = write_seed(tmp_path, seed.replace("    无\n", "    " + "无" * (BIG // 3) + "\n"))
    assert path.stat().st_size > BIG
    refused_within(path, 2.0, "文件过大")


def test_ten_thousand_extra_keys_are_refused_quickly(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    path = write_seed(tmp_path, seed + "".join(f"x{i}: 0\n" for i in range(10_000)))
    refused_within(path, 2.0, "值过多")


def test_a_narrative_just_under_the_file_limit_but_over_the_text_limit_names_the_part(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    path = write_seed(tmp_path, seed.replace("    无\n", "    " + "x" * 300_000 + "\n"))
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert (e.value.field, e.value.line) == ("parts.other", line_of(path, "other:"))
    assert "应不超过 200000 字" in e.value.message


@pytest.mark.parametrize("text", ["0", "17", "-3", "+4"])
def test_plain_decimal_integers_are_counts(tmp_path: Path, text: str) -> None:
    seed = SEED.read_text(encoding="utf-8")
    path = write_seed(tmp_path, seed.replace("regulations: {issued: 0", f"regulations: {{issued: {text}"))
    if text.startswith("-"):
        with pytest.raises(RecordError, match="不能为负"):
            load_record(path)
    else:
        assert load_record(path).value("table2", "regulations", "issued") == int(text)


# -- issue 14 ----------------------------------------------------------------------------------


def test_deep_nesting_is_one_invalid_record_in_check_all_and_render_all_with_no_process_left(tmp_path: Path) -> None:
    import uuid

    from test_faults import marked, survivors

    data = private_data(tmp_path)
    record("format: '2021'", f"x: {DEEP}\nformat: '2021'")(data)
    checked = subprocess.run(
        [*GONGKAI, "check", "--all", "--data", str(data)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert checked.returncode == 2 and "Traceback" not in checked.stderr, checked.stderr
    assert "嵌套过深" in checked.stdout and "1 份无效" in checked.stdout, checked.stdout
    marker = uuid.uuid4().hex
    rendered = subprocess.run(
        [*GONGKAI, "render", "--all", "--data", str(data), "--out", str(tmp_path / "out"), "--no-pdf", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
        env={**os.environ, "GONGKAI_FAULT_MARK": marker},
    )
    assert rendered.returncode == 2 and "Traceback" not in rendered.stderr, rendered.stderr
    assert "嵌套过深" in rendered.stdout, rendered.stdout
    assert not survivors(marker, within=5), marked(marker)


def test_a_count_of_10_to_the_28_is_checked_exactly_not_a_traceback(tmp_path: Path) -> None:
    data = private_data(tmp_path)
    huge = 10**28
    record("received: {natural_person: 0,", f"received: {{natural_person: {huge},")(data)
    result = subprocess.run(
        [*GONGKAI, *CHECK, "--data", str(data)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"之和＝{huge}" in result.stdout, result.stdout


def test_checks_tell_10_to_the_17_from_10_to_the_17_plus_1(tmp_path: Path) -> None:
    data = private_data(tmp_path)
    path = data / "minquan" / "hujixiang" / "2021.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  received: {"))
    big = 10**17
    new = line.replace("natural_person: 0,", f"natural_person: {big},").replace("total: 0}", f"total: {big + 1}}}")
    path.write_text(text.replace(line, new), encoding="utf-8")
    result = subprocess.run(
        [*GONGKAI, *CHECK, "--data", str(data)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr
    r2 = [x for x in result.stdout.splitlines() if x.startswith("R2 ")]
    assert any(f"总计＝{big + 1}" in x and f"之和＝{big}" in x for x in r2), result.stdout


def test_a_province_wide_params_file_of_40000_entries_loads(tmp_path: Path) -> None:
    data = private_data(tmp_path)
    batch = tmp_path / "province.yaml"
    batch.write_text(
        "name: 全省\nreports:\n" + "  - {county: minquan, township: hujixiang, year: 2021}\n" * 40_000, encoding="utf-8"
    )
    start = time.perf_counter()
    out = tmp_path / "out"
    result = subprocess.run(
        [
            *GONGKAI,
            "render",
            "--params",
            str(batch),
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-pdf",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "共 1 份报告" in result.stdout, result.stdout  # 40,000 entries naming one report
    assert time.perf_counter() - start < 300


def test_a_missing_township_folder_is_listed_and_the_rest_rendered(tmp_path: Path) -> None:
    data = private_data(tmp_path)
    county("townships:\n", "townships:\n  xiaozhuang: {name: 小庄乡, level: 乡}\n")(data)
    out = tmp_path / "out"
    result = subprocess.run(
        [*GONGKAI, "render", "--all", "--data", str(data), "--out", str(out), "--no-pdf", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert (out / "2021" / "minquan" / "hujixiang" / "report.html").is_file()
    assert "缺少乡镇文件夹" in result.stdout and "xiaozhuang" in result.stdout, result.stdout
    checked = subprocess.run(
        [*GONGKAI, "check", "--all", "--data", str(data)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert checked.returncode == 2 and "1 份通过" in checked.stdout and "xiaozhuang" in checked.stdout, checked.stdout


def test_an_unreadable_record_is_one_invalid_record_and_the_rest_render(tmp_path: Path) -> None:
    """As root nothing is unreadable, so the record is a folder; a non-root run is below."""
    data = private_data(tmp_path)
    second = data / "minquan" / "hujixiang" / "2022.yaml"
    second.mkdir()
    out = tmp_path / "out"
    result = subprocess.run(
        [*GONGKAI, "render", "--all", "--data", str(data), "--out", str(out), "--no-pdf", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "应为一个 YAML 文件" in result.stdout, result.stdout
    assert (out / "2021" / "minquan" / "hujixiang" / "report.html").is_file()


def test_a_record_without_read_permission_says_so_in_one_line(tmp_path: Path) -> None:
    import shutil

    # Root reads a mode-0 file through CAP_DAC_OVERRIDE; drop that capability (and no more), so
    # the code, the venv and the rest of the data stay readable wherever the clone lives.
    wrapper: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("optional component missing: setpriv (to drop root's read-anything capability)")
        wrapper = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]
    data = private_data(tmp_path)
    record_path = data / "minquan" / "hujixiang" / "2021.yaml"
    record_path.chmod(0)
    try:
        for argv in (CHECK, ("check", "--all")):
            result = subprocess.run(
                [*wrapper, *GONGKAI, *argv, "--data", str(data)],
                capture_output=True,
                text=True,
                cwd=tmp_path,
                check=False,
            )
            assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
            assert "无法读取" in result.stdout + result.stderr, result.stdout + result.stderr
    finally:
        record_path.chmod(0o644)
