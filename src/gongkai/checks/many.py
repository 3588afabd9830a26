"""`gongkai check --all` over several processes, printed exactly as one process prints it.

A national run is ~38,000 records at tens of milliseconds each (reading the
YAML, building the rule instances), all on one core. Here the records go out
in batches of BATCH to the project's worker pool (`procs.Workers`); each
worker loads and checks its batch (great-expectations, with --gx, is imported
once per worker) and sends back the lines to print, not the reports. The
parent yields the batches in the order of the records, whatever worker
finishes first, and keeps at most four batches a worker out (one at work, the
rest done and waiting their turn), so memory does not grow with N. A batch
goes to whichever worker is free (none queued behind a busy one): the last
batches are not left waiting on one worker while the other is idle. A worker
that dies (killed, out of memory) ends the run in that batch's turn with one
line and exit 3 rather than a hang; Ctrl-C and any early exit take the workers
down.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.checks import check_many
from gongkai.errors import GongkaiError
from gongkai.procs import Workers
from gongkai.records.record import load_record

if TYPE_CHECKING:
    from gongkai.checks.report import CheckReport
    from gongkai.records.record import Record

# great-expectations costs per validation, not per row; a batch bounds what a process holds.
BATCH = 200

Checker = Callable[[list[tuple["Record", "Record | None"]]], list["CheckReport"]]


class WorkerDied(GongkaiError):
    """A checking process ended without answering: the run's output is incomplete."""

    exit_code = 3


@dataclass
class Batch:
    """What the command prints for a batch of records, in their order."""

    texts: list[str] = field(default_factory=list)  # one per checked record: its text, or its JSON
    passed: list[bool] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # records that could not be read, one message each
    size: int = 0  # records in the batch, invalid ones included
    error: str = ""  # a GongkaiError met while checking, raised again in the parent in its turn
    exit_code: int = 2
    died: bool = False  # its worker died: `error` says how


def default_jobs() -> int:
    """Two processes, or one on a machine (or a CPU set) with one core: the parent itself mostly waits."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2, cores)


def checker(gx: bool) -> Checker:
    """The shipped suite files evaluated directly (checks.quick), or by great-expectations.

    `check` answers an analyst in under half a second this way; importing great-expectations
    alone costs 5–7 s cold. `render` and `check --gx` run great-expectations itself, and
    a test holds both answers equal on every bundled record.
    """
    if gx:
        return check_many

    def direct(pairs: list[tuple[Record, Record | None]]) -> list[CheckReport]:
        from gongkai.checks.quick import check_quick

        return check_quick(pairs) or check_many(pairs)  # a suite it cannot evaluate: great-expectations

    return direct


def check_batch(paths: Sequence[Path], *, gx: bool, as_json: bool, strict: bool = False) -> Batch:
    """Load and check these records; an unreadable one is a message (or, if `strict`, raised)."""
    from gongkai.records.history import load_previous

    batch = Batch(size=len(paths))
    pairs = []
    for path in paths:
        try:
            record = load_record(path)
        except GongkaiError as e:
            if strict:
                raise
            batch.invalid.append(str(e))
            continue
        pairs.append((record, load_previous(record)[0]))
    for r in checker(gx)(pairs) if pairs else []:
        batch.texts.append(json.dumps(r.to_dict(), ensure_ascii=False, indent=2) if as_json else r.to_text())
        batch.passed.append(r.passed)
    return batch


def batches(
    paths: Sequence[Path], *, gx: bool, as_json: bool, jobs: int, strict: bool = False, size: int = BATCH
) -> Generator[Batch, None, None]:
    """`paths` checked in batches of `size`, in order: here, or in `jobs` workers if there is more than one batch.

    Close the iterator (contextlib.closing) so that an early exit stops the workers at once.
    """
    chunks = (list(paths[i : i + size]) for i in range(0, len(paths), size))
    if jobs <= 1 or strict or len(paths) <= size:  # strict: one record, whose error is raised here
        for chunk in chunks:
            yield check_batch(chunk, gx=gx, as_json=as_json, strict=strict)
        return
    task = functools.partial(_in_worker, gx=gx, as_json=as_json)
    workers, done = min(jobs, -(-len(paths) // size)), 0
    pool = Workers[list[Path], Batch](workers, ahead=4 * workers, role="校验")
    with pool, contextlib.closing(pool.map(task, chunks, _died)) as checked:
        for batch in checked:
            if batch.died:
                raise WorkerDied(
                    f"{batch.error}：前 {done} 份记录的结果已输出，"
                    f"其余 {len(paths) - done} 份未校验；请重新运行，或用 --jobs 1 在本进程中校验"
                )
            if batch.error:
                error = GongkaiError(batch.error)
                error.exit_code = batch.exit_code
                raise error
            done += batch.size
            yield batch


def _in_worker(paths: list[Path], gx: bool, as_json: bool) -> Batch:
    """check_batch in a worker: an error the user can fix travels back as text (not every error pickles)."""
    try:
        return check_batch(paths, gx=gx, as_json=as_json)
    except GongkaiError as e:
        return Batch(size=len(paths), error=str(e), exit_code=e.exit_code)


def _died(paths: list[Path], reason: str) -> Batch:
    """The batch whose worker died (killed, out of memory): the run ends there, in its turn."""
    return Batch(size=len(paths), error=reason, exit_code=WorkerDied.exit_code, died=True)
