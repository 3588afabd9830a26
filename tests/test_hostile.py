"""Hostile files never stop a run: each is refused with its reason, through the real command line.

The readers' own caps refuse what they recognise (reference loops, stream bombs, a finely ruled page, a
deep page tree, a lying zip, a huge table); what they do not is stopped from outside by the reading
worker's deadline and memory limit (`--time-limit`, `--memory-limit`). Every case is bounded by a timeout.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest

from conftest import HONGZE_PDF, SEED_TEXT, gongkai
from hostile import big_table_html, bomb_pdf, deep_pdf, grid_pdf, loop_pdf, lying_docx

REFUSED = {  # file → what its one line must say
    "loop.pdf": "循环引用",
    "bomb.pdf": "解压后超过",
    "grid.pdf": "1501 条横线、1501 条竖线",
    "deep.pdf": "页面树嵌套超过",
    "lying.docx": "目录与内容不符",
    "table.html": "超过上限",
}


def _good_docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("2021年政府信息公开工作年度报告")
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    makers = {
        "loop.pdf": loop_pdf,
        "bomb.pdf": bomb_pdf,
        "grid.pdf": grid_pdf,
        "deep.pdf": deep_pdf,
        "lying.docx": lambda: lying_docx(_good_docx()),
        "table.html": big_table_html,
    }
    for name, make in makers.items():
        (folder / name).write_bytes(make())
    assert (folder / "loop.pdf").stat().st_size < 1_000 and (folder / "table.html").stat().st_size > 19e6
    return folder


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_file_is_refused_at_once_with_its_reason(hostile: Path, name: str, tmp_path: Path) -> None:
    done = gongkai("import", str(hostile / name), "-o", str(tmp_path / "r.yaml"), timeout=90)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"{name}：无法读取的" in done.stderr and REFUSED[name] in done.stderr, done.stderr
    assert not (tmp_path / "r.yaml").exists()


def test_a_file_the_readers_do_not_recognise_is_stopped_by_the_deadline(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(grid_pdf(99, pages=2))  # just under the grid cap a page; ~5 s of table finding
    done = gongkai("import", str(slow), "-o", str(tmp_path / "r.yaml"), "--time-limit", "1", timeout=60)
    assert done.returncode == 2, done.stderr
    assert "slow.pdf：无法读取的 PDF：超过 1 秒仍未完成" in done.stderr, done.stderr


def test_a_bomb_behind_a_second_filter_is_stopped_by_the_memory_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "hexbomb.pdf"
    bomb.write_bytes(bomb_pdf(hex=True))  # ASCIIHex then Flate: the survey leaves it to the worker's limit
    done = gongkai("import", str(bomb), "-o", str(tmp_path / "r.yaml"), "--memory-limit", "600", timeout=120)
    assert done.returncode == 2, done.stderr
    assert "hexbomb.pdf：无法读取的 PDF：所需内存超过上限 600 MB" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_audit_of_hostile_and_good_files_completes_with_every_row(hostile: Path, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    shutil.copytree(hostile, folder)
    (folder / "slow.pdf").write_bytes(
        grid_pdf(99, pages=4)
    )  # ~9 s of table finding even unloaded: killed at 4, its worker replaced
    shutil.copy(SEED_TEXT, folder / "a-seed.txt")
    shutil.copy(HONGZE_PDF, folder / "z-hongze.pdf")
    out = tmp_path / "out"
    args = ["audit", str(folder), "--out", str(out), "--jobs", "2", "--time-limit", "4"]
    done = gongkai(*args, timeout=240)
    assert done.returncode in (0, 1), done.stderr  # 1: a report read has an error; the run itself finished
    assert "Traceback" not in done.stderr + done.stdout
    rows = {Path(r["file"]).name: r for r in json.loads((out / "audit" / "audit.json").read_text("utf-8"))["rows"]}
    assert set(rows) == {*REFUSED, "slow.pdf", "a-seed.txt", "z-hongze.pdf"}
    for name, said in REFUSED.items():
        assert rows[name]["status"] in ("not-a-report", "failed") and said in rows[name]["message"], rows[name]
    assert "超过 4 秒仍未完成" in rows["slow.pdf"]["message"], rows["slow.pdf"]
    assert rows["a-seed.txt"]["status"] == "report" and rows["a-seed.txt"]["year"] == 2021
    assert rows["z-hongze.pdf"]["status"] == "report" and rows["z-hongze.pdf"]["year"] == 2023


def test_an_import_batch_goes_past_hostile_files_one_line_each(hostile: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("loop.pdf", "deep.pdf", "lying.docx"):
        shutil.copy(hostile / name, folder / name)
    shutil.copy(SEED_TEXT, folder / "seed.txt")
    done = gongkai("import", str(folder), "--out-dir", str(tmp_path / "out"), timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stdout.splitlines()
    for name in ("loop.pdf", "deep.pdf", "lying.docx"):
        assert any(line.startswith("[不是报告]") and f"{name}：无法读取的" in line for line in lines), done.stdout
    assert any(line.startswith("[") and "seed.txt →" in line for line in lines), done.stdout
    assert "| 合计 | 4 |" in done.stdout
