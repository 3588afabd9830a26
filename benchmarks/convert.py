"""A worker's HTML conversion per report: nbconvert validating after every preprocessor, or once, in one run.

    .venv/bin/python benchmarks/convert.py [--n 12] [--rounds 3]

Executes the first --n bundled records once on a warm kernel (as a worker does),
then converts each executed notebook into both pages (the official one and the
reviewer's) with the exporter as nbconvert configures it by default, which
validates the whole notebook against its schema after each of its dozen
preprocessors, and as gongkai configures it (`optimistic_validation`: once,
after all of them). Rounds alternate the two; CPU time of this process.
Both must give the same HTML byte for byte. Noisy on a shared machine; the
ratio less so.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src")]

from gongkai.checks import check_many  # noqa: E402
from gongkai.pages.report import meta_of  # noqa: E402
from gongkai.production import render  # noqa: E402
from gongkai.production.kernels import WarmKernel  # noqa: E402
from gongkai.production.run import Job, produce  # noqa: E402
from gongkai.records import catalog  # noqa: E402
from gongkai.records.history import load_previous  # noqa: E402
from gongkai.records.record import load_record  # noqa: E402


def executed(n: int) -> list[Any]:
    """The first n bundled records' executed notebooks, as a worker's warm kernel leaves them."""
    import nbformat

    data = (REPO / "data").resolve()
    entries = list(catalog.entries(data))[:n]
    pairs = [(r, load_previous(r)[0]) for r in (load_record(e.path) for e in entries)]
    notebooks = []
    for entry, report in zip(entries, check_many(pairs), strict=True):
        job = Job(entry.county.id, entry.township.id, entry.year, str(data), report.to_json(), frozenset({"html"}))
        files = produce(job, engine="gongkai-warm").files
        notebooks.append(nbformat.reads(files["report.ipynb"].decode("utf-8"), as_version=4))
    WarmKernel.close_current()
    return notebooks


def pages(notebooks: list[Any], optimistic: bool) -> tuple[float, list[str]]:
    """CPU seconds a report for both pages, and the pages."""
    for review in (False, True):
        render._exporter(review).optimistic_validation = optimistic
    out = []
    start = time.process_time()
    for nb in notebooks:
        title = meta_of(nb)["title"]
        out.append(render.to_html(nb, title=title, review_link=True))
        out.append(render.to_html(nb, title=title, review=True))
    return (time.process_time() - start) / len(notebooks), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    notebooks = executed(args.n)
    pages(notebooks[:2], True)  # warm: templates compiled, highlighting cached, as in a worker
    stock: list[float] = []
    ours: list[float] = []
    for _ in range(args.rounds):
        seconds, before = pages(notebooks, False)
        stock.append(seconds)
        seconds, after = pages(notebooks, True)
        ours.append(seconds)
        if before != after:
            raise SystemExit("两种校验方式生成的 HTML 不同")
    a, b = statistics.median(stock), statistics.median(ours)
    print(f"{len(notebooks)} 份报告 × {args.rounds} 轮，两页（正式版与审阅版）HTML，本进程 CPU 秒/份（中位数）：")
    print(f"  nbconvert 默认（每个预处理器后校验一次）：{a * 1000:7.1f} ms")
    print(f"  gongkai（全部预处理器后校验一次）：      {b * 1000:7.1f} ms")
    print(f"  节省 {(a - b) * 1000:.1f} ms/份（{a / b:.2f}×）；两种方式的 HTML 逐字节相同")


if __name__ == "__main__":
    main()
