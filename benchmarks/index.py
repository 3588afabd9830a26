"""The index page at province and national scale, in headless Chromium: load, sort, filter.

    .venv/bin/python benchmarks/index.py [--rows 2000 40000]

For each size, writes output/index.html-like pages with the index as it was
before the province rework (every row a table row, filtered and sorted in the
DOM; taken from git) and as it is now, opens both in the same Chromium and
prints the median time of a sort click and of a filter keystroke, with the
ratio old/new. The target is under 100 ms at 40,000 rows. Times are the work
the page does until layout is done (handler + style + layout), measured in the
page with performance.now(); paint is not included.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OLD = "ea52b93:src/gongkai/index.py"  # the index before it was grouped and drawn from data

sys.path.insert(0, str(REPO / "src"))
from gongkai.pages import index as new_index  # noqa: E402
from gongkai.pages.outcomes import CRASHED, RENDERED  # noqa: E402
from gongkai.pages.outcomes import Outcome as Entry  # noqa: E402
from gongkai.production.render import chromium_path  # noqa: E402

SORT = """async () => {
  const th = document.querySelector('#reports th[data-sort="outcome"]') || document.querySelectorAll('#reports th')[3];
  const t0 = performance.now(); th.click(); document.body.offsetHeight; return performance.now() - t0;
}"""
TYPE = """async (ch) => {
  const f = document.getElementById('filter');
  const t0 = performance.now(); f.value += ch; f.dispatchEvent(new Event('input')); document.body.offsetHeight;
  return performance.now() - t0;
}"""


def old_index() -> ModuleType:
    source = subprocess.run(["git", "show", OLD], cwd=REPO, capture_output=True, text=True, check=True).stdout
    source = source.replace("from gongkai.manifest import", "from gongkai.pages.outcomes import")
    source = source.replace("RENDERED, Entry\n", "RENDERED\nfrom gongkai.pages.outcomes import Outcome as Entry\n")
    source = source.replace("from gongkai.outputs import write_atomic\n", "")
    spec = importlib.util.spec_from_loader("old_index", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, OLD, "exec"), module.__dict__)
    return module


def entries(n: int) -> list[Entry]:
    """n reports: 2 years, counties of 20 townships, one in 25 failing, one in 200 crashed."""
    out = []
    for i in range(n):
        year = 2022 + i % 2
        county, township = (i // 2) // 20, (i // 2) % 20
        failing, crashed = i % 25 == 7, i % 200 == 13
        out.append(
            Entry(
                key=f"{year}/c{county:04d}/t{county:04d}x{township:02d}",
                status=CRASHED if crashed else RENDERED,
                fingerprint="x",
                county=f"第{county}县",
                township=f"第{county}县第{township}镇",
                year=year,
                passed=not (failing or crashed),
                errors=2 if failing else 0,
                warnings=i % 3 == 0,
                findings=["R3 表三「自然人」列：（七）总计＝3，但（一）至（六）各项之和＝2"] if failing else [],
                files=[] if crashed else ["report.html", "report.pdf", "report.review.html", "checks.json"],
            )
        )
    return out


def measure(browser: Any, path: Path, runs: int = 7) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector("#reports tbody tr")
    load = time.perf_counter() - start
    height = page.evaluate("document.documentElement.scrollHeight")
    sorts = [page.evaluate(SORT) for _ in range(runs)]
    keys = []
    for word in ("第1", "第12镇"):  # typed one character at a time, then cleared
        page.fill("#filter", "")
        keys += [page.evaluate(TYPE, ch) for ch in word]
    page.close()
    return {"load": load * 1000, "height": height, "sort": statistics.median(sorts), "key": statistics.median(keys)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 40000])
    args = parser.parse_args()
    old = old_index()
    flags = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-sandbox"]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=flags)
        print(f"{'rows':>7} {'page':>5} {'bytes':>11} {'load ms':>8} {'height px':>10} {'sort ms':>8} {'key ms':>7}")
        for n in args.rows:
            rows = entries(n)
            found = {}
            for name, module in (("old", old), ("new", new_index)):
                path = Path(tmp) / f"{name}-{n}.html"
                path.write_text(module.render_index(rows), encoding="utf-8")
                found[name] = m = measure(browser, path)
                print(
                    f"{n:>7} {name:>5} {path.stat().st_size:>11,} {m['load']:>8.0f} {m['height']:>10,} "
                    f"{m['sort']:>8.1f} {m['key']:>7.1f}"
                )
            o, w = found["old"], found["new"]
            print(f"{n:>7} ratio old/new: sort {o['sort'] / w['sort']:.0f}x, keystroke {o['key'] / w['key']:.0f}x")
        browser.close()


if __name__ == "__main__":
    main()
