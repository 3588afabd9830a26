"""How a report's kernel starts quietly: the same for a fresh kernel (run.py) and the warm one (kernels.py)."""

from __future__ import annotations

import subprocess
from functools import cache
from typing import Any

# The kernel warns in English that it speaks TCP without encryption: it listens
# on 127.0.0.1 only, and the warning is noise in the user's terminal.
# CRITICAL, not ERROR: shutting a kernel down interrupts it first (jupyter_client), and an idle
# kernel logs that SIGINT as an ERROR line the user would see after every render.
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]
# The kernel process's own stderr does not reach the user's terminal: libzmq can abort with an
# English assertion line while a kernel is shut down, and a kernel that fails reaches the user as
# the notebook's error anyway (RenderError).
KERNEL_STDERR = subprocess.DEVNULL


@cache
def quiet_kernels() -> type:
    """nbclient's kernel manager, launching the kernel with KERNEL_STDERR (its documented override)."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw.setdefault("stderr", KERNEL_STDERR)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager
