"""What the TrueType print faces save: Chromium core-seconds per PDF, Noto (CFF) against Gongkai (TrueType).

    .venv/bin/python benchmarks/print.py [--n 8] [--build] [--boxes]

Renders the seed report's HTML once (`render --formats html`), then prints it
n times each way on one warm browser, in turn: with the converted faces
(`make fonts`) and with Noto's CFF outlines, which Chromium embeds as Type 3
fonts. The CPU time of the browser's process tree per PDF, the parent's, the
PDF sizes and the ratio are printed; measured in one run, so a busy machine
shifts both alike. Needs `make fonts` first.
`--build` also times building the four faces from scratch (into a temporary
cache folder: wall and core-seconds, with the seconds each face took).
`--boxes` instead compares the page number and running header as CSS `@page`
margin boxes (what `Printer` does) with Playwright's header and footer
templates (what it did before), with and without a running header, in turn
on one browser.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
WARM_UP = 4  # prints of each page before measuring
ENV = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(REPO / "src")}


def seed_html(out: Path) -> str:
    args = ["render", "胡集乡", "2021", "--data", str(REPO / "data"), "--out", str(out), "--formats", "html"]
    done = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return next(out.rglob("report.html")).read_text(encoding="utf-8")


def build_once() -> None:
    """`python -m gongkai.production.fonts` into an empty cache: what a first `make fonts` costs."""
    with tempfile.TemporaryDirectory() as cache:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "gongkai.production.fonts"],
            capture_output=True,
            text=True,
            env={**ENV, "XDG_CACHE_HOME": cache},
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    core = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"build, 4 faces from scratch: {wall:.0f} s wall, {core:.0f} core-s ({os.cpu_count()} cores)")
    print(f"  {done.stdout.strip()}")


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


def templates_pdf(printer: Any, html: str, header: str, alert: str) -> bytes:
    """The PDF as `Printer` printed it before margin boxes: Playwright's header and footer templates."""
    from html import escape

    from gongkai.production import fonts, render

    page = printer._page  # the benchmark reaches into the printer to print the old way on the same browser
    page.set_content(fonts.print_css(html), wait_until="load")
    font = "font-family:'Gongkai Serif SC','Noto Serif CJK SC',serif;color:#000;width:100%;text-align:center;"
    top = "<span></span>"
    if alert:
        warn = f'<span style="color:#b00020;font-weight:bold">{escape(alert)}</span>　'
        top = f'<div style="{font}font-size:8pt;padding-top:12mm;">{warn}{escape(header)}</div>'
    bottom = f'<div style="{font}font-size:11pt;padding-bottom:14mm;">- <span class="pageNumber"></span> -</div>'
    data: bytes = page.pdf(
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template=top,
        footer_template=bottom,
        margin=render.MARGINS,
        prefer_css_page_size=False,
    )
    return data


def measure(
    ways: dict[str, Callable[[], bytes]], drivers: list[psutil.Process], n: int
) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, int]]:
    """Chromium and parent core-s, wall seconds and PDF bytes of each way, summed over n prints after a warm-up.

    Each way goes first in turn: what one print leaves to the next is shared alike.
    """
    me = psutil.Process()
    browser, parent, wall = dict.fromkeys(ways, 0.0), dict.fromkeys(ways, 0.0), dict.fromkeys(ways, 0.0)
    sizes = dict.fromkeys(ways, 0)
    for _ in range(WARM_UP):
        for way in ways.values():
            way()
    names = list(ways)
    for i in range(n):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            c0, p0, w0 = browser_seconds(drivers), sum(me.cpu_times()[:2]), time.perf_counter()
            sizes[name] = len(ways[name]())
            wall[name] += time.perf_counter() - w0
            browser[name] += browser_seconds(drivers) - c0
            parent[name] += sum(me.cpu_times()[:2]) - p0
    return browser, parent, wall, sizes


def compare_boxes(html: str, n: int) -> None:
    """Chromium core-s per PDF: templates against margin boxes, without and with a running header."""
    from gongkai.production import render

    title, alert = "胡集乡人民政府2021年政府信息公开工作年度报告", "示例数据（虚构）"
    me = psutil.Process()
    before = {p.pid for p in me.children()}
    with render.Printer() as printer:
        drivers = [p for p in me.children() if p.pid not in before]
        ways: dict[str, Callable[[], bytes]] = {
            "templates": lambda: templates_pdf(printer, html, title, ""),
            "boxes": lambda: printer.pdf(html, title),
            "templates+header": lambda: templates_pdf(printer, html, title, alert),
            "boxes+header": lambda: printer.pdf(html, title, alert),
        }
        browser, parent, wall, _ = measure(ways, drivers, n)
    print(f"{n} PDFs each way, the seed report ({time.strftime('%H:%M')}, load {os.getloadavg()[0]:.1f})")
    for name in ways:
        print(
            f"  {name:16s} Chromium {browser[name] / n:.3f} core-s/PDF, parent {parent[name] / n:.3f}, "
            f"wall {wall[name] / n:.3f} s"
        )
    for plain in ("", "+header"):
        ratio = browser[f"boxes{plain}"] / browser[f"templates{plain}"]
        print(f"  ratio    Chromium boxes/templates{plain} = {ratio:.2f}")


def main() -> None:
    from gongkai.production import fonts, render

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--build", action="store_true", help="also time a build of the faces from scratch")
    parser.add_argument("--boxes", action="store_true", help="compare margin boxes with header/footer templates")
    args = parser.parse_args()
    n = args.n
    if args.build:
        build_once()
    if fonts.installed() is None:
        raise SystemExit("先运行 `make fonts`：没有打印用 TrueType 字体")
    with tempfile.TemporaryDirectory() as tmp:
        html = seed_html(Path(tmp))
    if args.boxes:
        compare_boxes(html, n)
        return
    me = psutil.Process()
    # The Noto variant: the same page with its font families in single quotes, which the print
    # path does not rewrite, so Chromium uses Noto's CFF faces, as without `make fonts`. One
    # browser prints both in turn: a fresh Chromium's first prints cost two or three times its
    # steady state, and a Printer in bulk is long-lived.
    pages = {"noto": html, "gongkai": html}
    for family in fonts.PRINT_FAMILIES:
        pages["noto"] = pages["noto"].replace(f'"{family}"', f"'{family}'")
    assert pages["noto"] != html
    before = {p.pid for p in me.children()}
    with render.Printer() as printer:
        drivers = [p for p in me.children() if p.pid not in before]
        ways: dict[str, Callable[[], bytes]] = {name: partial(printer.pdf, page, "x") for name, page in pages.items()}
        browser, parent, _, sizes = measure(ways, drivers, n)
    print(f"{n} PDFs each, the seed report ({time.strftime('%H:%M')}, load {os.getloadavg()[0]:.1f})")
    for name in browser:
        print(
            f"  {name:8s} Chromium {browser[name] / n:.3f} core-s/PDF, parent {parent[name] / n:.3f}, "
            f"{sizes[name] / 1024:.0f} KiB"
        )
    print(f"  ratio    Chromium gongkai/noto = {browser['gongkai'] / browser['noto']:.2f}")


if __name__ == "__main__":
    main()
