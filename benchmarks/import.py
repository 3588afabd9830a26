"""Import speed: a folder of generated PDFs and Word files, against the libraries' own floor, in one run.

    .venv/bin/python benchmarks/import.py [--n 200] [--rows 2000]

Writes --n files (half PDF printed by our Chromium printer from bundled
records, half .docx written with python-docx as the round-trip tests write
them), imports the folder with `gongkai import --out-dir`'s code, and prints
files per second. The baseline, measured on the same files in the same run,
is what the libraries alone cost: pdfplumber's words and ruled tables for each
PDF, python-docx opening each Word file and reading its tables. Targets: one
5-page PDF in at most 1.5 s; the ratio to the floor near 1. Then HTML
linearity: a table of --rows rows and one four times longer (ratio near 4,
not 16).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Type 3 font warnings from Chromium PDFs
sys.path.insert(0, str(REPO / "tests"))  # the Word writer of the round-trip tests


def generate(folder: Path, n: int) -> tuple[list[Path], list[Path]]:
    from gongkai.records.record import load_record
    from test_import_roundtrip import RECORDS, our_pdf_many, write_docx

    records = [load_record(p) for p in RECORDS]
    pdfs, docs = [], []
    half = n // 2
    pdf_records = [records[k % len(records)] for k in range(half)]
    pdfs += our_pdf_many(pdf_records, folder, "r")
    for k in range(n - half):
        path = folder / f"w{k:03d}.docx"
        write_docx(records[k % len(records)], path)
        docs.append(path)
    return pdfs, docs


def floor(pdfs: list[Path], docs: list[Path]) -> float:
    """What the libraries alone take for the same files."""
    import docx
    import pdfplumber

    start = time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.find_tables()
    for path in docs:
        document = docx.Document(str(path))
        for table in document.tables:
            for row in table.rows:
                [c.text for c in row.cells]
    return time.perf_counter() - start


def ours(folder: Path, out: Path) -> tuple[float, dict[str, int]]:
    from collections import Counter

    from gongkai.importers import Overrides
    from gongkai.importers.batch import import_many

    start = time.perf_counter()
    outcomes = import_many([folder], out, Overrides(), force=True)
    return time.perf_counter() - start, dict(Counter(o.status for o in outcomes))


def html_linearity(rows: int) -> tuple[float, float]:
    from gongkai.importers import import_file

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (rows, 4 * rows):
            body = "".join(f"<tr><td>行{i}</td><td>{i}</td><td>0</td></tr>" for i in range(n))
            page = Path(tmp) / f"t{n}.html"
            page.write_text(
                "<html><body><h1>胡集乡人民政府2021年政府信息公开工作年度报告</h1>"
                f"<h2>二、主动公开政府信息情况</h2><table>{body}</table></body></html>",
                encoding="utf-8",
            )
            start = time.perf_counter()
            import_file(page)
            times.append(time.perf_counter() - start)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-import-bench-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        start = time.perf_counter()
        pdfs, docs = generate(folder, args.n)
        print(f"generated {len(pdfs)} PDF + {len(docs)} DOCX in {time.perf_counter() - start:.1f} s")
        base = floor(pdfs, docs)
        took, counts = ours(folder, Path(tmp) / "out")
        files = len(pdfs) + len(docs)
        print(f"libraries alone: {files / base:.2f} files/s ({base:.1f} s)")
        print(f"gongkai import:  {files / took:.2f} files/s ({took:.1f} s), outcomes {counts}")
        print(f"ratio gongkai / libraries alone: {took / base:.2f}x the time")
    one_base, one = five_pages()
    print(
        f"the real 5-page PDF: {one:.2f} s (libraries alone {one_base:.2f} s, "
        f"ratio {one / one_base:.2f}; target ≤ 1.5 s)"
    )
    small, large = html_linearity(args.rows)
    print(
        f"HTML table {args.rows} rows {small:.2f} s, {4 * args.rows} rows {large:.2f} s: "
        f"ratio {large / small:.1f} (linear: ~4)"
    )


def five_pages() -> tuple[float, float]:
    """tests/fixtures/hongze-2023-published.pdf: the libraries' floor and our import, best of three each."""
    from gongkai.importers import import_file

    pdf = REPO / "tests" / "fixtures" / "hongze-2023-published.pdf"
    base = min(floor_one(pdf) for _ in range(3))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        import_file(pdf)
        best = min(best, time.perf_counter() - start)
    return base, best


def floor_one(pdf: Path) -> float:
    return floor([pdf], [])


if __name__ == "__main__":
    main()
