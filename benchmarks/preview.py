"""Preview latency: from saving a record to the new page being served, over N saves.

    .venv/bin/python benchmarks/preview.py [--saves 20]

Starts `gongkai preview` on a private copy of the bundled data, then saves the
record N times (alternately a changed sentence and a changed figure that fails
R2, so the checks' banner and red cells change too). Each latency runs from the
write to the page with the change fetched over HTTP. Between saves it waits for
great-expectations to confirm the page, as an analyst's next save would come
seconds later. Prints median and max (target: at most 1.5 s), and the cold
`gongkai render --no-pdf` of the same record measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GONGKAI = [sys.executable, "-m", "gongkai.cli"]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongkai-preview-bench-"))
    data = work / "data"
    shutil.copytree(REPO / "data", data)
    record = data / "minquan" / "hujixiang" / "2022.yaml"
    original = record.read_text(encoding="utf-8")

    start = time.perf_counter()
    cold = subprocess.run(
        [*GONGKAI, "render", "胡集乡", "2022", "--no-pdf", "--data", str(data), "--out", str(work / "o")]
    )
    cold_s = time.perf_counter() - start
    assert cold.returncode == 0

    start = time.perf_counter()
    proc = subprocess.Popen(
        [*GONGKAI, "preview", "胡集乡", "2022", "--data", str(data), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", proc.stdout.readline())
        assert found, "preview did not start"
        url = found.group(1)
        startup = time.perf_counter() - start
        latencies = []
        for n in range(args.saves):
            state = json.loads(get(url + "version"))
            while not state["confirmed"]:
                time.sleep(0.1)
                state = json.loads(get(url + "version"))
            marker = f"基准测试第{n}次保存"
            text = original.replace("overview: |\n", f"overview: |\n    {marker}。\n", 1)
            if n % 2:  # a figure that breaks R2: the banner and red cells must follow
                text = text.replace("other_org: 0, total: 0}", f"other_org: 0, total: {n}}}", 1)
            t0 = time.perf_counter()
            record.write_text(text, encoding="utf-8")
            while True:
                new = json.loads(get(f"{url}version?since={state['version']}"))
                if new["version"] != state["version"]:
                    break
            page = get(url).decode()
            latencies.append(time.perf_counter() - t0)
            assert marker in page, "the served page lacks the save"
            assert ("未通过校验" in page) == bool(n % 2), "the checks' banner did not follow the save"
        print(f"preview start-up (GX import, kernel, first render): {startup:.1f} s")
        print(f"cold `gongkai render --no-pdf` of the same record: {cold_s:.1f} s")
        print(
            f"save → new page over {len(latencies)} saves: median {statistics.median(latencies):.2f} s, "
            f"max {max(latencies):.2f} s, min {min(latencies):.2f} s (target ≤ 1.5 s); "
            f"{cold_s / statistics.median(latencies):.1f}× faster than a cold render"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
