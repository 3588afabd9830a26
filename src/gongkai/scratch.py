"""Private temporary folders, named after the process that made them, swept once that process is gone.

A run killed with kill -9 (or a machine switched off) cannot remove its own
temporary folders; the next run does: a folder `gongkai-<kind>-<pid>-…` of
this user whose process no longer exists is removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

_OURS = re.compile(r"gongkai-[a-z]+-(\d+)-[a-z0-9_]+")


def private_dir(kind: str) -> Path:
    """A new 0700 folder under $TMPDIR, `gongkai-<kind>-<pid>-<random>`."""
    return Path(tempfile.mkdtemp(prefix=f"gongkai-{kind}-{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def sweep(root: Path | None = None) -> int:
    """Remove the folders left by dead gongkai processes of this user; how many were removed."""
    root = root or Path(tempfile.gettempdir())
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        found = _OURS.fullmatch(entry.name)
        if found is None or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
    return removed
