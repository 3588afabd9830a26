"""YAML in and out with the line of every value, so errors can point at it.

Records are typed by hand, so the loader is stricter than YAML 1.1: numbers
only in plain decimal (YAML would read `017` as 15 and `1:30` as 90), no
tags, aliases or merge keys that would make a value mean something other
than what it shows, and limits on size, count and depth, so a runaway file
fails in milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from gongkai.errors import RecordError


@dataclass(frozen=True)
class Limits:
    """What one kind of file may hold: a record, a county file and a params file differ."""

    what: str  # the kind of file, as the messages name it
    max_bytes: int
    max_nodes: int
    max_depth: int
    usual: str  # what such a file usually holds, for the messages


RECORD = Limits("一份记录", 1_000_000, 5_000, 16, "约 300 个值")  # a 2021 record nests 4 deep
COUNTY = Limits("县文件", 1_000_000, 50_000, 8, "每个乡镇 3 个值")
PARAMS = Limits("参数文件", 50_000_000, 2_000_000, 8, "每份报告 4 个值")  # a province-wide batch: ~40,000 reports
MAX_BYTES, MAX_NODES, MAX_DEPTH = RECORD.max_bytes, RECORD.max_nodes, RECORD.max_depth
# Flow brackets nesting deeper than this are refused before the parser sees them:
# the composer recurses once per level, and a C stack is finite.
MAX_SCAN_DEPTH = 64

Path_ = tuple[str | int, ...]


class Lines(dict[Path_, int]):
    """The line of each key path, and the column of each value written on its key's line."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: dict[Path_, int] = {}


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it

_TAG = "tag:yaml.org,2002:"
TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
DECIMAL = {f"{_TAG}int": re.compile(r"[-+]?(0|[1-9][0-9]*)"), f"{_TAG}float": re.compile(r"[-+]?[0-9]+\.[0-9]*")}
# What YAML itself refuses, found here first so the message can say which line.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

ALIAS = "不支持 YAML 引用（& 与 *）：应把值直接写出"

# PyYAML's problems, said in the words of whoever edits the record.
SYNTAX = (
    ("mapping values are not allowed", "此处不能再出现冒号：应为每行一个 `键: 值`，值里有冒号时请给值加引号"),
    ("cannot start any token", "此处的字符不能开始一个值：应用空格缩进（不用 Tab），以 @ ` 等符号开头的文字请加引号"),
    ("tab character", "不能用 Tab 缩进：应用空格缩进"),
    ("expected ',' or ']'", "方括号 [ ] 未闭合：应以 ] 结束，各项之间用逗号分隔"),
    ("expected ',' or '}'", "花括号 { } 未闭合：应以 } 结束，各项之间用逗号分隔"),
    ("end of stream", "引号未闭合：应在值的末尾补上引号"),
    ("expected key", "缩进不一致：同一层的键应左对齐"),
    ("expected '-' indicator", "列表项与键混在同一层：应对齐缩进"),
    ("undefined alias", "* 开头的值是 YAML 引用：应给这段文字加引号"),
    ("another document", "一个文件只能有一份记录：应删去 --- 之后的部分"),
)


def read_text(path: Path, limits: Limits = RECORD) -> str:
    """The file's text, refusing what no file of its kind can be before parsing it."""
    return decode(path, read_bytes(path, limits), limits)


def read_bytes(path: Path, limits: Limits = RECORD) -> bytes:
    """The file's bytes, refusing a folder or an oversized file before reading it.

    Every record read goes through here: a report's input hashes and parses these very bytes.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RecordError(path, None, "", "文件不存在") from None
    if not path.is_file():
        raise RecordError(path, None, "", "应为一个 YAML 文件，实际是文件夹或特殊文件")
    if size > limits.max_bytes:
        raise RecordError(path, None, "", f"文件过大（{size} 字节）：{limits.what}上限 {limits.max_bytes} 字节")
    try:
        return path.read_bytes()
    except OSError as e:
        raise RecordError(path, None, "", f"无法读取（{e.strerror or e}）：请检查文件权限") from None


def decode(path: Path, raw: bytes, limits: Limits = RECORD) -> str:
    """The text of bytes read from `path`, with the checks no parser should meet unprepared."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, e.start) + 1 : e.start].decode("utf-8", "replace")) + 1
        said = "文件不是 UTF-8 编码（可能是用 GBK 保存的）：请在编辑器里「另存为」并选择 UTF-8 编码，再运行一次"
        raise RecordError(path, line, "", said, column=column) from None
    if not text.strip():
        raise RecordError(path, None, "", "文件是空的：应为一份记录（形如 `year: 2021` 的键值）")
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        code = f"U+{ord(bad.group()):04X}"
        raise RecordError(path, line, "", f"含有不可见的控制字符 {code}：应为普通文本，请删去该字符")
    text = text.removeprefix("\ufeff")
    _scan_depth(path, text, limits)
    return text


