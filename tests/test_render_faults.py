"""A Chromium that freezes while printing (stopped, not dead) through the real `render --all`.

The print timeout kills the frozen browser (and its helpers) and a fresh one prints the next reports: the
report being printed is listed as 执行出错, the run finishes, and nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from pathlib import Path

from test_bulk import small_county
from test_faults import TOWNSHIPS, kill_marked, marked, render_all, report_count, start, survivors, wait_for


def chromium(marker: str) -> list[int]:
    out = []
    for pid in marked(marker):
        with contextlib.suppress(OSError):
            if b"chrom" in (Path("/proc") / str(pid) / "cmdline").read_bytes()[:200].lower():
                out.append(pid)
    return out


def test_a_browser_stopped_while_printing_is_replaced_and_the_run_finishes(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=TOWNSHIPS, years=(2021, 2022))
    out = tmp_path / "out"
    marker = uuid.uuid4().hex
    proc = start([*render_all(data, out), "--jobs", "1"], marker, {"GONGKAI_PRINT_TIMEOUT": "15"})
    try:
        assert wait_for(lambda: report_count(out) >= 1, 300), "no report printed"  # the browser is at work
        stopped = chromium(marker)
        assert stopped
        for pid in stopped:  # frozen, not dead: SIGSTOP to the browser and its helpers
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        proc.kill()
    try:
        assert "Traceback" not in stderr, stderr
        assert proc.returncode == 1, (proc.returncode, stdout, stderr)
        assert "Chromium" in stdout and "  执行出错             0" not in stdout, (stopped, stdout)
        built = list(out.glob("*/*/*/*.pdf"))
        assert len(built) >= len(TOWNSHIPS) * 2 - 2, (built, stdout)  # the others printed on a fresh browser
        for pid in stopped:
            assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        assert not survivors(marker, within=10)
    finally:
        kill_marked(marker)
