"""What the TrueType print faces save: Chromium core-seconds per PDF, Noto (CFF) against Gongkai (TrueType).

    .venv/bin/python benchmarks/print.py [--n 8]

Renders the seed report's HTML once (`render --formats html`), then prints it
n times on each of two warm browsers, taking turns: one launched with the
converted faces (`make fonts`), one without (Noto's CFF outlines, which
Chromium embeds as Type 3 fonts). The CPU time of each browser's process tree
per PDF, the parent's, the PDF sizes and the ratio are printed; measured in
one run, so a busy machine shifts both alike. Needs `make fonts` first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
ENV = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(REPO / "src")}


def seed_html(out: Path) -> str:
    args = ["render", "胡集乡", "2021", "--data", str(REPO / "data"), "--out", str(out), "--formats", "html"]
    done = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return next(out.rglob("report.html")).read_text(encoding="utf-8")


def browser_seconds(drivers: list[psutil.Process]) -> float:
    """CPU time of the Chromium processes under one printer's playwright driver."""
    total = 0.0
    for driver in drivers:
        for child in driver.children(recursive=True):
            try:
                if "chrom" in child.name():
                    times = child.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                pass
    return total


def main() -> None:
    from gongkai.build import fonts, render

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=8)
    n = parser.parse_args().n
    if fonts.installed() is None:
        raise SystemExit("先运行 `make fonts`：没有打印用 TrueType 字体")
    with tempfile.TemporaryDirectory() as tmp:
        html = seed_html(Path(tmp))
    me = psutil.Process()
    browser = {"noto": 0.0, "gongkai": 0.0}
    parent = dict.fromkeys(browser, 0.0)
    sizes = dict.fromkeys(browser, 0)
    # One sync playwright per thread: the two browsers take turns, in rounds, each warmed up first.
    rounds = 2
    for _ in range(rounds):
        for name in browser:
            before = {p.pid for p in me.children()}
            with render.Printer(fonts=name == "gongkai") as printer:
                drivers = [p for p in me.children() if p.pid not in before]
                sizes[name] = len(printer.pdf(html, "x"))
                for _ in range(n // rounds):
                    c0, p0 = browser_seconds(drivers), sum(me.cpu_times()[:2])
                    printer.pdf(html, "x")
                    browser[name] += browser_seconds(drivers) - c0
                    parent[name] += sum(me.cpu_times()[:2]) - p0
    n = rounds * (n // rounds)
    print(f"{n} PDFs each, the seed report ({time.strftime('%H:%M')}, load {os.getloadavg()[0]:.1f})")
    for name in browser:
        print(
            f"  {name:8s} Chromium {browser[name] / n:.3f} core-s/PDF, parent {parent[name] / n:.3f}, "
            f"{sizes[name] / 1024:.0f} KiB"
        )
    print(f"  ratio    Chromium gongkai/noto = {browser['gongkai'] / browser['noto']:.2f}")


if __name__ == "__main__":
    main()
