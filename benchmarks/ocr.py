"""Scanned reports through OCR: cells right, left blank and wrong against the text twin, and CPU per page.

Each report is printed by the project's Chromium printer (bundled records) or
taken as published (tests/fixtures/hongze-2023-published.pdf); its text import
is the truth. Scans are made as tests/scans.py makes them: 200 dpi grey, and
150 dpi grey with tilt, blur, JPEG and red seals over text and table. Every
scan is imported by `import_file` (PP-OCRv4 on onnxruntime), and, when
Debian's tesseract with chi_sim is installed, once more with tesseract
reading the same crops (the same detection, cells and rules), for comparison.

    .venv/bin/python benchmarks/ocr.py            # 3 printed records + the published PDF
    .venv/bin/python benchmarks/ocr.py --records 6

CPU seconds are this process's and its children's (tesseract), per page.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from gongkai.importers import import_file  # noqa: E402
from gongkai.importers import ocr as ocr_module  # noqa: E402
from gongkai.importers.ocr_engine import Reading, engine  # noqa: E402
from gongkai.records import catalog  # noqa: E402
from gongkai.records.record import load_record  # noqa: E402
from published import published_pdfs  # noqa: E402
from scans import scan  # noqa: E402

TABLES = ("table2", "table3", "table4")


class Tesseract:
    """Tesseract chi_sim reading the crops PP-OCR's detector and the cell finder cut (one call per page)."""

    def __init__(self) -> None:
        self.detector = engine()

    def lines(self, grey: Any) -> Any:
        return self.detector.lines(grey)

    def read(self, crops: list[Any]) -> list[Reading]:
        import cv2
        import numpy as np

        height, gap = 48, 32
        scaled = [cv2.resize(c, (max(1, round(c.shape[1] * height / c.shape[0])), height)) for c in crops]
        width = max((s.shape[1] for s in scaled), default=1) + 2 * gap
        sheet = np.full((len(scaled) * (height + gap) + gap, width), 255, dtype=np.uint8)
        for k, s in enumerate(scaled):
            top = gap + k * (height + gap)
            sheet[top : top + height, gap : gap + s.shape[1]] = s
        with tempfile.TemporaryDirectory() as tmp:
            cv2.imwrite(f"{tmp}/sheet.png", sheet)
            out = subprocess.run(
                ["tesseract", f"{tmp}/sheet.png", "-", "-l", "chi_sim", "--psm", "6", "tsv"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        found: dict[int, list[tuple[int, str, float]]] = {}
        for row in out.splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or not f[11].strip() or float(f[10]) < 0:
                continue
            left, top, h = int(f[6]), int(f[7]), int(f[9])
            k = (top + h // 2 - gap) // (height + gap)
            found.setdefault(k, []).append((left, f[11].strip(), float(f[10]) / 100))
        readings = []
        for k in range(len(crops)):
            words = sorted(found.get(k, []))
            text = "".join(w for _, w, _ in words)
            readings.append(Reading(text, min((c for *_, c in words), default=0.0)))
        return readings


def truth(pdf: Path) -> dict[tuple[str, str, str], Any]:
    data = import_file(pdf).data
    return {(t, r, c): v for t in TABLES for r, cols in data[t].items() for c, v in cols.items() if v is not None}


def measure(scan_pdf: Path, expected: dict[tuple[str, str, str], Any]) -> dict[str, float]:
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = import_file(scan_pdf)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = time.process_time() - cpu + (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
    got = {(t, r, c): v for t in TABLES for r, cols in result.data.get(t, {}).items() for c, v in cols.items()}
    right = sum(1 for k, v in expected.items() if got.get(k) == v)
    blank = sum(1 for k in expected if got.get(k) is None)
    wrong = [(k, got.get(k), v) for k, v in expected.items() if got.get(k) is not None and got.get(k) != v]
    for k, g, v in wrong:
        print(f"    错误：{k} 读作 {g}，应为 {v}")
    pages = int(
        subprocess.run(["pdfinfo", str(scan_pdf)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0]
    )
    return {
        "printed": len(expected),
        "right": right,
        "blank": blank,
        "wrong": len(wrong),
        "seconds": seconds,
        "pages": pages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=3, help="bundled records to print and scan (default 3)")
    args = parser.parse_args()
    entries = list(catalog.entries(REPO / "data"))
    step = max(1, len(entries) // max(1, args.records))
    records = [load_record(e.path) for e in entries[::step][: args.records]]
    engines: list[tuple[str, Any]] = [("PP-OCRv4", None)]
    if shutil.which("tesseract"):
        engines.append(("tesseract chi_sim", Tesseract()))
    else:
        print("（未安装 tesseract，只测 PP-OCRv4；apt-get install tesseract-ocr tesseract-ocr-chi-sim 后可对比）")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        twins = []
        for record, data in zip(records, published_pdfs(records), strict=True):
            path = folder / f"{record.path.parent.name if record.path else 'x'}-{record.year}.pdf"
            path.write_bytes(data)
            twins.append(path)
        twins.append(REPO / "tests" / "fixtures" / "hongze-2023-published.pdf")
        print(
            f"{len(twins)} 份报告（{len(records)} 份由附带记录打印，另加已发布的洪泽区 2023 年 PDF）；"
            "本机 2 核，与其他任务争用"
        )
        for dpi, noise in ((200, False), (150, True)):
            scans = [
                (scan(t, folder / f"{t.stem}-{dpi}.pdf", dpi, noise=noise, seed=k), truth(t))
                for k, t in enumerate(twins)
            ]
            for name, replacement in engines:
                original = ocr_module.engine
                if replacement is not None:
                    ocr_module.engine = lambda r=replacement: r  # type: ignore[assignment]
                engine()  # loaded once, outside the timing
                total = {"printed": 0, "right": 0, "blank": 0, "wrong": 0, "seconds": 0.0, "pages": 0}
                try:
                    for path, expected in scans:
                        figures = measure(path, expected)
                        for key in total:
                            total[key] += figures[key]
                finally:
                    ocr_module.engine = original
                label = f"{dpi} dpi{'，倾斜、模糊、JPEG、红章' if noise else ''}"
                print(
                    f"{label:<24} {name:<18} 印出 {total['printed']:>4} 格：读对 {total['right']:>4}"
                    f"（{100 * total['right'] / total['printed']:.1f}%），"
                    f"留空 {total['blank']:>3}，读错 {total['wrong']}；"
                    f"每页 {total['seconds'] / total['pages']:.2f} CPU 秒（{total['pages']} 页）"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
