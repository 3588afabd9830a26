"""Import speed, against the PDF and Word libraries' own floor measured in the same run.

    .venv/bin/python benchmarks/import.py [--n 200] [--rows 2000] [--skip-folder] [--fresh]

1. The real 5-page PDF (tests/fixtures/hongze-2023-published.pdf): `gongkai import`
   as a whole process (bytecode cached, as an installed package runs) and the
   library call alone, each best of three, in wall and CPU seconds, against
   what pdfplumber alone takes for the same file (words and ruled tables).
   Target: ≤ 1.5 s. The machine is shared, so CPU seconds are the steadier figure.
2. A folder of --n files (half PDF printed from bundled records by the project's
   own Chromium printer, half .docx written by gongkai.production.word), imported with
   `gongkai import --out-dir`'s code: files per second, and the same libraries'
   floor. The corpus is generated once and cached under the temp dir.
3. HTML linearity: a table of --rows rows and one four times longer (ratio near 4).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PDF = REPO / "tests" / "fixtures" / "hongze-2023-published.pdf"
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Type 3 font warnings from Chromium PDFs


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(runs: int, work: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    results = [work() for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results)


# --- the libraries' floor ---------------------------------------------------------------


def pdf_floor(path: Path) -> None:
    """What any PDF importer on pdfplumber pays: every page's words and ruled tables."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.find_tables()


