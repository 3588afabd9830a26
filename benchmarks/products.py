"""What each product costs: core-seconds per report for several `--formats`, measured in one run.

    .venv/bin/python benchmarks/products.py [--n 8] [--formats html html,pdf html,pdf,docx]

Each configuration renders the same first n bundled records with `render
--params … --force`; the CPU time of the whole process tree (the CLI, its
workers, their kernels and browsers, collected with RUSAGE_CHILDREN) divided
by n is the cost per report. Ratios are against the first configuration, so a
busy machine shifts all figures alike. Each run starts its workers and
kernels afresh, so use n of 20 or more: with a handful of reports that fixed
cost (and a busy machine's noise) swamps the difference. The target: a DOCX
adds at most 0.1 core-s to a report.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ENV = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(REPO / "src")}


def pick(n: int) -> list[dict[str, object]]:
    found = sorted((int(p.stem), p.parent.parent.name, p.parent.name) for p in DATA.glob("*/*/*.yaml"))
    return [{"county": c, "township": t, "year": y} for y, c, t in found[:n]]


def cost(formats: str, params: Path, out: Path) -> tuple[float, float]:
    """(core-seconds, wall seconds) of one forced render of every report in `params`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    args = ["render", "--params", str(params), "--data", str(DATA), "--out", str(out), "--force", "--no-progress"]
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args, "--formats", formats],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr)
    core = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return core, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--formats", nargs="+", default=["html", "html,pdf", "html,pdf,docx"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        params = Path(tmp) / "bench.yaml"
        params.write_text(yaml.safe_dump({"name": "bench", "reports": pick(args.n)}), encoding="utf-8")
        cost(args.formats[0], params, Path(tmp) / "warm")  # first run pays cold caches
        rows = []
        for formats in args.formats:
            core, wall = cost(formats, params, Path(tmp) / formats.replace(",", "-"))
            rows.append((formats, core / args.n, wall / args.n))
    base = rows[0][1]
    print(f"{args.n} reports per configuration (core-s and wall s per report)")
    for formats, core, wall in rows:
        print(f"  {formats:<22} {core:6.2f} core-s  {wall:6.2f} s  ×{core / base:.2f}  (+{core - base:.2f} core-s)")


if __name__ == "__main__":
    main()
