"""The files under the folders a user names, links that lead outside them listed and never followed.

A folder downloaded from many websites may hold a symbolic link to /etc or a
home folder; reading it would publish figures from a file nobody chose. A
link is followed only when it resolves to a file inside one of the folders
named; every other link is a line saying why it was skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.shown import shown


def found_in(folders: Sequence[Path], wanted: Callable[[str], bool] = lambda name: True) -> list[tuple[Path, str]]:
    """Every wanted file under the folders, sorted, with "" or the reason a link is not followed.

    Hidden files and folders are left out; a folder given as a file is taken as it is.
    """
    roots = [f.resolve() for f in folders]
    found: dict[Path, str] = {}
    for folder in folders:
        if folder.is_file():
            found[folder] = ""
            continue
        if not folder.is_dir():
            raise GongkaiError(f"不是文件夹：{shown(str(folder))}")
        for top, dirs, files in os.walk(folder, followlinks=False):
            here = Path(top)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in [*files, *(d for d in dirs if (here / d).is_symlink())]:
                path = here / name
                if name.startswith(".") or not wanted(name):
                    continue
                if path.is_symlink():
                    found[path] = outside(path, roots)
                elif path.is_file():
                    found[path] = ""
    return sorted(found.items())


def outside(link: Path, roots: Sequence[Path]) -> str:
    """Why a link is not followed ("" when it leads to a file inside the folders named)."""
    try:
        real = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return "符号链接指向不存在的位置，未读取"
    if not any(real.is_relative_to(r) for r in roots):
        return f"符号链接指向所选文件夹之外（{shown(str(real))}），未读取"
    if not real.is_file():
        return "符号链接指向文件夹，未读取"
    return ""


def present(path: Path) -> bool:
    """Whether a file is there; a name too long to exist (a 253-byte report's `.review.yaml`) is not."""
    try:
        return path.is_file()
    except OSError:
        return False
