"""A national run without rendering it all: ~38,000 township-level records, one year.

    .venv/bin/python benchmarks/national.py [--townships 38000] [--counties 2900] [--slice 100] [--work DIR]

Generates the records (`python -m gongkai.synthetic bulk --counties`), then, at
a hundredth and a tenth of N and at N (memory must be flat in N):
- planning and fingerprinting every record (in-process, timed);
- the no-op rerun of `gongkai render --all` (target ≤ 5 s), with the products of
  a finished run stood in by placeholder files and a manifest marking them
  current — so it measures planning, the manifest and the index, not rendering;
- the manifest and the index written alone;
- `gongkai check --all` (in batches), directly and with --gx (great-expectations),
  in one process and in two (--jobs 2, which must print the same bytes), at N/100
  and N/10, projected to N from the two (--check-only: this alone);
each with the parent's peak memory (RSS sampled; the no-op also under
tracemalloc, in-process), and the bytes a record the no-op's peak grows by
from N/10 to N. Then renders a slice of --slice records (HTML and PDF) and
projects the full run on one machine and on K machines.
Run on a contended 2-core machine the absolute figures are noisy; the ratios
between sizes are what to read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
ENV = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(REPO / "src")}

DRIVER = r"""
import json, sys, time
from pathlib import Path
from gongkai.batch import bulk, fingerprint, manifest
from gongkai.batch.publish import write_index
from gongkai.pages.outcomes import RENDERED
from gongkai.records import catalog
data, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
cache = fingerprint.open_cache(out)
t = time.perf_counter()
entries = list(catalog.entries(data, memo=cache))
listed = time.perf_counter() - t
opts = bulk.Options(data, out, formats=frozenset({"html"}), progress=False)
t = time.perf_counter()
todo, kept = bulk.plan(entries, opts, cache)
planned = time.perf_counter() - t
result = {"records": len(entries), "list_s": listed, "plan_s": planned, "todo": len(todo)}
if mode == "seed":  # what a finished run leaves: products, build.json-free manifest, county summaries
    known = {}
    for entry, inputs in todo:
        folder = bulk.folder_for(out, entry)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.html").write_text("placeholder")
        known[bulk.key_of(entry)] = bulk._entry(
            entry, inputs, RENDERED, title=entry.township.name, passed=True, errors=0, warnings=0,
            synthetic=True, files=["report.html"], seconds=1.0)
        (out / str(entry.year) / entry.county.id / "summary.html").write_text("placeholder")
    cache.save()  # as a finished run leaves it: the inputs' hashes, not yet the products'
    t = time.perf_counter()
    manifest.write_manifest(out, known, {"seconds": 0})
    result["manifest_s"] = time.perf_counter() - t
    cache.remember(out / "manifest.json", known)  # as render_many does after writing the manifest
    cache.save()
    t = time.perf_counter()
    write_index(out, list(known.values()))
    result["index_s"] = time.perf_counter() - t
    result["index_bytes"] = (out / "index.html").stat().st_size
    result["manifest_bytes"] = (out / "manifest.json").stat().st_size
