"""Round trips for EVERY bundled record: record → Word → import, → our PDF → import, → LibreOffice PDF → import.

    .venv/bin/python benchmarks/roundtrip.py [--routes docx,pdf,lo] [--limit N]

A one-off measurement, not a test (the tests take a sample): each record is
written by the project's own writers (gongkai.production.word for .docx, the
Chromium printer for PDF; LibreOffice prints the .docx for the third route),
imported back, and compared cell by cell. Prints, per route, cells right /
cells in the records, figures right / figures present (cells that hold a
number), and the first few cells that came back wrong.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def compare(original: Any, path: Path, tally: Counter[str], wrong: list[str]) -> None:
    from gongkai.errors import GongkaiError
    from gongkai.importers import import_file

    cells = {k: plain(v) for k, v in original.cells.items()}
    tally["cells"] += len(cells)
    tally["figures"] += sum(v is not None for v in cells.values())
    try:
        data = import_file(path).data
    except GongkaiError as e:
        wrong.append(f"{path.name}: {e}")
        return
    tables = ("table2", "table3", "table4")
    back = {(t, r, c): v for t in tables for r, cols in data[t].items() for c, v in cols.items()}
    for key, want in cells.items():
        got = back.get(key)
        if got == want:
            tally["cells right"] += 1
            tally["figures right"] += want is not None
        elif len(wrong) < 12:
            wrong.append(f"{original.path.relative_to(REPO / 'data')} {'/'.join(key)}: {got!r} ≠ {want!r}")
    tally["body right"] += data.get("body") == original.body
    tally["year right"] += data.get("year") == original.year


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", default="docx,pdf,lo")
    parser.add_argument("--limit", type=int, default=0, help="only the first N records (0: all)")
    args = parser.parse_args()
    routes = args.routes.split(",")
    from gongkai.production.word import report_docx
    from gongkai.records.record import load_record

    paths = sorted(p for p in (REPO / "data").glob("*/*/*.yaml") if p.stem.isdigit())
    records = [load_record(p) for p in paths][: args.limit or None]
    results: dict[str, tuple[Counter[str], list[str], float]] = {}
    with tempfile.TemporaryDirectory(prefix="gongkai-roundtrip-") as name:
        tmp = Path(name)
        docs = []
        for k, record in enumerate(records):
            path = tmp / f"r{k:03d}.docx"
            path.write_bytes(report_docx(record))
            docs.append(path)
        if "docx" in routes:
            results["record → docx → import"] = run(records, docs)
        if "pdf" in routes:
            results["record → our PDF → import"] = run(records, our_pdfs(records, tmp))
        if "lo" in routes and shutil.which("soffice"):
            results["record → docx → LibreOffice PDF → import"] = run(records, libreoffice(docs, tmp / "lo"))
    print(f"{len(records)} bundled records")
    for route, (tally, wrong, took) in results.items():
        print(
            f"{route}: cells right {tally['cells right']}/{tally['cells']}, "
            f"figures right {tally['figures right']}/{tally['figures']}, "
            f"body {tally['body right']}/{len(records)}, year {tally['year right']}/{len(records)} "
            f"(import {took:.1f} s)"
        )
        for line in wrong:
            print(f"    {line}")


def run(records: list[Any], files: list[Path]) -> tuple[Counter[str], list[str], float]:
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    start = time.perf_counter()
    for record, path in zip(records, files, strict=True):
        compare(record, path, tally, wrong)
    return tally, wrong, time.perf_counter() - start


def our_pdfs(records: list[Any], tmp: Path) -> list[Path]:
    """The published parts (cover and parts 一–六) printed by the project's Chromium printer."""
    from gongkai.pages.report import Report
    from gongkai.production.render import Printer, stylesheet

    out = []
    with Printer() as printer:
        for k, record in enumerate(records):
            report = Report(record)
            body = report.cover().html + "".join(report.part(n) for n in range(1, 7))
            html = (
                f"<!doctype html><html><head><meta charset='utf-8'><style>{stylesheet()}</style></head>"
                f"<body>{body}</body></html>"
            )
            path = tmp / f"r{k:03d}.pdf"
            path.write_bytes(printer.pdf(html, header=record.title))
            out.append(path)
    return out


def libreoffice(docs: list[Path], out: Path) -> list[Path]:
    """All the .docx files printed by one LibreOffice run."""
    out.mkdir()
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, docs)],
        check=True, capture_output=True, timeout=1800,
    )  # fmt: skip
    return [out / f"{d.stem}.pdf" for d in docs]


if __name__ == "__main__":
    main()
