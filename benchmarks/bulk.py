"""Bulk rendering speed: gongkai against the pipeline a user would script, in one run.

    .venv/bin/python benchmarks/bulk.py --baseline-n 4          # every bundled record; the naive loop on 4
    .venv/bin/python benchmarks/bulk.py --n 3 --preview 0 --skip-dask   # the smallest sensible run
    .venv/bin/python benchmarks/bulk.py --baseline-n 4 --national --townships 38000   # and the national run

The naive loop's cost per report does not depend on how many it renders (each
report starts its own papermill, nbconvert and browser), so --baseline-n times
it on a sample and compares per report; gongkai always renders all --n.

Prints, for the same products both ways (HTML and the official PDF): seconds
per report for both and their ratio (target: at least 30x on a 2-core
machine), gongkai's core-seconds per report split by stage (target: at most
0.6), the cost of changing --formats, that the fast path's HTML equals a
fresh-kernel render byte for byte, a Dask run whose workers cannot read the
data folder (time, byte identity), then benchmarks/preview.py (save-to-page
latency over --preview saves) and, when asked, benchmarks/national.py
(planning, no-op, manifest, index, check --all and memory at a national scale).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = REPO / "data"
NOTEBOOK = REPO / "src" / "gongkai" / "notebooks" / "report.ipynb"
CHROMIUM = "/usr/lib/chromium/chromium"
ENV = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
SMALL = 8  # records of the small run that separates a run's fixed cost from each report's


def pick(n: int) -> list[tuple[str, str, int]]:
    """The first n bundled records, in a stable order."""
    found = sorted((int(p.stem), p.parent.parent.name, p.parent.name) for p in DATA.glob("*/*/*.yaml"))
    return [(county, township, year) for year, county, township in found[:n]]


def private_data(root: Path, chosen: list[tuple[str, str, int]], name: str = "data") -> Path:
    """A data folder holding exactly the chosen records (and the years before, for R6)."""
    data = root / name
    for county, township, year in chosen:
        folder = data / county / township
        folder.mkdir(parents=True, exist_ok=True)
        for y in (year - 1, year):
            src = DATA / county / township / f"{y}.yaml"
            if src.exists():
                shutil.copy(src, folder / f"{y}.yaml")
    for county in {c for c, _, _ in chosen}:
        info = yaml.safe_load((DATA / county / "county.yaml").read_text(encoding="utf-8"))
        keep = {t for c, t, _ in chosen if c == county}
        info["townships"] = {k: v for k, v in info["townships"].items() if k in keep}
        (data / county / "county.yaml").write_text(yaml.safe_dump(info, allow_unicode=True), encoding="utf-8")
    # records of years not chosen must not be rendered by --all
    for path in data.glob("*/*/*.yaml"):
        if (path.parent.parent.name, path.parent.name, int(path.stem)) not in chosen:
            path.rename(path.with_suffix(".prev"))
    return data


def run(cmd: list[str], **kw: object) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, **kw)  # type: ignore[call-overload]


def baseline(chosen: list[tuple[str, str, int]], data: Path, work: Path) -> float:
    """papermill CLI, then nbconvert CLI, then Chromium's --print-to-pdf, one report after another."""
    start = time.perf_counter()
    for county, township, year in chosen:
        out = work / f"{county}-{township}-{year}"
        out.mkdir(parents=True)
        nb = out / "report.ipynb"
        run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOK),
                str(nb),
                "-p",
                "township",
                township,
                "-p",
                "county",
                county,
                "-p",
                "year",
                str(year),
                "-p",
                "data_dir",
                str(data),
                "--cwd",
                str(NOTEBOOK.parent),
                "--no-progress-bar",
            ]
        )
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)])
        run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out / 'report.pdf'}",
                (out / "report.html").as_uri(),
            ]
        )
    return time.perf_counter() - start


