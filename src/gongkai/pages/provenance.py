"""Where a report came from: files and their hashes, suites, notebook, versions, git.

Everything here is a function of the inputs, so identical inputs give an
identical page; the time of rendering stays in the notebook's metadata.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import metadata
from pathlib import Path

PACKAGES = ("gongkai", "papermill", "nbconvert", "nbclient", "great-expectations", "pandas")  # charts: our own SVG


@dataclass(frozen=True)
class Item:
    label: str
    value: str
    code: bool = False  # a hash or a path: shown in monospace


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return f"Python {platform.python_version()}；" + "，".join(found)


@cache
def git_state(folder: Path) -> str:
    """The commit the data folder is at, and whether its files differ from it."""
    try:
        head = subprocess.run(
            ["git", "log", "-1", "--format=%H（%cs）"], cwd=folder, capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0 or not head.stdout.strip():
            return "不在 git 仓库中"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "无法读取 git 信息"
    note = "；数据目录有未提交的修改" if dirty.stdout.strip() else ""
    return f"{head.stdout.strip()}{note}"


@cache
def environment(suites: Path, notebook: Path) -> dict[str, str]:
    """The suites, the notebook and the packages pages are made with, hashed once per process."""
    return {
        "suites": "；".join(f"{p.name} {sha256(p)[:16]}" for p in sorted(suites.glob("*.json"))),
        "notebook": f"{notebook.name} {sha256(notebook)[:16]}",
        "versions": versions(),
    }


def items(
    record_path: Path,
    data_dir: Path,
    source: str,
    previous: Path | None,
    suites: Path,
    notebook: Path,
    parameters: dict[str, object],
    git: str | None = None,
) -> list[Item]:
    return listed(
        (str(record_path.relative_to(data_dir)), sha256(record_path)),
        source,
        (str(previous.relative_to(data_dir)), sha256(previous)) if previous else None,
        environment(suites, notebook),
        parameters,
        git if git is not None else git_state(data_dir.resolve()),
    )


def listed(
    record: tuple[str, str],
    source: str,
    previous: tuple[str, str] | None,
    environment: dict[str, str],
    parameters: dict[str, object],
    git: str,
) -> list[Item]:
    """The appendix's rows from what was read: (path under the data folder, SHA-256) of each record."""
    shown = "，".join(f"{k}={v}" for k, v in parameters.items())
    return [
        Item("记录文件", record[0], code=True),
        Item("记录 SHA-256", record[1], code=True),
        Item("来源", source or "未注明（手工编辑的记录）"),
        Item(
            "上年记录",
            f"{previous[0]}（SHA-256 {previous[1][:16]}…）" if previous else "无",
            code=bool(previous),
        ),
        Item("校验套件", environment["suites"], code=True),
        Item("报告笔记本", environment["notebook"], code=True),
        Item("软件版本", environment["versions"]),
        Item("git", git),
        Item("参数", shown, code=True),
    ]


def provenance_html(found: list[Item]) -> str:
    def cell(item: Item) -> str:
        return f"<code>{escape(item.value)}</code>" if item.code else escape(item.value)

    rows = "\n".join(f"<tr><th>{escape(i.label)}</th><td>{cell(i)}</td></tr>" for i in found)
    return (
        '<section class="gk-appendix gk-provenance">\n<h2>附录四　数据来源与可重复性</h2>\n'
        "<p>同样的记录、校验套件、笔记本和软件版本生成逐字节相同的报告；生成时间记在执行后的笔记本里，不在正文中。</p>\n"
        '<table><colgroup><col style="width:16%"><col style="width:84%"></colgroup>\n'
        f"<tbody>\n{rows}\n</tbody></table>\n"
        "</section>\n"
    )
