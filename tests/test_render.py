"""The seed rendered end to end: real papermill, kernel, nbconvert and Chromium."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from PIL import Image

from conftest import DATA, REPO, gongkai
from gongkai.format import FORMAT_2021
from gongkai.format.model import leaves
from gongkai.format.rules import rules_for

TITLE = "胡集乡人民政府2021年政府信息公开工作年度报告"


def test_outputs_exist_where_the_data_is_mirrored(seed_render: Path):
    expected = {"report.ipynb", "input.json", "report.html", "report.pdf", "report.docx", "report.review.html"}
    expected.add("checks.json")
    assert {p.name for p in seed_render.iterdir()} >= expected
    assert not (seed_render / "report.review.pdf").exists()  # a second print only when asked for
    assert seed_render.parts[-3:] == ("2021", "minquan", "hujixiang")


def test_html_has_title_parts_labels_and_figures(seed_render: Path):
    html = (seed_render / "report.html").read_text(encoding="utf-8")
    assert f"<title>{TITLE}</title>" in html
    assert '<h1 class="gk-title">胡集乡人民政府<br>2021年政府信息公开工作年度报告</h1>' in html  # two lines
    for part in FORMAT_2021.parts:
        assert f"<h2>{part.heading}</h2>" in html
    for table in FORMAT_2021.tables:
        for node in leaves(table.rows) + [r for b in table.blocks for r in leaves(b.rows)]:
            assert node.text in html, node.text
    cells = {td["data-cell"]: td.get_text() for td in BeautifulSoup(html, "html.parser").select("td[data-cell]")}
    assert len(cells) == len(list(FORMAT_2021.cells()))
    assert cells["table2.fees.amount"] == "0"  # as the published seed prints it (records/display.py)
    assert set(cells.values()) == {"0"}  # the seed's figures are all zero
    assert "通过民权网公开各类活动、传达会议精神等共计154条" in html


def test_html_is_offline_and_shows_no_code(seed_render: Path):
    html = (seed_render / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    soup = BeautifulSoup(html, "html.parser")
    fetched = [t.get(a) for t in soup.find_all(True) for a in ("src", "href", "xlink:href") if t.get(a)]
    assert not [u for u in fetched if "//" in u], fetched  # nothing is fetched: the page works offline
    assert "<link" not in html and "@import" not in html
    assert "Report.open" not in soup.get_text() and not soup.select(".jp-InputArea")
    assert 'font-family: "Noto Sans CJK SC"' in html and 'font-family: "Noto Serif CJK SC"' in html
    assert "data-gk-lab" not in html  # the notebook's own copy of the styles is dropped from the page


def test_official_html_is_the_report_alone_and_links_the_review(seed_render: Path):
    soup = BeautifulSoup((seed_render / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text() for h in soup.select("h2")] == [p.heading for p in FORMAT_2021.parts]
    assert len(soup.select("table.gk-table")) == 3  # tables 二, 三, 四 (part 一's sub-items are text)
    assert not soup.select(".gk-appendix, .gk-meta, [data-checks]")  # passed: no banner, no meta line
    assert soup.select_one("a.gk-review-link, .gk-review-link a")["href"] == "report.review.html"
    review = BeautifulSoup((seed_render / "report.review.html").read_text(encoding="utf-8"), "html.parser")
    titles = [h.get_text() for h in review.select(".gk-appendix h2")]
    assert [t[:3] for t in titles] == ["附录一", "附录二", "附录三", "附录四"]
    plain = review.get_text()
    assert "gongkai-kernel" not in plain and 'report_input = "input.json"' in plain  # no temporary path
    assert 'data_dir = "../data"' not in plain  # nor the notebook's defaults
    numbered = soup.select(".gk-part-5 ul.gk-numbered > li")  # 「1、…」 items: no bullet besides
    assert numbered and numbered[0].get_text().startswith("1、")


def test_pdf_text_has_the_chinese_title_and_a4_pages(seed_render: Path):
    pdf = seed_render / "report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "胡集乡人民政府\n2021年政府信息公开工作年度报告" in text
    assert "-1-" in "".join(text.split())  # page numbers in the footer, as published: - 1 -
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info


def test_pdf_first_page_is_not_blank(seed_render: Path, tmp_path: Path):
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(seed_render / "report.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark / (image.width * image.height) > 0.01


def test_executed_notebook_is_valid_and_parameterized(seed_render: Path):
    nb = nbformat.read(seed_render / "report.ipynb", as_version=4)
    nbformat.validate(nb)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'township = "hujixiang"' in injected[0].source
    assert all(o.get("output_type") != "error" for c in nb.cells for o in c.get("outputs", []))


def test_the_shipped_notebook_run_as_it_is_says_to_make_a_working_copy(tmp_path: Path):
    """Run-all of the template itself (no parameters): one sentence naming `gongkai notebook`, not a traceback."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = REPO / "notebooks" / "report.ipynb"  # the top-level link to the notebook the package ships
    shipped = notebook.read_bytes()
    try:
        papermill.execute_notebook(
            str(notebook), str(tmp_path / "out.ipynb"), cwd=str(notebook.parent), progress_bar=False
        )
    except PapermillExecutionError as e:
        assert "gongkai notebook" in e.evalue and "工作副本" in e.evalue
    else:
        raise AssertionError("the template ran without parameters")
    assert notebook.read_bytes() == shipped
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1 and len(errors[0]["traceback"]) == 1  # one sentence, not a traceback
    assert "\x1b[" not in errors[0]["traceback"][0] and errors[0]["traceback"][0].startswith("出错：")


