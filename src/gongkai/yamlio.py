"""YAML in and out with the line of every value, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gongkai.errors import RecordError

MAX_BYTES = 1_000_000  # a record is a few KB; anything this big is a mistake
MAX_NODES = 5_000  # a 2021 record has ~250 values

Path_ = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it


def read_text(path: Path) -> str:
    """The file's text, refusing what no record can be before parsing it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RecordError(path, None, "", "文件不存在") from None
    if size > MAX_BYTES:
        raise RecordError(path, None, "", f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise RecordError(path, line, "", "不是 UTF-8 编码的文本（请另存为 UTF-8）") from None
    if not text.strip():
        raise RecordError(path, None, "", "文件是空的")
    return text.removeprefix("\ufeff")


def load(path: Path, text: str | None = None) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and the line of each key path."""
    if text is None:
        text = read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise RecordError(path, line, "", f"YAML 语法错误：{e.problem}") from None
    except yaml.YAMLError as e:
        raise RecordError(path, None, "", f"YAML 语法错误：{e}") from None
    finally:
        loader.dispose()
    if node is None:
        raise RecordError(path, None, "", "文件是空的")
    lines: dict[Path_, int] = {}
    counter = [0]
    data = _build(node, (), lines, path, loader, counter)
    return data, lines


def _build(
    node: yaml.Node,
    at: Path_,
    lines: dict[Path_, int],
    path: Path,
    loader: yaml.SafeLoader,
    counter: list[int],
) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise RecordError(path, node.start_mark.line + 1, _dotted(at), f"值过多（上限 {MAX_NODES} 个）")
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RecordError(path, key_node.start_mark.line + 1, _dotted(at), "键必须是简单文本")
            key = loader.construct_object(key_node)
            if key in out:
                raise RecordError(path, key_node.start_mark.line + 1, _dotted((*at, key)), "键重复出现")
            out[key] = _build(value_node, (*at, key), lines, path, loader, counter)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*at, i), lines, path, loader, counter) for i, v in enumerate(node.value)]
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as e:
        raise RecordError(path, node.start_mark.line + 1, _dotted(at), f"无法读取的值：{e}") from None


def _dotted(at: Path_) -> str:
    return ".".join(str(p) for p in at)


def dump_scalar(value: Any) -> str:
    """One YAML scalar on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").removesuffix("\n")