def docx_floor(path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        _ = paragraph.text
    for table in document.tables:
        for row in table.rows:
            _ = [c.text for c in row.cells]


# --- 1. one real PDF ----------------------------------------------------------------------


def whole_process(out: Path) -> tuple[float, float]:
    """`gongkai import file.pdf -o out.yaml` as a user runs it: (wall, CPU of the child)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONPYCACHEPREFIX": str(out.parent / "pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "import", str(PDF), "-o", str(out), "--force"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"gongkai import failed ({done.returncode}): {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def one_pdf(tmp: Path) -> None:
    from gongkai.importers import import_file

    out = tmp / "one" / "hongze.yaml"
    out.parent.mkdir()
    whole_process(out)  # writes the bytecode cache, as installing does
    process = best(3, lambda: whole_process(out))
    import_file(PDF)  # warm: imports and pdfminer's CMaps
    call = best(3, lambda: timed(lambda: import_file(PDF)))
    floor = best(3, lambda: timed(lambda: pdf_floor(PDF)))
    print(f"{PDF.name} (5 pages), best of 3, wall / CPU seconds:")
    print(f"  pdfplumber alone (words + ruled tables): {floor[0]:.2f} / {floor[1]:.2f}")
    print(f"  import_file():                           {call[0]:.2f} / {call[1]:.2f}  (ratio {call[1] / floor[1]:.2f})")
    print(f"  `gongkai import` whole process:          {process[0]:.2f} / {process[1]:.2f}  (target ≤ 1.5 s)")


# --- 2. a folder of generated files -------------------------------------------------------


def corpus(n: int, fresh: bool) -> Path:
    """--n files from the bundled records, made once and kept under the temp dir."""
    folder = Path(tempfile.gettempdir()) / f"gongkai-import-corpus-{n}"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if folder.is_dir() and len(list(folder.iterdir())) == n:
        return folder
    from gongkai.pages.report import Report
    from gongkai.production.render import Printer, stylesheet
    from gongkai.production.word import report_docx
    from gongkai.records.record import load_record

    data = REPO / "data"
    records = [load_record(p) for p in sorted(data.glob("*/*/*.yaml")) if p.stem.isdigit()]
    work = folder.with_name(folder.name + ".part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    half = n // 2
    start = time.perf_counter()
    with Printer() as printer:
        for k in range(half):
            record = records[k % len(records)]
            report = Report(record)
            body = report.cover().html + "".join(report.part(p) for p in range(1, 7))
            html = (
                f"<!doctype html><html><head><meta charset='utf-8'><style>{stylesheet()}</style></head>"
                f"<body>{body}</body></html>"
            )
            (work / f"p{k:03d}.pdf").write_bytes(printer.pdf(html, header=record.title))
    for k in range(n - half):
        (work / f"w{k:03d}.docx").write_bytes(report_docx(records[k % len(records)]))
    work.rename(folder)
    print(f"generated {half} PDF + {n - half} DOCX in {time.perf_counter() - start:.1f} s under {folder}")
    return folder


def folder_run(n: int, fresh: bool, tmp: Path) -> None:
    from collections import Counter

    from gongkai.importers import Overrides, import_file
    from gongkai.importers.batch import import_many

    folder = corpus(n, fresh)
    files = sorted(folder.iterdir())
    pdfs = [p for p in files if p.suffix == ".pdf"]
    docs = [p for p in files if p.suffix == ".docx"]

    def floor() -> None:
        for p in pdfs:
            pdf_floor(p)
        for p in docs:
            docx_floor(p)

    outcomes: list[object] = []

    def ours() -> None:
        outcomes[:] = import_many([folder], tmp / "out", Overrides(), force=True)

    base = timed(floor)
    took = timed(ours)
    counts = Counter(getattr(o, "status", "?") for o in outcomes)
    print(f"folder of {len(pdfs)} PDF + {len(docs)} DOCX, wall / CPU seconds:")
    print(f"  libraries alone: {base[0]:.1f} / {base[1]:.1f}  ({len(files) / base[0]:.2f} files/s wall)")
    print(f"  gongkai import:  {took[0]:.1f} / {took[1]:.1f}  ({len(files) / took[0]:.2f} files/s wall, "
          f"{len(files) / took[1]:.2f} per CPU-second)")  # fmt: skip
    print(f"  ratio gongkai / libraries: {took[1] / base[1]:.2f} (CPU), {took[0] / base[0]:.2f} (wall)")
    print(f"  outcomes: {dict(counts)}")
    for kind, sample, floor_one in (("PDF", pdfs[:10], pdf_floor), ("DOCX", docs[:10], docx_floor)):
        if not sample:
            continue
        lib = [timed(lambda p=p, f=floor_one: f(p))[1] for p in sample]
        own = [timed(lambda p=p: import_file(p))[1] for p in sample]
        print(f"  per {kind} file (first {len(sample)}, CPU): gongkai {sum(own) / len(own):.3f} s, "
              f"libraries {sum(lib) / len(lib):.3f} s, ratio {sum(own) / sum(lib):.2f}")  # fmt: skip


# --- 3. HTML linearity --------------------------------------------------------------------


def html_linearity(rows: int, tmp: Path) -> None:
    from gongkai.importers import import_file

    times = []
    for n in (rows, 4 * rows):
        body = "".join(f"<tr><td>行{i}</td><td>{i}</td><td>0</td></tr>" for i in range(n))
        page = tmp / f"t{n}.html"
        page.write_text(
            "<html><body><h1>胡集乡人民政府2021年政府信息公开工作年度报告</h1>"
            f"<h2>二、主动公开政府信息情况</h2><table>{body}</table></body></html>",
            encoding="utf-8",
        )
        times.append(timed(lambda page=page: import_file(page))[1])
    print(f"HTML table {rows} rows {times[0]:.2f} s CPU, {4 * rows} rows {times[1]:.2f} s: "
          f"ratio {times[1] / times[0]:.1f} (linear: ~4)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--skip-folder", action="store_true", help="only the one PDF and HTML linearity")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached corpus")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall figures are noisy when shared)")
    with tempfile.TemporaryDirectory(prefix="gongkai-import-bench-") as name:
        tmp = Path(name)
        one_pdf(tmp)
        if not args.skip_folder:
            folder_run(args.n, args.fresh, tmp)
        html_linearity(args.rows, tmp)


if __name__ == "__main__":
    main()
