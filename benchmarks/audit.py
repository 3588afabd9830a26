"""Audit: ~300 published reports of every kind through `gongkai audit`, every planted defect found, files/s;
and the audit page at 2,000 rows, sort and filter in headless Chromium.

    .venv/bin/python benchmarks/audit.py [--copies 5] [--baseline 40] [--rows 200 2000]

Writes the corpus (tests/published.py): the bundled consistent records, 5 copies, as web pages, Word files,
the project's PDF and copied text in turn, every third with a planted defect (each defect in every kind), and
three files that are not reports; then, once a copy each, the document's own defects: a scraped page whose digits
run together past a unique cut, a report signed after its deadline, parts 一 and 五 repeated from last year,
part 六 printed before part 五, a PDF of page images. Every report is signed (落款) on time. Then, in the same run:
  - the loop a user would write (import one file, check it, next: one validation per file) on the first
    --baseline files: the baseline;
  - `gongkai audit` (the real command line, in a subprocess) with --jobs 1 and --jobs 2: files/s, and the ratio
    against the loop; it fails (exit 1) unless every planted defect is found and nothing else is;
  - output/audit/index.html built from the audit's rows repeated to each --rows size, opened in headless
    Chromium: median time of a sort click and of a filter keystroke (handler + style + layout, measured in the
    page with performance.now(), as benchmarks/index.py does), and the ratio between the sizes.
On a shared machine the figures are noisy, the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from gongkai.checks import check  # noqa: E402
from gongkai.interfaces import audit  # noqa: E402
from gongkai.records import catalog  # noqa: E402
from gongkai.records.record import load_record  # noqa: E402
from gongkai.synthetic import BROKEN, REAL  # noqa: E402
from published import write_corpus  # noqa: E402

SORT = """async () => {
  const th = document.querySelector('#reports th[data-sort="findings"]');
  const t0 = performance.now(); th.click(); document.body.offsetHeight; return performance.now() - t0;
}"""
TYPE = """async (ch) => {
  const f = document.getElementById('filter');
  const t0 = performance.now(); f.value += ch; f.dispatchEvent(new Event('input')); document.body.offsetHeight;
  return performance.now() - t0;
}"""


def loop(paths: list[Path]) -> int:
    """What a user would script: import a file, check it, move on."""
    found = 0
    for path in paths:
        row = audit.import_one(path)
        if row.status == audit.REPORT and row.format and row.year:
            found += len(check(audit._record(row)).warnings)
    return found


def run_cli(folder: Path, out: Path, jobs: int) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "gongkai.cli", "audit", str(folder), "--out", str(out), "--jobs", str(jobs)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - start
    result = out / "audit" / "audit.json"
    if done.returncode not in (0, 1) or not result.is_file():  # 1: some report has an error, as planted
        raise SystemExit(f"gongkai audit 失败（退出码 {done.returncode}）：{done.stderr}")
    return took, json.loads((out / "audit" / "audit.json").read_text(encoding="utf-8"))


def verify(data: dict[str, Any], expected: dict[str, set[str]]) -> list[str]:
    """Every planted defect found, nothing else; the non-reports listed as such."""
    wrong = []
    for row in data["rows"]:
        name = Path(row["file"]).name
        if name not in expected:
            if row["status"] == audit.REPORT:
                wrong.append(f"{name}：不是报告，却被当作报告")
            continue
        got = {f["rule"] for f in row["findings"]}
        status = audit.IMAGE if expected[name] == {"W12"} else audit.REPORT
        if row["status"] != status or got != expected[name]:
            wrong.append(f"{name}：应为 {sorted(expected[name])}，实为 {row['status']} {sorted(got)}")
    return wrong


def page(rows: list[audit.Row], n: int, path: Path) -> None:
    from gongkai.pages.audit import audit_html

    many = [replace(r, file=f"{k // len(rows):03d}/{r.file}") for k, r in zip(range(n), _cycle(rows), strict=False)]
    path.write_text(audit_html(many, audit.tally(many), audit.tally(many, settled=True)), encoding="utf-8")


def _cycle(rows: list[audit.Row]) -> Any:
    while True:
        yield from rows


def measure(browser: Any, path: Path, runs: int = 7) -> dict[str, float]:
    page_ = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page_.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page_.goto(path.as_uri(), wait_until="load")
    page_.wait_for_selector("#reports tbody tr")
    load = time.perf_counter() - start
    sorts = [page_.evaluate(SORT) for _ in range(runs)]
    keys = []
    for word in ("w1", "龙塘镇"):  # typed one character at a time, then cleared
        page_.fill("#filter", "")
        keys += [page_.evaluate(TYPE, ch) for ch in word]
    page_.close()
    if errors:
        raise SystemExit(f"页面脚本出错：{errors[0]}")
    return {"load": load * 1000, "sort": statistics.median(sorts), "key": statistics.median(keys)}


def browse(rows: list[audit.Row], sizes: list[int], folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from gongkai.production.render import chromium_path

    flags = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-sandbox"]
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=flags)
        print(f"{'rows':>6} {'bytes':>11} {'load ms':>8} {'sort ms':>8} {'key ms':>7}")
        for n in sizes:
            path = folder / f"audit-{n}.html"
            page(rows, n, path)
            found[n] = m = measure(browser, path)
            print(f"{n:>6} {path.stat().st_size:>11,} {m['load']:>8.0f} {m['sort']:>8.1f} {m['key']:>7.1f}")
        browser.close()
    small, large = found[min(sizes)], found[max(sizes)]
    print(
        f"{max(sizes)} 行与 {min(sizes)} 行之比：排序 {large['sort'] / small['sort']:.1f} 倍，"
        f"筛选 {large['key'] / small['key']:.1f} 倍（目标：2,000 行时每次 100 ms 以内）"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--baseline", type=int, default=40)
    parser.add_argument("--rows", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args()
    records = [
        load_record(e.path)
        for e in catalog.entries(REPO / "data")
        if (e.township.id, e.year) not in BROKEN and (e.township.id, e.year) not in REAL
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "published"
        start = time.perf_counter()
        expected = write_corpus(records, folder, copies=args.copies)
        paths = audit.files_in([folder])
        kinds = Counter(p.suffix[1:] for p in paths)
        planted = Counter(rule for rules in expected.values() for rule in rules)
        made = time.perf_counter() - start
        print(f"语料：{len(paths)} 个文件 {dict(kinds)}，生成用时 {made:.0f} 秒")
        print(f"有意出错 {sum(planted.values())} 个：{dict(sorted(planted.items()))}")
        check(records[0])  # great-expectations imported once for the loop
        start = time.perf_counter()
        loop(paths[: args.baseline])
        base = args.baseline / (time.perf_counter() - start)
        print(f"逐份导入并校验（前 {args.baseline} 个文件）：{base:.2f} 个/秒")
        wrong: list[str] = []
        rows: list[audit.Row] = []
        for jobs in (1, 2):
            took, data = run_cli(folder, Path(tmp) / f"out{jobs}", jobs)
            wrong += verify(data, expected)
            rate = len(data["rows"]) / took
            print(
                f"gongkai audit --jobs {jobs}：{len(data['rows'])} 个文件，{took:.0f} 秒，{rate:.2f} 个/秒，"
                f"为逐份的 {rate / base:.1f} 倍（含命令启动和 great-expectations 导入）"
            )
            if jobs == 2:
                fields = set(audit.Row.__dataclass_fields__) - {"data"}
                rows = [audit.Row(**{k: v for k, v in r.items() if k in fields}) for r in data["rows"]]
        if wrong:
            print("与预期不符：\n" + "\n".join(sorted(set(wrong))))
            return 1
        print(f"每个有意放入的问题都找到了，别无其他发现（{sum(planted.values())} 个）")
        browse(rows, args.rows, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
