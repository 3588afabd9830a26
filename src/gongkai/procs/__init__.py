"""Worker processes in one place: every pool of the project (render, check, import, audit) is `Workers`.

`family` ties a worker to its parent, `worker` is one worker process and the
parent's handle on it, `pool` runs many of them (bounded, ordered or as they
finish, a dead or overrunning worker replaced).
"""

from gongkai.procs.family import no_interrupt
from gongkai.procs.pool import TaskFailed, Workers, run_one
from gongkai.procs.worker import MB, Limits

__all__ = ["MB", "Limits", "TaskFailed", "Workers", "no_interrupt", "run_one"]
