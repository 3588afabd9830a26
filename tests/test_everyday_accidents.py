"""What an office's shared folder does to a batch: a product open in Word, lock files beside documents.

Through the real command line; the open document is simulated with `chattr +i` (root, ext4),
which makes the file impossible to replace exactly as a share's lock does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import OPTIONAL, SEED_TEXT, gongkai
from test_bulk import bulk, small_county

TOWNSHIPS = ("hujixiang", "renhezhen", "shunhexiang")  # shunhexiang 2021 fails R3 on purpose


def _immutable(path: Path, on: bool) -> None:
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, check=False)
    if on and done.returncode != 0:
        pytest.skip(f"{OPTIONAL} chattr +i (root, on a file system with attributes): {done.stderr!r}")


def test_a_product_open_elsewhere_fails_its_report_alone(tmp_path: Path):
    data = small_county(tmp_path, TOWNSHIPS, years=(2021,))
    out = tmp_path / "out"
    first = bulk(data, out, "--all", "--formats", "html,docx", "--jobs", "2")
    assert first.returncode == 1, first.stdout + first.stderr  # shunhexiang fails its checks
    locked = out / "2021" / "minquan" / "renhezhen" / "report.docx"
    before = {p.name: p.read_bytes() for p in locked.parent.iterdir()}
    stamps = {t: (out / "2021" / "minquan" / t / "report.html").stat().st_mtime_ns for t in TOWNSHIPS}
    _immutable(locked, True)
    try:
        again = bulk(data, out, "--all", "--formats", "html,docx", "--jobs", "2", "--force")
    finally:
        _immutable(locked, False)
    assert again.returncode == 1, again.stdout + again.stderr  # a failed report, not bad input
    assert "共 3 份报告" in again.stdout  # the summary is printed
    line = next(x for x in again.stdout.splitlines() if "renhezhen" in x and "✗" in x)
    assert str(locked) in line and "其他程序" in line and ".tmp" not in line
    assert {p.name: p.read_bytes() for p in locked.parent.iterdir()} == before  # that report as it was
    for t in ("hujixiang", "shunhexiang"):  # every other report made again
        assert (out / "2021" / "minquan" / t / "report.html").stat().st_mtime_ns > stamps[t]
    # the failing report names its rule and message, as `render` does for one report
    failing = again.stdout.split("shunhexiang", 1)[1].splitlines()
    assert failing[1].strip().startswith("R3 ") and "总计" in failing[1]
    listed = {r["key"]: r for r in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]}
    assert "其他程序" in listed["2021/minquan/renhezhen"]["message"]
    retry = bulk(data, out, "--all", "--formats", "html,docx", "--jobs", "2")  # closed: the next run redoes it
    assert retry.returncode == 1 and "其他程序" not in retry.stdout  # shunhexiang still fails R3
    assert not any("renhezhen" in x for x in retry.stdout.splitlines() if "✗" in x)


def test_office_lock_files_are_skipped_by_import_and_audit(tmp_path: Path):
    src = tmp_path / "reports"
    src.mkdir()
    shutil.copy(SEED_TEXT, src / "hujixiang.txt")
    (src / "~$hujixiang.xlsx").write_bytes(b"\x05zhangsan" + b"\x00" * 40)  # as Word/Excel/WPS leave them
    (src / "~$报告.docx").write_bytes(b"\x05zhangsan" + b"\x00" * 40)
    (src / ".~lock.报告.docx#").write_text(",zhangsan,pc,07.12.2026 12:00,file:///home/zs/.config/libreoffice/4;")
    imported = gongkai("import", str(src), "--county", "minquan", "--out-dir", str(tmp_path / "data"))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "~$" not in imported.stdout and "| 合计 | 1 |" in imported.stdout
    audited = gongkai("audit", str(src), "--out", str(tmp_path / "out"))
    rows = json.loads((tmp_path / "out" / "audit" / "audit.json").read_text(encoding="utf-8"))["rows"]
    assert [Path(r["file"]).name for r in rows] == ["hujixiang.txt"], audited.stdout + audited.stderr
    alone = gongkai("import", str(src / "~$hujixiang.xlsx"), "-o", str(tmp_path / "x.yaml"))
    assert alone.returncode == 2 and "锁定文件" in alone.stderr and "hujixiang.xlsx" in alone.stderr
    assert "BadZipFile" not in alone.stderr and "Error" not in alone.stderr