def test_unknown_township_exits_2_and_writes_nothing(tmp_path: Path):
    result = gongkai("render", "不存在乡", "2021", "--data", str(DATA), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "未知的乡镇" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_exits_2_and_writes_nothing(tmp_path: Path):
    result = gongkai(
        "render", "hujixiang", "2021", "--data", str(DATA), "--out", str(tmp_path / "o"), "--formats", "pdf,odt"
    )
    assert result.returncode == 2
    assert "odt" in result.stderr and "review-pdf" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_missing_year_exits_2(tmp_path: Path):
    result = gongkai("render", "hujixiang", "1999", "--data", str(DATA), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "没有" in result.stderr and "1999" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_invalid_record_exits_2_naming_file_and_field(tmp_path: Path):
    data = tmp_path / "data"
    (data / "minquan" / "hujixiang").mkdir(parents=True)
    (data / "minquan" / "county.yaml").write_text((DATA / "minquan" / "county.yaml").read_text("utf-8"), "utf-8")
    text = (DATA / "minquan" / "hujixiang" / "2021.yaml").read_text("utf-8")
    bad = data / "minquan" / "hujixiang" / "2021.yaml"
    bad.write_text(text.replace("penalty: {decisions: 0}", "penalty: {decisions: lots}"), "utf-8")
    result = gongkai("render", "胡集乡", "2021", "--data", str(data), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.returncode == 2
    assert (
        str(bad) in result.stderr
        and "table2.penalty.decisions" in result.stderr
        and "表二「行政处罚」行" in result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_ambiguous_township_needs_county(tmp_path: Path):
    data = tmp_path / "data"
    for county, name in (("aaa", "甲县"), ("bbb", "乙县")):
        (data / county).mkdir(parents=True)
        (data / county / "county.yaml").write_text(
            f"name: {name}\nprovince: 河南省\ncity: 商丘市\ntownships:\n  chengguanzhen: {{name: 城关镇, level: 镇}}\n",
            "utf-8",
        )
    result = gongkai("render", "城关镇", "2021", "--data", str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "--county" in result.stderr and "甲县" in result.stderr and "乙县" in result.stderr


def test_seed_review_shows_check_outcome_and_every_rule(seed_render: Path):
    soup = BeautifulSoup((seed_render / "report.review.html").read_text(encoding="utf-8"), "html.parser")
    banner = soup.select_one("[data-checks]")
    assert banner is not None and banner["data-checks"] == "pass"
    assert "校验通过：0 个错误，1 个警告" in banner.get_text()
    rules = {tr["data-rule"]: tr["data-status"] for tr in soup.select("tr[data-rule]")}
    assert list(rules) == [rule.id for rule in rules_for(FORMAT_2021)]  # every rule of the format, in its order
    assert rules["W3"] == "fail" and rules["R6"] == "skipped"
    checks = json.loads((seed_render / "checks.json").read_text(encoding="utf-8"))
    assert checks["passed"] is True and checks["warnings"] == 1


def test_failing_report_is_marked_on_every_pdf_page_and_strict_refuses(tmp_path: Path):
    from gongkai.synthetic import BROKEN

    township, year = next(k for k, v in BROKEN.items() if v == "R2")
    out = tmp_path / "out"
    result = gongkai("render", township, str(year), "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    folder = next(out.glob(f"{year}/*/{township}"))
    soup = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("[data-checks]")["data-checks"] == "fail"  # the official page keeps the mark
    flagged = soup.select("td.error")
    assert any(td["data-cell"] == "table3.received.total" for td in flagged)
    assert all("R" in td["title"] for td in flagged)
    pdf = folder / "report.pdf"
    pages = int(
        next(
            line
            for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")
        ).split()[1]
    )
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert "未通过校验" in text and "示例数据" in text, page

    strict_out = tmp_path / "strict"
    result = gongkai(
        "render", township, str(year), "--data", str(DATA), "--out", str(strict_out), "--strict", "--no-pdf"
    )
    assert result.returncode == 1
    assert "未通过校验" in result.stderr
    assert not strict_out.exists()


def test_the_saved_notebook_runs_again_beside_its_input_without_the_data(seed_render: Path, tmp_path: Path):
    """The executed notebook names the file it ran on: run again where it is saved, it gives the same page."""
    import papermill

    from gongkai.production import render

    for name in ("report.ipynb", "input.json"):
        (tmp_path / name).write_bytes((seed_render / name).read_bytes())
    nb = papermill.execute_notebook(str(tmp_path / "report.ipynb"), None, cwd=str(tmp_path), progress_bar=False)
    assert render.to_html(nb, title=TITLE, review_link=True) == (seed_render / "report.html").read_text("utf-8")
    given = json.loads((tmp_path / "input.json").read_text(encoding="utf-8"))
    given["checks"] = given["checks"].replace('"passed": true', '"passed": false')  # a swapped file is refused
    (tmp_path / "input.json").write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
    try:
        papermill.execute_notebook(str(tmp_path / "report.ipynb"), None, cwd=str(tmp_path), progress_bar=False)
    except papermill.PapermillExecutionError as e:
        assert "被改动过" in e.evalue
    else:
        raise AssertionError("a changed input was used")
