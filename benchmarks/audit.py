"""Audit speed: files per second for `gongkai audit` against checking file by file, in one run.

    .venv/bin/python benchmarks/audit.py [--copies 5] [--baseline 40]

Writes ~300 published reports (the bundled consistent records rendered to
HTML, every third with a planted defect, tests/published.py) and three
non-reports, then times: the loop a user would write (import one file, check
it, next: one validation per file), on the first --baseline files; the audit
in one process; the audit on a 2-process pool (the default). Prints files/s
and the ratios against the loop; on a shared machine the figures are noisy,
the ratios less so.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from gongkai.build import audit  # noqa: E402
from gongkai.checks import check  # noqa: E402
from gongkai.records import catalog  # noqa: E402
from gongkai.records.record import load_record  # noqa: E402
from gongkai.synthetic import BROKEN, REAL  # noqa: E402
from published import write_corpus  # noqa: E402


def loop(paths: list[Path]) -> int:
    """What a user would script: import a file, check it, move on."""
    found = 0
    for path in paths:
        row = audit.import_one(path)
        if row.status == audit.REPORT and row.format and row.year:
            found += len(check(audit._record(row)).warnings)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--baseline", type=int, default=40)
    args = parser.parse_args()
    records = [
        load_record(e.path)
        for e in catalog.entries(REPO / "data")
        if (e.township.id, e.year) not in BROKEN and (e.township.id, e.year) not in REAL
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "published"
        expected = write_corpus(records, folder, copies=args.copies)
        paths = audit.files_in([folder])
        check(records[0])  # great-expectations imported once, for every mode alike
        start = time.perf_counter()
        loop(paths[: args.baseline])
        base = args.baseline / (time.perf_counter() - start)
        print(f"逐份导入并校验（前 {args.baseline} 个文件）：{base:.1f} 个/秒")
        for jobs in (1, 2):
            start = time.perf_counter()
            rows = audit.audit([folder], jobs=jobs)
            rate = len(rows) / (time.perf_counter() - start)
            planted = sum(1 for name, rules in expected.items() if rules)
            print(
                f"gongkai audit --jobs {jobs}：{len(rows)} 个文件（{planted} 个有意出错），{rate:.1f} 个/秒，"
                f"为逐份的 {rate / base:.1f} 倍"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
