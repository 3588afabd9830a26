"""Audit memory: the peak of all the audit's processes together, over a folder of many small files.

    .venv/bin/python benchmarks/audit_memory.py [--files 2000] [--baseline 200] [--jobs 2]

Writes --files copies of the seed's published text (each a report, so every one is imported and checked)
and runs the real `gongkai audit` on --baseline of them, then on all, sampling every 0.1 s the resident
memory of the command and every process under it (psutil; shared pages counted once per process, so an
upper bound). Prints both peaks and their ratio: memory bounded whatever the folder holds means a ratio
near 1, not near files / baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO / "tests" / "fixtures" / "hujixiang-2021-published.txt"
MB = 1 << 20


def peak_of(folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(peak MB of the process tree, seconds) of one `gongkai audit` run."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "gongkai.cli", "audit", str(folder), "--out", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                total += p.memory_info().rss
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.1)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"gongkai audit 失败：{proc.stderr.read() if proc.stderr else ''}")
    return peak / MB, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        root = Path(tmp)
        runs = []
        for count in (args.baseline, args.files):
            folder = root / f"files-{count}"
            folder.mkdir()
            for n in range(count):
                shutil.copy(SEED_TEXT, folder / f"{n:05d}.txt")
            peak, took = peak_of(folder, root / f"out-{count}", args.jobs)
            runs.append(peak)
            print(f"{count} 个文件：峰值内存 {peak:.0f} MB（全部进程），用时 {took:.1f} 秒", flush=True)
        print(f"峰值之比 {args.files} / {args.baseline} 个文件：{runs[1] / runs[0]:.2f}")


if __name__ == "__main__":
    main()
