"""The data folder found from any folder; a record named by its path; import writes only where it resolved.

Every test runs the real command line with its current folder in a temporary
subfolder, as an analyst's terminal would be.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES, GONGKAI
from test_bad_input import private_data

SEED_TEXT = FIXTURES / "hujixiang-2021-published.txt"


def gongkai(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def test_check_finds_the_data_folder_from_a_township_folder(tmp_path: Path):
    data = private_data(tmp_path / "project")
    result = gongkai(data / "minquan" / "hujixiang", "check", "胡集乡", "2021")
    assert result.returncode == 0 and "胡集乡人民政府2021年" in result.stdout, result.stderr
    deep = tmp_path / "project" / "notes" / "2024"
    deep.mkdir(parents=True)
    assert gongkai(deep, "check", "hujixiang", "2021").returncode == 0


def test_no_data_folder_names_where_it_looked_and_the_option(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere" / "sub"
    elsewhere.mkdir(parents=True)
    for argv in (("check", "胡集乡", "2021"), ("render", "--all", "--no-pdf"), ("check", "--all")):
        result = gongkai(elsewhere, *argv)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert str(elsewhere) in result.stderr and "--data" in result.stderr, result.stderr
    result = gongkai(elsewhere, "check", "胡集乡", "2021", "--data", "records")
    assert result.returncode == 2 and str(elsewhere / "records") in result.stderr and "--data" in result.stderr
    assert files(tmp_path) == set()


def test_gongkai_toml_and_pyproject_name_the_data_folder(tmp_path: Path):
    project = tmp_path / "office"
    shutil.move(private_data(tmp_path / "tmp"), project / "records")
    (project / "gongkai.toml").write_text('data = "records"\n', encoding="utf-8")
    (project / "docs").mkdir()
    assert gongkai(project / "docs", "check", "胡集乡", "2021").returncode == 0
    (project / "gongkai.toml").unlink()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.gongkai]\ndata = "records"\n', "utf-8")
    assert gongkai(project / "docs", "check", "胡集乡", "2021").returncode == 0
    (project / "pyproject.toml").write_text('[tool.gongkai]\ndata = "nothing"\n', "utf-8")
    result = gongkai(project / "docs", "check", "胡集乡", "2021")
    assert result.returncode == 2 and str(project / "nothing") in result.stderr and "--data" in result.stderr


def test_check_and_render_take_a_record_path(tmp_path: Path):
    data = private_data(tmp_path / "project")
    sub = tmp_path / "project" / "work"
    sub.mkdir()
    result = gongkai(sub, "check", "../data/minquan/hujixiang/2021.yaml")
    assert result.returncode == 0 and "胡集乡人民政府2021年" in result.stdout, result.stderr
    result = gongkai(sub, "check", str(data / "minquan" / "hujixiang" / "2021.yaml"), "2020")
    assert result.returncode == 2 and "2021" in result.stderr
    result = gongkai(sub, "render", "../data/minquan/hujixiang/2021.yaml", "--formats", "html", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "project" / "output" / "2021" / "minquan" / "hujixiang" / "report.html").is_file()
    assert not (sub / "output").exists()  # beside the data folder, not wherever the command ran


def test_import_from_elsewhere_writes_only_into_the_data_folder_it_resolved(tmp_path: Path):
    data = private_data(tmp_path / "project")
    (data / "minquan" / "hujixiang" / "2021.yaml").unlink()
    sub = tmp_path / "project" / "downloads"
    sub.mkdir()
    shutil.copy(SEED_TEXT, sub / "report.txt")
    before = files(sub)
    result = gongkai(sub, "import", "report.txt", "--county", "minquan")
    assert result.returncode == 0, result.stderr
    assert (data / "minquan" / "hujixiang" / "2021.yaml").is_file()
    assert files(sub) == before  # nothing under the current folder


def test_import_never_drops_a_county_it_cannot_apply(tmp_path: Path):
    data = private_data(tmp_path / "project")
    sub = tmp_path / "project" / "downloads"
    sub.mkdir()
    shutil.copy(SEED_TEXT, sub / "report.txt")
    before = files(tmp_path)
    result = gongkai(sub, "import", "report.txt", "--county", "suixian", "--force")
    assert result.returncode == 2 and "suixian" in result.stderr and "--data" in result.stderr
    assert str(data / "suixian" / "county.yaml") in result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = gongkai(elsewhere, "import", str(sub / "report.txt"), "--county", "minquan", "-o", "x.yaml")
    assert result.returncode == 2 and "--county minquan" in result.stderr and "--data" in result.stderr
    assert files(tmp_path) == before
    result = gongkai(elsewhere, "import", str(sub / "report.txt"), "-o", "x.yaml")  # nothing to apply: no data needed
    assert result.returncode in (0, 1) and (elsewhere / "x.yaml").is_file(), result.stderr
