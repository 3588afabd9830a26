"""The audit's reading side: which files, read how (a worker each, under limits), checked in batches.

Every file is read in a worker of `gongkai.procs` with a deadline and a memory limit, so one file can
neither stop nor exhaust the run; checks go in batches, so what great-expectations holds does not grow
with the folder.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from gongkai.importers.files import found_in
from gongkai.importers.guarded import limits, warm
from gongkai.interfaces.audit_facts import is_info
from gongkai.procs import Limits, Workers

R = TypeVar("R")
REVIEW_SUFFIX = ".review.yaml"  # a reviewer's decisions, not a report to audit


def _audited(name: str) -> bool:
    return not name.endswith(REVIEW_SUFFIX) and not is_info(Path(name))


def listed(folders: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every file to audit, with "" or why it is skipped (a link leading outside the folders named)."""
    return found_in(folders, _audited)


def read_all(
    one: Callable[..., R],
    paths: Sequence[Path],
    jobs: int,
    budget: Limits | None,
    failed: Callable[[Path, str], R],
    **keywords: Any,
) -> list[R]:
    """`one(path, **keywords)` for every path, each in a reading worker, in order."""
    task = functools.partial(one, **keywords) if keywords else one
    with Workers[Path, R](jobs, budget or limits(), warm=warm) as workers:
        return list(workers.map(task, paths, failed))


def in_batches(check: Callable[[list[Any]], list[Any]], pairs: list[Any], size: int | None = None) -> Iterator[Any]:
    """Reports batch by batch: what great-expectations holds is bounded by the batch, not by the folder."""
    from gongkai.checks.many import BATCH

    size = size or BATCH
    for start in range(0, len(pairs), size):
        yield from check(pairs[start : start + size])
