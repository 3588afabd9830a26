"""Working in JupyterLab without touching the package: a working copy per report, a fingerprint of the code alone,
executed notebooks without misleading defaults, Lab showing the official look, exports that load nothing remote."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import GONGKAI
from gongkai.batch import fingerprint
from gongkai.production.notebook import code_digest, with_parameters
from gongkai.resources import EXPECTATIONS, NOTEBOOK
from test_bad_input import private_data

TITLE = "胡集乡人民政府2021年政府信息公开工作年度报告"


def gongkai(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def test_a_working_copy_runs_in_jupyter_terms_and_leaves_the_package_alone(tmp_path: Path):
    import papermill

    shipped = NOTEBOOK.read_bytes()
    private_data(tmp_path / "project")
    here = tmp_path / "project" / "work"
    here.mkdir()
    result = gongkai(here, "notebook", "胡集乡", "2021")
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "project" / "output" / "notebooks" / "minquan-hujixiang-2021.ipynb"
    assert f"jupyter lab {copy}" in result.stdout and copy.is_file()
    parameters = "".join(json.loads(copy.read_text(encoding="utf-8"))["cells"][1]["source"])
    assert 'township = "hujixiang"' in parameters.replace("'", '"') and "year = 2021" in parameters
    # Run-all as Lab does: no parameters given, the kernel started in the copy's folder
    nb = papermill.execute_notebook(str(copy), None, cwd=str(copy.parent), progress_bar=False)
    assert TITLE in json.dumps([o for c in nb.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert NOTEBOOK.read_bytes() == shipped

    copy.write_text(copy.read_text(encoding="utf-8").replace("report.part(6)", "report.part(5)"), "utf-8")
    again = gongkai(here, "notebook", "hujixiang", "2021")
    assert again.returncode == 0 and "未覆盖" in again.stdout and "report.part(5)" in copy.read_text("utf-8")
    assert gongkai(here, "notebook", "hujixiang", "2021", "--force").returncode == 0
    assert "report.part(6)" in copy.read_text("utf-8")


def test_a_working_copy_moved_away_from_its_data_says_what_to_change(tmp_path: Path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    private_data(tmp_path / "project")
    assert gongkai(tmp_path / "project", "notebook", "胡集乡", "2021").returncode == 0
    moved = tmp_path / "elsewhere" / "copy.ipynb"
    moved.parent.mkdir()
    shutil.move(tmp_path / "project" / "output" / "notebooks" / "minquan-hujixiang-2021.ipynb", moved)
    with pytest.raises(PapermillExecutionError) as e:
        papermill.execute_notebook(str(moved), str(tmp_path / "out.ipynb"), cwd=str(moved.parent), progress_bar=False)
    assert "找不到数据目录" in e.value.evalue and "data_dir" in e.value.evalue


def lab_saved(source: Path, target: Path) -> None:
    """What JupyterLab writes back after a run: outputs, counts, widths, kernel and language versions."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for k, cell in enumerate(nb["cells"]):
        cell["metadata"].update({"scrolled": True, "execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}})
        if cell["cell_type"] == "code":
            cell["execution_count"] = k
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}]
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.12.3"}
    nb["metadata"]["widgets"] = {"state": {}}
    target.write_text(json.dumps(nb, indent=2), encoding="utf-8")


def test_the_fingerprint_depends_on_the_code_not_on_what_lab_saves(tmp_path: Path):
    saved = tmp_path / "saved.ipynb"
    lab_saved(NOTEBOOK, saved)
    assert saved.read_bytes() != NOTEBOOK.read_bytes()
    assert (
        fingerprint.environment(saved, EXPECTATIONS)["notebook"]
        == fingerprint.environment(NOTEBOOK, EXPECTATIONS)["notebook"]
    )
    edited = tmp_path / "edited.ipynb"
    edited.write_text(NOTEBOOK.read_text(encoding="utf-8").replace("report.part(6)", "report.part(5)"), "utf-8")
    assert code_digest(edited) != code_digest(NOTEBOOK)


def test_parameters_are_set_in_place_and_new_ones_kept():
    cell = "township = None  # 乡镇\nyear = None\nextra = 1  # h"
    out = with_parameters(cell, {"township": "hujixiang", "year": 2024, "input": "x.json"})
    assert out == "township = 'hujixiang'  # 乡镇\nyear = 2024\nextra = 1  # h\ninput = 'x.json'"


def test_the_executed_notebook_keeps_no_leftover_default(seed_render: Path):
    nb = nbformat.read(seed_render / "report.ipynb", as_version=4)
    assigned = [
        line
        for c in nb.cells
        if c.cell_type == "code"
        for line in c.source.splitlines()
        if re.match(r"\s*township\s*=", line)
    ]
    assert len(assigned) == 2, assigned  # the empty default and the report's own
    assert re.match(r"township = None", assigned[0]) and "hujixiang" in assigned[1]


NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


def test_exports_load_nothing_from_the_network(seed_render: Path):
    for name in ("report.html", "report.review.html"):
        html = (seed_render / name).read_text(encoding="utf-8")
        assert html.count("<table") >= 3 and not NETWORK.findall(html), (name, NETWORK.findall(html)[:3])


def test_in_jupyterlab_the_report_looks_official(seed_render: Path):
    """The executed notebook as Lab shows it (JupyterLab's own stylesheet, as nbconvert's lab template carries it)."""
    from nbconvert import HTMLExporter
    from playwright.sync_api import sync_playwright

    from gongkai.production.render import chromium_path

    html, _ = HTMLExporter().from_filename(str(seed_render / "report.ipynb"))
    assert ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon" in html  # Lab's rule that right-aligns table cells
    looks = """() => {
      const style = (q) => getComputedStyle(document.querySelector(q));
      return {
        header: style('.gk-table3 thead th:not(.label):not(.corner)').textAlign,
        label: style('.gk-table3 th.label').textAlign,
        number: style('.gk-table3 td.num').textAlign,
        border: style('.gk-table3 td.num').borderTopWidth,
        stripe: style('.gk-table3 tbody tr:nth-child(even)').backgroundColor,
        body: style('.gk-part p').fontFamily,
        heading: style('.gk-part > h2').fontFamily,
      };
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.route(re.compile(r"^https?://"), lambda route: route.abort())  # the CDN scripts: not needed
            page.set_content(html, wait_until="domcontentloaded")
            found = page.evaluate(looks)
        finally:
            browser.close()
    assert found["header"] == "center" and found["number"] == "center" and found["label"] == "left", found
    assert found["border"] != "0px" and found["stripe"] in ("rgba(0, 0, 0, 0)", "transparent"), found
    assert "Serif" in found["body"] and "Sans" in found["heading"], found