class PeakMemory:
    """Peak proportional set size (PSS) of a process tree, sampled every 0.2 s.

    PSS splits shared pages among the processes that map them, so a dozen
    Chromium processes sharing one binary are not counted a dozen times.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.root.is_running() and self.root.status() != psutil.STATUS_ZOMBIE:
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_full_info().pss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)


def stage_of(proc: psutil.Process, root: int) -> str:
    """Which stage a process of the tree belongs to, by what it runs."""
    if proc.pid == root:
        return "parent"
    line = " ".join(proc.cmdline())
    if "ipykernel" in line:
        return "kernel"
    if "chrom" in line or "headless_shell" in line or "playwright" in line or "node" in proc.name():
        return "chromium"
    return "worker"


class CoreSeconds:
    """CPU seconds (user + system) of a process tree by stage, sampled every 0.1 s.

    Each process's last sample counts, so a process that lives less than 0.1 s
    (none here: kernels, browsers and workers live the whole run) is missed.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.last: dict[int, tuple[str, float]] = {}
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.root.is_running() and self.root.status() != psutil.STATUS_ZOMBIE:
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    t = p.cpu_times()
                    stage = self.last[p.pid][0] if p.pid in self.last else stage_of(p, self.root.pid)
                    self.last[p.pid] = (stage, t.user + t.system)
                except psutil.Error:
                    pass
            time.sleep(0.1)

    def by_stage(self) -> dict[str, float]:
        self.thread.join(timeout=5)
        out: dict[str, float] = {}
        for stage, seconds in self.last.values():
            out[stage] = out.get(stage, 0.0) + seconds
        return out


