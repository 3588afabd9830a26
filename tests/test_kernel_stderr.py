"""A kernel's own stderr is not the user's terminal (libzmq can abort with an English line at shutdown)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from gongkai.production.kernels import WarmKernel
from gongkai.production.quiet import quiet_kernels


def _stderr_of(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/fd/2")


def test_the_warm_kernel_and_a_fresh_kernel_write_their_stderr_nowhere(tmp_path: Path) -> None:
    warm = WarmKernel(str(tmp_path))
    try:
        assert _stderr_of(warm.km.provisioner.process.pid) == os.devnull
    finally:
        warm.close()

    async def fresh() -> str:
        km = quiet_kernels()()
        await km.start_kernel(cwd=str(tmp_path))
        try:
            return _stderr_of(km.provisioner.process.pid)
        finally:
            await km.shutdown_kernel(now=True)

    assert asyncio.run(fresh()) == os.devnull
