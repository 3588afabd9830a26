"""The reviewer's charts per report: our SVG writer against the matplotlib one it replaced, in one run.

    .venv/bin/python benchmarks/charts.py [--baseline b33bfc4] [--rounds 3]

For every bundled record (with its earlier years, as the notebook passes them) it times
`charts.report_charts(record, history)` and the county summary's two charts per county-year, in-process and
warm (the first call of each is left out, as a warm kernel would have paid it). The baseline is
src/gongkai/pages/charts.py at --baseline, read with `git show` and loaded as a module (it needs matplotlib
installed); without matplotlib only our own figures are printed. Also prints whether importing the chart and
summary modules and drawing pulls in matplotlib. On a shared machine the figures are noisy, the ratio less so.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src")]

from gongkai.format import APPLICATION_FIGURES, DECISION_FIGURES  # noqa: E402
from gongkai.pages import charts  # noqa: E402
from gongkai.records import catalog  # noqa: E402
from gongkai.records.record import Record, load_record  # noqa: E402


def baseline(revision: str) -> types.ModuleType | None:
    """The old charts module, or None when it cannot be loaded here (no git, no matplotlib)."""
    if importlib.util.find_spec("matplotlib") is None:
        print("基线不可用（未安装 matplotlib）：只测本版")
        return None
    try:
        source = subprocess.run(
            ["git", "show", f"{revision}:src/gongkai/pages/charts.py"], cwd=REPO, capture_output=True, check=True
        ).stdout.decode()
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"基线不可用（{error}）：只测本版")
        return None
    module = types.ModuleType("baseline_charts")
    exec(compile(source, f"{revision}:charts.py", "exec"), module.__dict__)  # our own old code, from git
    return module


def workload(
    data: Path,
) -> tuple[list[tuple[Record, list[Record]]], list[tuple[list[str], list[float], dict[str, list[float]]]]]:
    records = [load_record(e.path) for e in catalog.entries(data)]
    by_township: dict[tuple[str, str], list[Record]] = {}
    for r in records:
        by_township.setdefault((r.county, r.township), []).append(r)
    reports = [(r, [h for h in by_township[(r.county, r.township)] if h.year < r.year]) for r in records]
    counties: dict[tuple[str, int], list[Record]] = {}
    for r in records:
        counties.setdefault((r.county, r.year), []).append(r)
    summaries = [
        (
            [r.township for r in group],
            [float(r.cells[APPLICATION_FIGURES[0][1]] or 0) for r in group],
            {name: [float(r.cells[key] or 0) for r in group] for name, key in DECISION_FIGURES},
        )
        for group in counties.values()
    ]
    return reports, summaries


def timed(run: Callable[[], object], rounds: int) -> float:
    run()  # warm: imports, caches
    best = []
    for _ in range(rounds):
        start = time.process_time()
        run()
        best.append(time.process_time() - start)
    return statistics.median(best)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="b33bfc4")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    args = parser.parse_args()
    reports, summaries = workload(args.data)

    def run(module: types.ModuleType) -> tuple[Callable[[], object], Callable[[], object]]:
        def report() -> object:
            return [module.report_charts(r, h) for r, h in reports]

        def summary() -> object:
            return [
                module.bars("新收申请", names, received, horizontal=True)
                + module.grouped_bars("决定", names, decisions)
                for names, received, decisions in summaries
            ]

        return report, summary

    ours = run(charts)
    figures = {"本版 SVG": [timed(ours[0], args.rounds), timed(ours[1], args.rounds)]}
    print(f"本版绘图后已导入 matplotlib：{'matplotlib' in sys.modules}")
    old = baseline(args.baseline)
    if old is not None:
        theirs = run(old)
        figures[f"基线 matplotlib（{args.baseline}）"] = [timed(theirs[0], args.rounds), timed(theirs[1], args.rounds)]
    print(f"{len(reports)} 份报告的图表，{len(summaries)} 个县年度汇总（CPU 秒，{args.rounds} 轮中位数）")
    for name, (report, summary) in figures.items():
        print(
            f"  {name}：每份报告 {report / len(reports) * 1000:.2f} ms，"
            f"每个汇总页 {summary / len(summaries) * 1000:.2f} ms"
        )
    if old is not None:
        (new_r, new_s), (old_r, old_s) = figures.values()
        print(f"  倍数：报告图表 {old_r / new_r:.0f}×，汇总图表 {old_s / new_s:.0f}×")


if __name__ == "__main__":
    main()