def gongkai(*args: str, memory: bool = False, stages: dict[str, float] | None = None) -> tuple[float, int]:
    """Wall time of one gongkai command, and its peak memory when asked.

    Reading memory (smaps) costs CPU, so timed runs are not sampled.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "gongkai"), *args, "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=ENV,
        text=True,
    )
    sampler = PeakMemory(proc.pid) if memory else None
    cores = CoreSeconds(proc.pid) if stages is not None else None
    out, _ = proc.communicate()
    if cores is not None and stages is not None:
        stages.update(cores.by_stage())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"gongkai {' '.join(args)} failed ({proc.returncode}):\n{out}")
    return time.perf_counter() - start, sampler.peak if sampler else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=0, help="reports per path (default: every bundled record)")
    parser.add_argument("--memory", action="store_true", help="also render once more to sample peak memory")
    parser.add_argument("--skip-dask", action="store_true", help="skip the Dask run without a shared filesystem")
    parser.add_argument("--preview", type=int, default=20, help="saves for benchmarks/preview.py (0: skip)")
    parser.add_argument(
        "--national",
        nargs=argparse.REMAINDER,
        default=[],
        help="run benchmarks/national.py with these arguments (e.g. --national --townships 38000)",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-n", type=int, default=0, help="time the naive loop on the first K only")
    args = parser.parse_args()
    chosen = pick(args.n or len(list(DATA.glob("*/*/*.yaml"))))
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        root = Path(tmp)
        data = private_data(root, chosen)
        print(f"{len(chosen)} reports, HTML and PDF, {os.cpu_count()} cores")

        if not args.skip_baseline:
            sample = chosen[: args.baseline_n or len(chosen)]
            base = baseline(sample, data, root / "baseline") / len(sample)  # seconds per report
            print(
                f"baseline (papermill CLI → nbconvert CLI → chromium --print-to-pdf), {len(sample)} reports: "
                f"{base:.2f} s a report, {60 / base:.1f} reports/min"
            )

        stages: dict[str, float] = {}
        same = ("--formats", "html,pdf")  # the baseline's products (the review page, notebook, checks come too)
        fast, _ = gongkai(
            "render", "--all", "--force", *same, "--data", str(data), "--out", str(root / "fast"), stages=stages
        )
        memory = ""
        if args.memory:  # a second run: sampling memory (smaps) costs CPU the timed run must not pay
            _, peak = gongkai(
                "render",
                "--all",
                "--force",
                *same,
                "--data",
                str(data),
                "--out",
                str(root / "fast-memory"),
                memory=True,
            )
            memory = f", peak memory {peak / 2**20:.0f} MiB"
        print(
            f"gongkai render --all --force:                                   {fast:.1f} s, "
            f"{fast / len(chosen):.2f} s a report, {60 * len(chosen) / fast:.1f} reports/min{memory}"
        )
        n = len(chosen)
        split = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))
        print(f"core-s per report: {sum(stages.values()) / n:.2f} (target ≤ 0.6): {split}")
        if not args.skip_baseline:
            print(f"ratio per report: {base / (fast / n):.1f}x (target ≥ 30x)")
        if n > SMALL:
            # What a run costs once (great-expectations' import, workers, kernels and browsers starting, their
            # first slow prints) against what each further report adds: the same command on the first few.
            few: dict[str, float] = {}
            small = private_data(root, chosen[:SMALL], "data-few")
            gongkai("render", "--all", "--force", *same, "--data", str(small), "--out", str(root / "few"), stages=few)
            each = (sum(stages.values()) - sum(few.values())) / (n - SMALL)
            fixed = sum(few.values()) - SMALL * each
            split = ", ".join(
                f"{k} {(stages.get(k, 0) - few.get(k, 0)) / (n - SMALL):.2f}"
                for k in sorted(stages, key=lambda k: -stages[k])
            )
            print(
                f"each further report: {each:.2f} core-s ({split}); once a run: {fixed:.1f} core-s "
                f"(from the same command on the first {SMALL})"
            )

        # --formats changed since the last run (html,pdf): before, every report was rendered again (≈ the run
        # above); now the products no longer asked for are removed and the missing ones made from saved notebooks.
        previous = ("--all", "--data", str(data), "--out", str(root / "fast"))
        dropped, _ = gongkai("render", *previous, "--formats", "html")
        added_stages: dict[str, float] = {}
        added, _ = gongkai("render", *previous, "--formats", "html,pdf,docx", stages=added_stages)
        print(
            f"--formats html after html,pdf,docx: {dropped:.1f} s; back to html,pdf,docx: {added:.1f} s, "
            f"{sum(added_stages.values()) / n:.2f} core-s per report ({fast / added:.1f}x faster than rendering again)"
        )

        county, township, year = chosen[0]
        gongkai(
            "render",
            township,
            str(year),
            "--county",
            county,
            "--data",
            str(data),
            "--out",
            str(root / "fresh"),
            "--no-pdf",
        )
        same = all(
            (root / "fresh" / str(y) / c / t / "report.html").read_bytes()
            == (root / "fast" / str(y) / c / t / "report.html").read_bytes()
            for c, t, y in chosen[:1]
        )
        print(f"fresh-kernel HTML == warm-kernel HTML ({township} {year}, rendered after others): {same}")

        if not args.skip_dask:
            dask_without_shared_files(data, root, root / "fast")
    for script, flag in (("preview.py", ["--saves", str(args.preview)]), ("national.py", args.national)):
        if flag and flag != ["--saves", "0"]:
            print(f"\n== benchmarks/{script} {' '.join(flag)}", flush=True)
            subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *flag], check=True, env=ENV)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def dask_without_shared_files(data: Path, root: Path, local: Path) -> None:
    """A Dask cluster (scheduler and 2 worker processes) rendering with the data folder moved away.

    Planned and checked here; each job carries its record files as bytes, and
    the data folder is renamed before any job runs, so no worker can read it
    by path. The products must equal the local run's byte for byte (HTML pages,
    checks); PDFs carry their print date, so they are compared by page count.
    """
    sys.path.insert(0, str(REPO / "src"))
    from distributed import LocalCluster

    from gongkai.batch import bulk
    from gongkai.batch.executors import DaskExecutor, pack
    from gongkai.records import catalog

    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    quiet = {"silence_logs": logging.CRITICAL, "dashboard_address": None}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, **quiet) as cluster:
        start = time.perf_counter()
        opts = bulk.Options(
            data,
            root / "dask",
            formats=frozenset({"html", "pdf"}),
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
        todo, _ = bulk.plan(list(catalog.entries(data)), opts)
        jobs = [pack(job) for job in bulk._jobs(todo, opts, {})]
        away = data.rename(root / "data-moved-away")
        try:
            executor = DaskExecutor(jobs=2, pdf=True, scheduler=cluster.scheduler_address)
            try:
                results = list(executor.run(jobs))
            finally:
                executor.close()
        finally:
            away.rename(data)
        seconds = time.perf_counter() - start
    identical = pages = 0
    for result in results:
        assert result.products is not None, result.error
        folder = local / result.job.key
        names = ("report.html", "report.review.html", "checks.json")
        identical += all(result.products.files[n] == (folder / n).read_bytes() for n in names)
        pages += page_count(result.products.files["report.pdf"]) == page_count((folder / "report.pdf").read_bytes())
    print(
        f"dask, 2 worker processes, data folder moved away after planning: {len(results)} reports in {seconds:.1f} s "
        f"(checks included, cluster start-up not); HTML, review page and checks byte-identical to the local run: "
        f"{identical}/{len(results)}; PDF page counts equal: {pages}/{len(results)}"
    )


if __name__ == "__main__":
    main()
