"""The analyst's year, walked through the real command line (issue 21's Done-when).

new for a county → template for one township → the workbook filled with
openpyxl as a person would (narrative with sub-headings, one wrong total) →
import → check shows the wrong total first → fix → render → the sub-headings
in report.html/docx/pdf → `render --all` renders only what changed. Each
step's time is printed (pytest -s shows it). The county is cut to two
townships so the walk stays quick; PDF is printed once, at the end.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import DATA, gongkai
from gongkai.records.record import load_record

TOWNSHIPS = ("hujixiang", "renhezhen")
SUBHEADINGS = ("（一）主动公开情况", "（二）依申请公开情况", "（三）平台建设情况")


def small_county(dest: Path) -> Path:
    """minquan with two of its townships: county.yaml cut to them, their records copied."""
    county = dest / "minquan"
    county.mkdir(parents=True)
    info = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    info["townships"] = {k: v for k, v in info["townships"].items() if k in TOWNSHIPS}
    (county / "county.yaml").write_text(yaml.safe_dump(info, allow_unicode=True), encoding="utf-8")
    for township in TOWNSHIPS:
        shutil.copytree(DATA / "minquan" / township, county / township)
    return dest


def fill(path: Path, received_total: int) -> None:
    """Type into the workbook as a person would: this year's figures, a new 第一部分 with sub-headings."""
    book = openpyxl.load_workbook(path)
    t3 = book["表三"]
    # 一、本年新收 3 (all 自然人), all 予以公开; the carried-in figures stay as `new` put them (0 here)
    for row in (5, 7, 28):  # 一、新收 / （一）予以公开 / （七）总计
        t3[f"D{row}"] = 3
        t3[f"J{row}"] = 3
    t3["J5"] = received_total
    one = book["一"]
    rows = [
        SUBHEADINGS[0],
        "本年度主动公开政府信息 25 条。",
        f"{SUBHEADINGS[1]}\n本年度新收政府信息公开申请3件，均予以公开。",  # Alt+Enter in one cell
        SUBHEADINGS[2],
        "以民权县人民政府网站为主要平台。",
    ]
    cells = [c for c in one["A"] if c.protection and not c.protection.locked]
    for cell in cells:
        cell.value = None
    for cell, text in zip(cells, rows, strict=False):
        cell.value = text
    book.save(path)


@pytest.mark.slow
def test_the_whole_year_through_the_cli(tmp_path: Path):
    data, out = small_county(tmp_path / "data"), tmp_path / "output"
    record = data / "minquan" / "hujixiang" / "2024.yaml"
    times: dict[str, float] = {}

    def step(name: str, *args: str, code: int | tuple[int, ...] = 0) -> subprocess.CompletedProcess[str]:
        start = time.perf_counter()
        done = gongkai(*args, cwd=tmp_path, timeout=600)
        times[name] = time.perf_counter() - start
        codes = code if isinstance(code, tuple) else (code,)
        assert done.returncode in codes, (name, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
        return done

    def counts(done: subprocess.CompletedProcess[str]) -> tuple[int, int]:
        """(rendered, skipped as unchanged) from the summary render --all prints."""
        found = [
            re.search(rf"^\s*{word}\s+(\d+)\s*$", done.stdout, re.MULTILINE) for word in ("本次生成", "未变化，跳过")
        ]
        assert all(found), done.stdout
        return int(found[0].group(1)), int(found[1].group(1))  # type: ignore[union-attr]

    step("new --all", "new", "--all", "--county", "minquan", "--year", "2024", "--data", str(data))
    assert sorted(p.parent.name for p in data.glob("minquan/*/2024.yaml")) == sorted(TOWNSHIPS)

    step("template", "template", "胡集乡", "2024", "--data", str(data))
    workbook = tmp_path / "胡集乡2024.xlsx"
    start = time.perf_counter()
    fill(workbook, received_total=4)  # a total 4 ≠ 3
    times["fill (openpyxl)"] = time.perf_counter() - start

    step("import", "import", str(workbook), "--data", str(data), "--force")
    checked = step("check (wrong total)", "check", "胡集乡", "2024", "--data", str(data), code=1)
    first = checked.stdout.splitlines()[0]
    assert first.startswith(("R1 错误", "R2 错误")), first
    report = json.loads(step("check --json", "check", "胡集乡", "2024", "--data", str(data), "--json", code=1).stdout)
    errors = [f for o in report["outcomes"] for f in o["findings"] if f["severity"] == "error"]
    assert ["table3", "received", "total"] in [c["key"] for c in errors[0]["cells"]]
    assert {f["rule"] for f in errors} == {"R1", "R2"}  # nothing else: zeros, not blanks

    fill(workbook, received_total=3)  # the fix, in the workbook, imported again
    step("import (fixed)", "import", str(workbook), "--data", str(data), "--force")
    fixed = step("check (fixed)", "check", "胡集乡", "2024", "--data", str(data))
    assert "校验通过：0 个错误" in fixed.stdout
    assert "草稿：第五、六部分仍是上年的文字" in fixed.stdout  # 第一部分 was rewritten; the others are last year's
    # typed on rows of their own, the sub-headings come back as sub-headings (records/narrative.py)
    assert load_record(record).parts["overview"].startswith(f"#### {SUBHEADINGS[0]}\n\n本年度主动公开")

    formats = ("--formats", "html,docx", "--no-progress")
    step("render one (html,docx)", "render", "胡集乡", "2024", "--data", str(data), "--out", str(out), *formats)
    folder = out / "2024" / "minquan" / "hujixiang"
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in SUBHEADINGS:
        assert f"<h3>{heading}</h3>" in html, heading  # a heading of its own, not run into the next
    assert "gk-draft" in html
    import docx

    paragraphs = [p.text for p in docx.Document(str(folder / "report.docx")).paragraphs]
    assert all(h in paragraphs for h in SUBHEADINGS), paragraphs[:20]

    # render --all redoes only what changed: 人和镇 (new since the last render), not 胡集乡 (current);
    # 人和镇 2024 is as `new` wrote it: its 上年结转 with nothing 办结 yet fails R1, so the exit code is 1
    everything = ("render", "--all", "--year", "2024", "--data", str(data), "--out", str(out), *formats)
    assert counts(step("render --all", *everything, code=1)) == (1, 1)
    assert counts(step("render --all (nothing changed)", *everything, code=(0, 1))) == (0, 2)

    step("render one (pdf)", "render", "胡集乡", "2024", "--data", str(data), "--out", str(out), "--formats", "pdf")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF back")
    text = subprocess.run([pdftotext, str(folder / "report.pdf"), "-"], capture_output=True, text=True, check=True)
    lines = [line.strip() for line in text.stdout.splitlines()]
    assert all(h in lines for h in SUBHEADINGS), [line for line in lines if "（" in line][:20]

    print("\n".join(f"{name:32s} {seconds:6.2f} 秒" for name, seconds in times.items()))
    print(f"{'合计':32s} {sum(times.values()):6.2f} 秒")