def _scan_depth(path: Path, text: str, limits: Limits) -> None:
    """Refuse deep nesting from the text alone, before any parser recurses into it.

    Counts open flow brackets and compact block indicators (`- - - x`); quoted
    or block text may hold brackets too, so the bound is generous, and the
    exact depth is checked again on the parsed events.
    """
    message = f"嵌套过深：{limits.what}应只有几层（上限 {limits.max_depth} 层）"
    depth = 0
    for m in _BRACKET.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_SCAN_DEPTH:
                raise RecordError(path, text.count("\n", 0, m.start()) + 1, "", message)
        elif depth:
            depth -= 1
    for m in _COMPACT.finditer(text):
        raise RecordError(path, text.count("\n", 0, m.start()) + 1, "", message)


_BRACKET = re.compile(r"[\[\]{}]")
_COMPACT = re.compile(rf"^[ \t]*(?:[-?:][ \t]+){{{MAX_SCAN_DEPTH},}}", re.MULTILINE)


def _event_depth(path: Path, text: str, limits: Limits) -> None:
    """The nesting, from the parser's events (an iterative state machine), before the composer recurses."""
    message = f"嵌套过深：{limits.what}应只有几层（上限 {limits.max_depth} 层）"
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > max(limits.max_depth, MAX_SCAN_DEPTH):  # shallower: the builder names the field
                    raise RecordError(path, event.start_mark.line + 1 if event.start_mark else None, "", message)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(path, e, text) from None
    except yaml.YAMLError as e:
        raise RecordError(path, None, "", f"YAML 语法错误：{_one_line(str(e))}") from None
    finally:
        loader.dispose()


def load(path: Path, text: str | None = None, limits: Limits = RECORD) -> tuple[Any, Lines]:
    """Parse one YAML document; return the data and the line of each key path."""
    if text is None:
        text = read_text(path, limits)
    else:
        _scan_depth(path, text, limits)
    _event_depth(path, text, limits)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(path, e, text) from None
    except yaml.YAMLError as e:
        raise RecordError(path, None, "", f"YAML 语法错误：{_one_line(str(e))}") from None
    except RecursionError:
        raise RecordError(path, None, "", f"嵌套过深：{limits.what}应只有几层（上限 {limits.max_depth} 层）") from None
    finally:
        loader.dispose()
    if node is None:
        raise RecordError(path, None, "", "文件是空的：应为一份记录（形如 `year: 2021` 的键值）")
    lines = Lines()
    data = _Builder(path, loader, lines, limits).build(node, ())
    return data, lines


