"""Many files at once, and what the importer refuses at the door (size, zip bombs, nesting, old Word).

Through the real command line where the user would meet it.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import HONGZE_PDF, SEED_RECORD, SEED_TEXT, gongkai
from gongkai.errors import NotAReport
from gongkai.importers import import_file
from gongkai.importers.base import MAX_UNZIPPED
from gongkai.records.record import load_record


def folder(tmp_path: Path) -> Path:
    src = tmp_path / "reports"
    (src / "more").mkdir(parents=True)
    shutil.copy(HONGZE_PDF, src / "hongze.pdf")
    shutil.copy(SEED_TEXT, src / "more" / "hujixiang.txt")
    (src / "notes.txt").write_text("会议纪要：今天开会。\n", encoding="utf-8")
    return src


def test_a_folder_gives_one_line_per_file_a_summary_and_the_worst_exit_code(tmp_path: Path):
    out = tmp_path / "data" / "minquan"
    run = gongkai("import", str(folder(tmp_path)), "--out-dir", str(out))
    assert run.returncode == 2, run.stderr  # one file is not a report
    lines = run.stdout.splitlines()
    assert sum(1 for x in lines if x.startswith("[")) == 3
    assert any(x.startswith("[有缺漏]") and "hongze.pdf" in x and "读自 pdf" in x for x in lines)
    assert any(x.startswith("[不是报告]") and "notes.txt" in x for x in lines)
    assert "| 合计 | 3 |" in run.stdout and "| 不是报告 | 1 |" in run.stdout
    written = sorted(p.name for p in out.rglob("*.yaml"))
    assert written == ["hongze.yaml", "hujixiang.yaml"]


def test_nothing_is_overwritten_without_force(tmp_path: Path):
    src = folder(tmp_path)
    out = tmp_path / "out"
    gongkai("import", str(src / "hongze.pdf"), "--out-dir", str(out))
    record = out / "hongze.yaml"
    record.write_text("# 手工补填过的记录\n", encoding="utf-8")
    run = gongkai("import", str(src / "hongze.pdf"), str(src / "more"), "--out-dir", str(out))
    assert run.returncode == 2 and "[已存在，未覆盖]" in run.stdout and "--force" in run.stdout
    assert record.read_text(encoding="utf-8") == "# 手工补填过的记录\n"
    run = gongkai("import", str(src / "hongze.pdf"), "--out-dir", str(out), "--force")
    assert run.returncode == 1 and "7730.28" in record.read_text(encoding="utf-8")


def test_county_ids_place_records_under_their_township(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(SEED_RECORD.parents[1], data / "minquan", ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copy(SEED_RECORD.parents[1] / "county.yaml", data / "minquan" / "county.yaml")
    run = gongkai(
        "import", str(SEED_TEXT), "--county", "minquan", "--data", str(data), "--out-dir", str(data / "minquan")
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[完整读取]" in run.stdout
    written = data / "minquan" / "hujixiang" / "2021.yaml"
    assert load_record(written).cells == load_record(SEED_RECORD).cells


def test_an_oversized_file_is_refused_naming_the_limit(tmp_path: Path):
    big = tmp_path / "big.html"
    with big.open("wb") as f:
        f.truncate(21_000_000)
    run = gongkai("import", str(big), "-o", str(tmp_path / "x.yaml"))
    assert run.returncode == 2 and "20 MB" in run.stderr + run.stdout
    assert not (tmp_path / "x.yaml").exists()


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * 1_000_000
            for _ in range(MAX_UNZIPPED // len(chunk) + 2):
                f.write(chunk)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(NotAReport, match=r"解压后.*上限 100 MB"):
        import_file(bomb)


def test_html_nested_too_deep_is_one_clear_line(tmp_path: Path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 3000 + "二、主动公开政府信息情况" + "</div>" * 3000 + "</body></html>")
    run = gongkai("import", str(page), "-o", str(tmp_path / "x.yaml"))
    assert run.returncode == 2 and "嵌套过深" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


def test_our_own_report_page_is_read_without_its_appendices(tmp_path: Path):
    from gongkai.pages.report import Report

    record = load_record(SEED_RECORD)
    report = Report(record)
    body = report.cover().html + "".join(report.part(n) for n in range(1, 7)) + report.appendix() + report.charts()
    page = tmp_path / "report.html"
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8"
    )
    result = import_file(page)
    assert "附录" not in result.data["parts"]["other"]
    assert result.data["parts"]["other"].strip()
    assert result.complete or all(not p.cells for p in result.problems)


def test_old_binary_word_is_converted_or_refused_clearly(tmp_path: Path):
    import docx

    document = docx.Document()
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(str(tmp_path / "seed.docx"))
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("optional component missing: LibreOffice (soffice)")
    import subprocess

    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "doc", "--outdir",
         str(tmp_path), str(tmp_path / "seed.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    old = tmp_path / "seed.doc"
    assert old.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    result = import_file(old)
    assert result.kind == "doc" and "LibreOffice" in result.data["source"]
    assert result.data["year"] == 2021


def test_an_import_the_loader_would_refuse_is_not_written(tmp_path: Path):
    page = tmp_path / "long.html"
    body = "<h1>胡集乡人民政府2021年政府信息公开工作年度报告</h1><h2>一、总体情况</h2><p>" + "公开" * 150_000 + "</p>"
    page.write_text(f"<html><body>{body}<h2>二、主动公开政府信息情况</h2></body></html>", encoding="utf-8")
    run = gongkai("import", str(page), "-o", str(tmp_path / "x.yaml"))
    assert run.returncode == 2 and "上限 200000 字" in run.stderr + run.stdout
    assert not (tmp_path / "x.yaml").exists()