print(json.dumps(result))
"""

# The no-op in-process under tracemalloc: the parent's own Python allocations, exact (RSS is sampled).
TRACED = r"""
import json, sys, tracemalloc
tracemalloc.start()
from gongkai import cli
base = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
cli.main(["render", "--all", "--formats", "html", "--no-progress", "--data", sys.argv[1], "--out", sys.argv[2]])
print(json.dumps({"base_mib": base / 2**20, "peak_mib": tracemalloc.get_traced_memory()[1] / 2**20}))
"""


def measure(cmd: list[str], **kw: object) -> dict[str, float | str]:
    """Wall time, the parent's own CPU and peak RSS (sampled), the whole tree's peak RSS and CPU (workers included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as sink:  # not a pipe: `check --all` prints a line a record
        proc = subprocess.Popen(cmd, env=ENV, stdout=sink, stderr=subprocess.DEVNULL, text=True, **kw)  # type: ignore[call-overload]
        ps = psutil.Process(proc.pid)
        peak, tree, own = 0, 0, 0.0
        seen: dict[int, float] = {}  # each process's CPU when last sampled: those no one waits for too
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss
                times = ps.cpu_times()
                own = times.user + times.system
                children = 0
                for child in ps.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children += child.memory_info().rss
                        t = child.cpu_times()
                        seen[child.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                break
            peak, tree = max(peak, rss), max(tree, rss + children)
            time.sleep(0.05)
        sink.seek(0)
        out = sink.read()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and every process it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    sampled = own + sum(seen.values())
    return {
        "wall": wall,
        "cpu": cpu,
        "sampled_cpu": sampled,
        "parent_cpu": own,
        "peak_mib": peak / 2**20,
        "tree_mib": tree / 2**20,
        "out": out,
    }


def generate(data: Path, townships: int, counties: int) -> float:
    if data.exists():
        return 0.0
    start = time.perf_counter()
    subprocess.run(
        [
            PY,
            "-m",
            "gongkai.synthetic",
            "bulk",
            "--townships",
            str(townships),
            "--counties",
            str(counties),
            "--years",
            "2021",
            "--out",
            str(data),
        ],
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def scale(
    work: Path, townships: int, counties: int, check_all: bool = True, only_check: bool = False
) -> dict[str, object]:
    data = work / f"data-{townships}"
    out = work / f"out-{townships}"
    row: dict[str, object] = {"generate_s": generate(data, townships, counties)}
    if only_check:
        return row | check_all_rows(data)
    shutil.rmtree(out, ignore_errors=True)
    plan = measure([PY, "-c", DRIVER, str(data), str(out), "plan"])
    row |= {f"plan.{k}": v for k, v in json.loads(str(plan["out"])).items()} | {"plan.peak_mib": plan["peak_mib"]}
    seed = measure([PY, "-c", DRIVER, str(data), str(out), "seed"])
    row |= {f"seed.{k}": v for k, v in json.loads(str(seed["out"])).items()}
    rerun = [PY, "-m", "gongkai.cli", "render", "--all", "--formats", "html", "--no-progress"]
    # The first rerun after a run checks every product folder once (they were just
    # written: their stat is not trusted yet); the next ones only stat them.
    for name in ("noop1", "noop"):
        noop = measure([*rerun, "--data", str(data), "--out", str(out)])
        assert "没有任何变化" in str(noop["out"]), noop["out"]
        row |= {f"{name}.wall": noop["wall"], f"{name}.parent_cpu": noop["parent_cpu"]}
        row |= {f"{name}.peak_mib": noop["peak_mib"]}
    traced = measure([PY, "-c", TRACED, str(data), str(out)])
    row |= {f"traced.{k}": v for k, v in json.loads(str(traced["out"]).strip().splitlines()[-1]).items()}
    if not check_all:
        return row
    return row | check_all_rows(data)


def check_all_rows(data: Path) -> dict[str, object]:
    """`check --all`: the default (the suite files evaluated directly) and --gx (great-expectations itself, as
    render does), each in one process (--jobs 1) and in two (--jobs 2), which must print the same bytes."""
    row: dict[str, object] = {"check.records": sum(p.stem.isdigit() for p in data.glob("*/*/*.yaml"))}
    for name, extra in (("check", []), ("check-gx", ["--gx"])):
        printed = {}
        for jobs in ("1", "2"):
            check = measure([PY, "-m", "gongkai.cli", "check", "--all", "--data", str(data), "--jobs", jobs, *extra])
            key = name if jobs == "1" else f"{name}-j2"
            printed[jobs] = check["out"]
            row |= {
                f"{key}.wall": check["wall"],
                f"{key}.cpu": check["cpu"],
                f"{key}.peak_mib": check["peak_mib"],
                f"{key}.tree_mib": check["tree_mib"],
                f"{key}.summary": str(check["out"]).strip().splitlines()[-1],
            }
        assert printed["1"] == printed["2"], f"{name}: --jobs 2 printed other bytes than --jobs 1"
        row[f"{name}-j2.same_bytes"] = True
    return row


def render_slice(work: Path, townships: int, n: int) -> dict[str, float]:
    """The first counties of the national data, about n records, rendered HTML + PDF.

    Also the CPU of the whole process tree (parent, workers, kernels, browsers),
    sampled per process: a browser's processes are not all waited for by the
    run, so the children's rusage alone would miss some of them.
    """
    data, sliced, out = work / f"data-{townships}", work / "slice", work / "out-slice"
    shutil.rmtree(sliced, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    sliced.mkdir()
    count = 0
    for county in sorted(p for p in data.iterdir() if p.is_dir()):
        if count >= n:
            break
        (sliced / county.name).symlink_to(county)
        count += len(list(county.glob("*/*.yaml")))
    run = measure(
        [
            PY,
            "-m",
            "gongkai.cli",
            "render",
            "--all",
            "--no-progress",
            "--formats",
            "html,pdf",
            "--jobs",
            "2",
            "--data",
            str(sliced),
            "--out",
            str(out),
        ]
    )
    return {
        "records": count,
        "wall": run["wall"],
        "parent_cpu": run["parent_cpu"],
        "peak_mib": run["peak_mib"],
        "tree_cpu": max(run["cpu"], run["sampled_cpu"]),  # type: ignore[type-var]
    }


def report_check(checked: list[dict[str, object]], townships: int) -> None:
    """check --all at two sizes: memory, time projected to N, and two processes against one."""
    (n1, n2) = (row["check.records"] for row in checked)
    grow = checked[1]["check.peak_mib"] / checked[0]["check.peak_mib"]  # type: ignore[operator]
    print(f"check --all peak memory at N={n2} vs N={n1}: ×{grow:.2f}")
    for name in ("check", "check-j2", "check-gx", "check-gx-j2"):
        w1, w2 = (row[f"{name}.wall"] for row in checked)
        each = (w2 - w1) / (n2 - n1)  # type: ignore[operator]
        start = w1 - each * n1  # type: ignore[operator]
        minutes = (start + each * townships) / 60
        how = "great-expectations" if "gx" in name else "suite files evaluated directly"
        jobs = "2 processes" if name.endswith("j2") else "1 process"
        print(
            f"{name} --all: {w1:.1f} s for {n1}, {w2:.1f} s for {n2}; projected to N={townships}: "
            f"{minutes:.0f} min ({each * 1000:.1f} ms a record after {start:.1f} s to start, {how}, {jobs})"
        )
    for name in ("check", "check-gx"):
        for row in checked:
            one, two = row[f"{name}.wall"], row[f"{name}-j2.wall"]
            cpu1, cpu2 = row[f"{name}.cpu"], row[f"{name}-j2.cpu"]
            assert isinstance(one, float) and isinstance(two, float)
            assert isinstance(cpu1, float) and isinstance(cpu2, float)
            print(
                f"{name} --all at N={row['check.records']}: --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s: "
                f"×{one / two:.2f} faster (same bytes printed); CPU of all processes {cpu1:.0f} s and {cpu2:.0f} s "
                f"(×{cpu2 / cpu1:.2f}); peak memory: parent "
                f"{row[f'{name}-j2.peak_mib']:.0f} MiB, all processes {row[f'{name}-j2.tree_mib']:.0f} MiB "
                f"(one process: {row[f'{name}.peak_mib']:.0f} MiB)"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=38000)
    parser.add_argument("--counties", type=int, default=2900)
    parser.add_argument("--slice", type=int, default=100)
    parser.add_argument("--work", type=Path, default=None, help="keep generated data here between runs")
    parser.add_argument("--machines", type=int, default=10, help="K for the cluster projection")
    parser.add_argument("--check-only", action="store_true", help="only `check --all` (--jobs 1 and 2) at N/100, N/10")
    parser.add_argument("--slice-only", action="store_true", help="only the slice and its projection")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gongkai-national-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.slice_only:
        generate(work / f"data-{args.townships}", args.townships, args.counties)
        report_slice(work, args.townships, args.slice, args.machines)
        return
    # `check --all` costs tens of ms a record: measured at N/100 and N/10 (its memory must not grow past a
    # batch), projected to N from the two (a fixed start plus a cost a record); the rest at N itself.
    sizes = (args.townships // 100, args.townships // 10)
    checked = [scale(work, n, max(1, n * args.counties // args.townships), only_check=args.check_only) for n in sizes]
    if args.check_only:
        print(f"{'':<24} " + " ".join(f"{'N=' + str(n):<24}" for n in sizes))
        for name in checked[0]:
            print(f"{name:<24} {' '.join(f'{row.get(name, chr(45))!s:<24.24}' for row in checked)}")
        report_check(checked, args.townships)
        return
    tenth = checked[1]
    full = scale(work, args.townships, args.counties, check_all=False)
    columns = (*sizes, args.townships)
    print(f"{'':<20} " + " ".join(f"{'N=' + str(n):<24}" for n in columns))
    for name in checked[0]:
        cells = [f"{row.get(name, '-')!s:<24.24}" for row in (*checked, full)]
        print(f"{name:<20} {' '.join(cells)}")
    # What the parent holds a record: the peak's growth from N/10 to N, over the records added.
    added = args.townships - args.townships // 10
    for what, key in (("RSS, sampled", "noop.peak_mib"), ("tracemalloc", "traced.peak_mib")):
        small, large = tenth[key], full[key]
        per = (large - small) * 2**20 / added  # type: ignore[operator]
        print(
            f"no-op parent peak ({what}): {small:.1f} MiB at N={args.townships // 10}, {large:.1f} MiB at "
            f"N={args.townships}: {per:.0f} bytes a record"
        )
    for row, n in ((tenth, args.townships // 10), (full, args.townships)):
        print(f"no-op rerun at N={n}: {row['noop.wall']:.2f} s wall, {row['noop.parent_cpu']:.2f} s CPU (target ≤ 5 s)")
    report_check(checked, args.townships)
    if args.slice:
        report_slice(work, args.townships, args.slice, args.machines)


def report_slice(work: Path, townships: int, records: int, machines: int) -> None:
    """A slice rendered, and what it projects for the whole country on one machine and on several."""
    if records:
        s = render_slice(work, townships, records)
        per = s["wall"] / s["records"]
        parent = s["parent_cpu"] / s["records"]
        n = townships
        print(
            f"slice: {s['records']} records HTML+PDF in {s['wall']:.0f} s ({per:.2f} s each, 2 workers), "
            f"parent CPU {parent:.3f} s/record, peak {s['peak_mib']:.0f} MiB; all processes "
            f"{s['tree_cpu'] / s['records']:.2f} core-s a record, the run's start-up included"
        )
        print(f"projection, one such machine: {n * per / 3600:.1f} h for {n} records")
        print(f"projection, {machines} machines: {n * per / 3600 / machines:.1f} h if the parent keeps up; "
              f"the parent alone needs {n * parent / 3600:.2f} h of CPU (checks, publishing), "
              f"so it saturates at about {per / parent:.0f} machines")  # fmt: skip


if __name__ == "__main__":
    main()