def _syntax_error(path: Path, e: yaml.MarkedYAMLError, text: str = "") -> RecordError:
    problem = _one_line(e.problem or str(e))
    said = next((said for key, said in SYNTAX if key in problem), "应为合法的 YAML（每行 `键: 值`，用空格缩进）")
    mark = e.problem_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    start = e.context_mark.line + 1 if e.context_mark else None
    since = f"（始于第 {start} 行）" if start and start != line else ""
    rows = text.split("\n")
    for n in dict.fromkeys(k for k in (line, start) if k and k <= len(rows)):
        row = rows[n - 1]
        if "\t" in row[: len(row) - len(row.lstrip())]:
            return RecordError(path, n, "", "这一行用 Tab 缩进：请改用空格（每层两个空格）", column=1)
        comma = row.find("，")
        if comma >= 0 and ("{" in row or "[" in row):
            said = "各项之间应用英文逗号 , 分隔，这里是中文逗号「，」：请改为 , 加一个空格"
            return RecordError(path, n, "", said, column=comma + 1)
    return RecordError(path, line, "", f"YAML 语法错误{since}：{said}（{problem}）", column=column)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Builder:
    """Python values from composed nodes, recording where each came from."""

    def __init__(self, path: Path, loader: Any, lines: Lines, limits: Limits = RECORD) -> None:
        self.path = path
        self.limits = limits
        self.loader = loader
        self.lines = lines
        self.count = 0
        self.built: set[int] = set()

    def fail(self, node: yaml.Node, at: Path_, message: str) -> RecordError:
        mark = node.start_mark
        return RecordError(self.path, mark.line + 1, _dotted(at), message, column=mark.column + 1)

    def build(self, node: yaml.Node, at: Path_) -> Any:
        self.count += 1
        limits = self.limits
        if self.count > limits.max_nodes:
            raise self.fail(node, at, f"值过多：{limits.what}{limits.usual}，上限 {limits.max_nodes} 个（多余的键？）")
        if len(at) > limits.max_depth:
            raise self.fail(node, at, f"嵌套过深：{limits.what}应只有几层（上限 {limits.max_depth} 层）")
        if id(node) in self.built:
            raise self.fail(node, at, ALIAS)
        self.built.add(id(node))
        if node.tag not in TAGS:
            tag = node.tag.replace(_TAG, "!!")
            raise self.fail(node, at, f"不支持 YAML 标签或写法 {tag}：应为文本、数字或 ~，特殊写法请加引号")
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, (*at, i)) for i, v in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, at)

    def mapping(self, node: yaml.MappingNode, at: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == f"{_TAG}merge":
                raise self.fail(key_node, (*at, "<<"), "不支持 << 合并键：应把各个键逐一写出")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in TAGS:
                raise self.fail(key_node, at, "键应为简单文本（如 `year`）")
            key = self.scalar(key_node, at)
            if key in seen:
                raise self.fail(key_node, (*at, key), f"键重复出现（第 {seen[key]} 行已有）：每个键只能写一次")
            seen[key] = line
            if id(value_node) in self.built:  # the node is the anchor's: name the line of the `*`
                raise self.fail(key_node, (*at, key), ALIAS)
            out[key] = self.build(value_node, (*at, key))
            self.lines[(*at, key)] = line  # the key's line: a block value starts below it
            if isinstance(value_node, yaml.ScalarNode) and value_node.start_mark.line + 1 == line:
                shown = value_node if value_node.value else key_node  # nothing written: the key is what is there
                self.lines.columns[(*at, key)] = shown.start_mark.column + 1
        return out

    def scalar(self, node: yaml.ScalarNode, at: Path_) -> Any:
        decimal = DECIMAL.get(node.tag)
        if decimal is not None and not decimal.fullmatch(node.value):
            raise self.fail(
                node, at, f"数字 {node.value} 的写法不被接受：应为十进制，如 17 或 0.5（不用 0x、前导 0、_、: 或 e）"
            )
        try:
            value = self.loader.construct_object(node)
        except yaml.YAMLError as e:
            raise self.fail(node, at, f"无法读取的值：{_one_line(str(e))}") from None
        except (ValueError, OverflowError):  # 2021-13-45: YAML takes it for a date, and there is no such day
            said = f"{node.value} 形如日期，但没有这一天：日期应写成真实的 YYYY-MM-DD（如 2021-12-31），文字请加引号"
            raise self.fail(node, at, said) from None
        if node.tag == f"{_TAG}float":
            return Decimal(node.value)  # as written, digits and all: a float would lose 0.10's last 0
        if isinstance(value, str):
            bad = CONTROL.search(value)  # "\e", "\0", "\a" … are control characters once unescaped
            if bad:
                code = f"U+{ord(bad.group()):04X}"
                raise self.fail(node, at, f"含有不可见的控制字符 {code}（转义写法也不行）：应为普通文本，请删去")
        return value


def _dotted(at: Path_) -> str:
    return ".".join(str(p) for p in at)


def dump_scalar(value: Any) -> str:
    """One YAML scalar on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").removesuffix("\n")
