"""Every shell command in README.md's ```sh blocks works as written, in a private copy of the data.

The commands run in README order in one sandbox (a copy of data/ and params/), so each sees what the
earlier ones made, as a reader following the README would. `.venv/bin/gongkai` and `.venv/bin/python`
are this test's interpreter (the same venv `make` builds). What the reader supplies is made here:
the files to import and audit (the seed's published text, the Hongze PDF from tests/fixtures, and the
report.html / report.docx the README's own render commands just wrote), a filled-in workbook.

Not run, each for a stated reason (EXCLUDED), and nothing else:
- `make …`: installs Debian packages and the venv, or runs this very suite;
- `render … --scheduler tcp://HOST:8786`: needs a Dask cluster already running at HOST;
- `.venv/bin/pip install '.[ocr]'`: installs an extra from the network into the venv running this suite.
Changed, with the reason said:
- `preview` serves until Ctrl-C: it is started, must say where it serves, and stopped with SIGINT
  (exit 0); it gets `--port 0`, since port 8000 may be taken on a shared machine;
- `/tmp/bulk` becomes a folder of the sandbox (tests never write outside their own temporary folder).
Each import example writes a record the bundled data already has (an office imports what it has not
got yet, and an existing record is never overwritten), so each import runs in a fresh copy of the data
without the record it writes.
"""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import scans
from conftest import DATA, HONGZE_PDF, REPO, SEED_TEXT
from gongkai.records.record import load_record
from gongkai.workbook import write_workbook

README = REPO / "README.md"
EXCLUDED = {
    "make ": "installs the machine (apt, venv) or runs this whole suite",
    "--scheduler": "needs a running Dask cluster at tcp://HOST:8786",
    ".venv/bin/pip install": "installs an optional extra from the network into the venv this suite runs in",
}
# Documented exit codes other than 0: 1 when a report fails its checks (the bundled data holds three broken
# records on purpose), when an import leaves cells to fill in, or when an audit finds an error.
EXIT_ONE = (r" render --all", r" render --params", r" check --all", r" audit ", r" import ")
PROGRAMS = {".venv/bin/gongkai": [sys.executable, "-m", "gongkai.cli"], ".venv/bin/python": [sys.executable]}


def readme_commands() -> list[str]:
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def argv(line: str, sandbox: Path) -> list[str]:
    words = shlex.split(line, comments=True)
    words = [str(sandbox / "bulk") if w == "/tmp/bulk" else w for w in words]
    return [*PROGRAMS[words[0]], *words[1:]]


def run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv(line, cwd), cwd=cwd, capture_output=True, text=True, timeout=900, check=False)


def sandbox_at(root: Path, without: tuple[str, ...] = ()) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(DATA, root / "data")
    shutil.copytree(REPO / "params", root / "params")
    for name in without:
        (root / name).unlink()
    return root


def records(root: Path) -> dict[Path, int]:
    """Each record and when it was written: an import written back unchanged (a round trip) still counts."""
    return {p: p.stat().st_mtime_ns for p in (root / "data").rglob("*.yaml")}


def allowed(line: str) -> set[int]:
    return {0, 1} if any(re.search(p, line) for p in EXIT_ONE) else {0}


def filled_workbook(path: Path) -> None:
    """The workbook an office filled in: the bundled 胡集乡 2022 figures and text, as `gongkai template` lays them."""
    write_workbook(path, load_record(DATA / "minquan" / "hujixiang" / "2022.yaml"), force=True)


def test_every_readme_command_works_as_written(tmp_path: Path):
    commands = readme_commands()
    assert len(commands) >= 25, commands  # the README's blocks were found
    skipped = [c for c in commands if any(k in c for k in EXCLUDED)]
    assert skipped and all(any(k in c for k in EXCLUDED) for c in skipped)
    imports = [c for c in commands if " import " in c]
    main = [c for c in commands if c not in skipped and c not in imports]

    box = sandbox_at(tmp_path / "box")
    (box / "下载的报告").mkdir()
    shutil.copy(SEED_TEXT, box / "下载的报告" / "胡集乡2021.txt")
    shutil.copy(HONGZE_PDF, box / "下载的报告" / "洪泽区2023.pdf")
    failures = []
    for line in main:
        if " preview " in line:
            failures += preview(line, box)
            continue
        if " audit " in line:
            (box / "另一个文件夹").mkdir(exist_ok=True)
            shutil.copy(box / "output/2021/minquan/hujixiang/report.html", box / "另一个文件夹" / "胡集乡2021.html")
        done = run(line, box)
        if done.returncode not in allowed(line) or "Traceback" in done.stderr:
            failures.append(f"{line}\n  → exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}")
        elif re.search(r"执行出错\s+[1-9]", done.stdout):
            failures.append(f"{line}\n  → a report crashed:\n{done.stdout[-600:]}")

    supplied = {  # what the reader has at hand for each import example
        "胡集乡2021.txt": SEED_TEXT,
        "报告页面.html": box / "output/2021/minquan/hujixiang/report.html",
        "洪泽区2023.pdf": HONGZE_PDF,
        "报告.docx": box / "output/2021/minquan/hujixiang/report.docx",
    }
    for n, line in enumerate(imports):
        written = ("data/minquan/hujixiang/2021.yaml", "data/minquan/hujixiang/2022.yaml")
        here = sandbox_at(tmp_path / f"import{n}", without=written)
        for name, source in supplied.items():
            if name in line:
                shutil.copy(source, here / name)
        for word in shlex.split(line, comments=True):  # a workbook an earlier README command wrote (template)
            if word.endswith(".xlsx") and (box / word).is_file():
                shutil.copy(box / word, here / word)
        if "胡集乡2022.xlsx" in line:
            filled_workbook(here / "胡集乡2022.xlsx")
        if "盖章扫描件.pdf" in line:  # a scan of a report as an office stamps and scans it (tests/scans.py)
            scans.scan(box / "output/2021/minquan/hujixiang/report.pdf", here / "盖章扫描件.pdf", dpi=200)
        if "第3页.png" in line:  # one page photographed or scanned to an image
            scans.page_images(HONGZE_PDF, 200, 3, 3)[0].save(here / "第3页.png")
        if "下载的报告/" in line:
            shutil.copytree(box / "下载的报告", here / "下载的报告")
        before = records(here)
        done = run(line, here)
        if done.returncode not in allowed(line) or "Traceback" in done.stderr:
            failures.append(f"{line}\n  → exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}")
        elif records(here) == before:
            failures.append(f"{line}\n  → wrote no record")
    assert not failures, "README commands that do not work as written:\n" + "\n".join(failures)


def preview(line: str, cwd: Path) -> list[str]:
    """Start the server as written (on a free port), see it serve, stop it as the README says (Ctrl-C)."""
    proc = subprocess.Popen(
        [*argv(line, cwd), "--port", "0"], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if "http://127.0.0.1:" not in first:
            proc.kill()
            return [f"{line}\n  → did not serve: {first!r} {proc.communicate()[1][-600:]}"]
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        return [] if code == 0 else [f"{line}\n  → exit {code} after Ctrl-C"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
