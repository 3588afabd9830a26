"""The reviewer's view: year over year, charts, provenance, review HTML, county summary, determinism."""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import DATA, check_golden, normalize_html
from gongkai.pages import summary
from gongkai.pages.compare import comparison_html, largest
from gongkai.pages.report import Report
from gongkai.records import catalog
from gongkai.records.record import load_record
from test_bulk import bulk, small_county


def test_comparison_with_previous_year_matches_golden():
    record = load_record(DATA / "minquan" / "renhezhen" / "2023.yaml")
    previous = load_record(DATA / "minquan" / "renhezhen" / "2022.yaml")
    html = comparison_html(record, previous)
    check_golden("renhezhen-2023-comparison.html", normalize_html(html))
    moves = largest(record, previous)
    assert moves and all(abs(a.delta) >= abs(b.delta) for a, b in pairwise(moves))
    assert f"{moves[0].label}：{moves[0].before} → {moves[0].after}" in html


def test_without_previous_year_it_says_so_once():
    report = Report(load_record(DATA / "minquan" / "hujixiang" / "2021.yaml"))
    html = str(report.comparison())
    assert html.count("没有 2020 年的记录") == 1
    assert "<table" not in html


def strip_volatile(html: str) -> str:
    """Golden summaries compare layout and figures; the stylesheet and the chart bytes have tests of their own."""
    html = re.sub(r"<style>.*?</style>", "<style/>", html, flags=re.S)
    return re.sub(r"<svg.*?</svg>", "<svg/>", html, flags=re.S)


def test_county_summary_of_a_small_county_matches_golden(tmp_path):
    data = small_county(tmp_path, years=(2021,))
    entries = list(catalog.entries(data, year=2021))
    made = summary.build("民权县", 2021, entries, {})
    assert made is not None
    html = made.html
    assert not made.passed and made.errors == len(
        BeautifulSoup(html, "html.parser").select(".gk-checks tr.gk-rule-error li")
    )
    check_golden("small-county-2021-summary.html", normalize_html(strip_volatile(html)))
    soup = BeautifulSoup(html, "html.parser")
    totals = {td["data-cell"]: td.get_text() for td in soup.select("td[data-cell]")}
    expected = sum(
        load_record(e.path).value("table3", "received", "total") or 0 for e in entries
    )  # the county row is the townships' sum
    assert totals["table3.received.total"] == str(expected)
    assert soup.select_one("[data-checks]")["data-checks"] == "fail"  # shunhexiang 2021 breaks R3; so does the sum
    source = soup.select_one('.gk-sources li[data-rule="R3"]')
    assert source is not None and "顺河乡" in source.get_text()  # the appendix names who broke the totals


@pytest.fixture(scope="module")
def two_renders(tmp_path_factory):
    root = tmp_path_factory.mktemp("twice")
    data = small_county(root, townships=("renhezhen",), years=(2021, 2022))
    first, second = root / "a", root / "b"
    # renhezhen 2022 fails its checks on purpose: exit 1, everything rendered; two workers, then one
    assert bulk(data, first, "--all", "--no-pdf", "--jobs", "2").returncode == 1
    assert bulk(data, second, "--all", "--no-pdf", "--jobs", "1").returncode == 1
    return data, first, second


def test_same_inputs_give_byte_identical_pages(two_renders):
    _, first, second = two_renders
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html") if p.name != "index.html")
    names = {p.name for p in pages}
    assert names == {"report.html", "report.review.html", "summary.html"}
    assert len(pages) == 2 * 2 + 2  # two years × two pages, two summaries
    for page in pages:
        assert (first / page).read_bytes() == (second / page).read_bytes(), page
    documents = sorted(p.relative_to(first) for p in first.rglob("report.docx"))
    assert len(documents) == 2
    for document in documents:
        assert (first / document).read_bytes() == (second / document).read_bytes(), document


def test_charts_exist_are_chinese_and_identical_across_renders(two_renders):
    _, first, second = two_renders
    page = Path("2022/minquan/renhezhen/report.review.html")
    svgs = [
        BeautifulSoup((root / page).read_text("utf-8"), "html.parser").select("figure.gk-chart svg")
        for root in (first, second)
    ]
    assert len(svgs[0]) == 3
    for a, b in zip(*svgs, strict=True):
        assert str(a) == str(b)
    outcomes, applicants, trend = svgs[0]
    assert len(outcomes.select("rect")) == 6 and len(applicants.select("rect")) == 6  # a bar per group, per kind
    assert len(trend.select("polyline")) == 3 and len(trend.select("circle title")) == 3 * 2  # two years on record
    text = " ".join(s.get_text() for s in svgs[0])
    assert "申请办理结果" in text and "历年申请情况" in text and "2021年" in text and "2022年" in text


