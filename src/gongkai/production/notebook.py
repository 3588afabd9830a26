"""The report notebook as people use it: a working copy to edit in JupyterLab, and what of it a report depends on.

The notebook the package ships is a template nobody edits: `gongkai notebook
胡集乡 2024` writes a copy with that report's parameters set, beside the
project's output, for JupyterLab. Lab saves outputs, execution counts and
widths into whatever it opens; a report's fingerprint therefore hashes the
cells' kinds, sources and tags alone, so opening the shipped file re-renders
nothing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from gongkai.errors import InputError
from gongkai.outputs import write_atomic

PARAMETERS_TAG = "parameters"


def _cells(path: Path) -> list[dict[str, Any]]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"报告笔记本 {path} 无法读取（{type(e).__name__}）：应为 .ipynb 文件") from None
    return [c for c in cells if isinstance(c, dict)]


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: dict[str, Any]) -> list[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
    return sorted(str(t) for t in tags) if isinstance(tags, list) else []


def code_digest(path: Path) -> str:
    """SHA-256 of what the report is made of: each cell's kind, source and tags; never outputs or front-end metadata."""
    normalized = [
        {"type": c.get("cell_type"), "source": _source(c).replace("\r\n", "\n").rstrip(), "tags": _tags(c)}
        for c in _cells(path)
    ]
    text = json.dumps(normalized, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_parameters(source: str, values: dict[str, object]) -> str:
    """The defaults cell with `values` assigned in place: each name's line rewritten, its comment kept.

    Names the cell does not define are added at its end, so a parameter the
    notebook gains later is never dropped silently.
    """
    lines = source.split("\n")
    placed: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in values and node.lineno == node.end_lineno:
                line = lines[node.lineno - 1]
                comment = line[line.index("#") :] if "#" in line[node.end_col_offset or 0 :] else ""
                lines[node.lineno - 1] = f"{name} = {values[name]!r}" + (f"  {comment}" if comment else "")
                placed.add(name)
    lines += [f"{name} = {value!r}" for name, value in values.items() if name not in placed]
    return "\n".join(lines)


def working_copy(template: Path, target: Path, values: dict[str, object]) -> bytes:
    """The template's bytes as a fresh copy for one report: parameters set, no outputs, marked as a copy."""
    nb = json.loads(template.read_text(encoding="utf-8"))
    found = False
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if not found and PARAMETERS_TAG in _tags(cell):
            text = with_parameters(_source(cell), values)
            cell["source"] = text.splitlines(keepends=True)
            found = True
    if not found:
        raise InputError(f"报告笔记本 {template} 没有标记为 parameters 的单元格：无法设置参数")
    nb.setdefault("metadata", {})["gongkai"] = {"working_copy": True, "template": template.name}
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_working_copy(template: Path, target: Path, values: dict[str, object], force: bool = False) -> bool:
    """Write the copy unless one is there (a person's edits are never overwritten without --force)."""
    if target.exists() and not force:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, working_copy(template, target, values))
    return True


def relative(folder: Path, to: Path) -> str:
    """`to` as the notebook's kernel (started in `folder`) reaches it: relative, so the project can move."""
    return Path(os.path.relpath(to.absolute(), folder.absolute())).as_posix()