def test_provenance_names_the_record_hash_and_keeps_time_out_of_the_page(two_renders):
    data, first, _ = two_renders
    folder = first / "2022" / "minquan" / "renhezhen"
    html = (folder / "report.review.html").read_text("utf-8")
    record = data / "minquan" / "renhezhen" / "2022.yaml"
    assert hashlib.sha256(record.read_bytes()).hexdigest() in html
    assert "minquan/renhezhen/2021.yaml" in html  # the previous year's record
    assert "great-expectations" in html and "papermill" in html
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    started = nb.metadata["papermill"]["start_time"]
    assert started[:16] not in html  # rendering time lives in the notebook only


def test_review_page_shows_the_code_behind_every_figure(two_renders):
    _, first, _ = two_renders
    review = (first / "2022" / "minquan" / "renhezhen" / "report.review.html").read_text("utf-8")
    plain = BeautifulSoup(review, "html.parser").get_text()
    assert "report.part(3)" in plain and "Report.open(" in plain and 'township = "renhezhen"' in plain
    reader = (first / "2022" / "minquan" / "renhezhen" / "report.html").read_text("utf-8")
    assert "report.part(3)" not in reader
    assert "附录" not in BeautifulSoup(reader, "html.parser").get_text()  # the official page has no appendix


def test_index_links_the_county_summary(two_renders):
    _, first, _ = two_renders
    soup = BeautifulSoup((first / "index.html").read_text("utf-8"), "html.parser")
    links = {a["href"] for a in soup.select("a")}
    assert {"2021/minquan/summary.html", "2022/minquan/summary.html"} <= links


def test_all_zero_charts_say_so_in_a_line_instead_of_an_empty_frame():
    html = str(Report(load_record(DATA / "minquan" / "hujixiang" / "2021.yaml")).charts())
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("svg")
    assert len(soup.select("p.gk-chart-empty")) == 3 and "各项均为 0" in soup.get_text()


def test_licensing_and_penalties_are_two_series_not_one_sum():
    from gongkai.pages.charts import grouped_bars

    svg = grouped_bars("行政许可与行政处罚决定（件）", ["甲乡", "乙镇"], {"行政许可": [170, 3], "行政处罚": [90, 0]})
    text = BeautifulSoup(svg, "html.parser").get_text()
    assert "行政许可" in text and "行政处罚" in text  # a legend with both
    assert "170" in text and "90" in text and "260" not in text


def test_self_numbered_list_items_get_no_bullet():
    from gongkai.pages.markdown import to_html

    soup = BeautifulSoup(to_html("- 1、认识不够\n- 2、力度不大\n\n另起一段\n\n- 甲\n- 乙\n"), "html.parser")
    lists = soup.select("ul")
    assert lists[0].get("class") == ["gk-numbered"] and lists[1].get("class") is None


@pytest.mark.parametrize("width", [1280, 390])
def test_the_review_page_leads_to_the_problem_in_a_browser(two_renders, width):
    """Chromium at a desktop and a phone width: findings at the top, links that land, readable compact code."""
    import os

    from playwright.sync_api import sync_playwright

    from gongkai.production.render import chromium_path

    root, first, _ = two_renders
    path = first / "2022" / "minquan" / "renhezhen" / "report.review.html"
    html = path.read_text("utf-8")
    assert str(root) not in html and "\\u" not in html  # no machine path, no escaped Chinese
    args = ["--disable-gpu", "--disable-dev-shm-usage"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=args)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(path.as_uri())
        parameters = page.inner_text(".celltag_injected-parameters")
        assert 'report_input = "input.json"' in parameters and "data_dir" not in parameters  # the input beside it
        nav = page.locator("nav.gk-findings")
        box = nav.bounding_box()
        assert box is not None and box["y"] < 1400, box  # near the top, not 4,000 px down
        assert "R2" in nav.inner_text()
        links = page.eval_on_selector_all("nav.gk-findings a", "as => as.map(a => a.getAttribute('href'))")
        assert any(h.startswith("#cell-") for h in links) and any(not h.startswith("#cell-") for h in links)
        for href in links:  # every link lands on a real place: a highlighted cell or a line of 附录一
            target = page.locator(f'[id="{href[1:]}"]')
            assert target.count() == 1, href
            if href.startswith("#cell-"):
                assert "error" in (target.get_attribute("class") or ""), href
            else:
                assert target.evaluate("e => e.closest('.gk-checks') !== null"), href
        nav.locator("a", has_text="附录一").first.click()
        assert page.evaluate("document.querySelector(':target')?.closest('.gk-checks') != null")
        heights = page.eval_on_selector_all(
            ".jp-InputArea-editor", "es => es.map(e => e.getBoundingClientRect().height)"
        )
        one_line = sorted(heights)[len(heights) // 2]  # most cells are one call: report.part(1)
        assert one_line < 28, heights  # a line of code, not a tall grey box
        browser.close()
