"""The index at province scale, in a real headless Chromium: search, sort, groups, a phone's width.

The audit page runs the same script (templates/table.js) on its own rows: its last tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongkai.batch.publish import write_index
from gongkai.pages.outcomes import CRASHED, RENDERED
from gongkai.pages.outcomes import Outcome as Entry
from gongkai.production.render import chromium_path

COUNTIES = {"minquan": "民权县", "suixian": "睢县", "ningling": "宁陵县"}
TOWNSHIPS = {"renhezhen": "人和镇", "hujixiang": "胡集乡", "beiguanzhen": "北关镇", "shuangtazhen": "双塔镇"}


def entries() -> list[Entry]:
    out = []
    for cid, cname in COUNTIES.items():
        for tid, tname in TOWNSHIPS.items():
            for year in (2021, 2022, 2023):
                failing = (tid, year) == ("renhezhen", 2022)
                crashed = (cid, tid, year) == ("suixian", "beiguanzhen", 2021)
                out.append(
                    Entry(
                        key=f"{year}/{cid}/{tid}",
                        status=CRASHED if crashed else RENDERED,
                        fingerprint="x",
                        county=cname,
                        township=tname,
                        year=year,
                        passed=not failing and not crashed,
                        errors=2 if failing else 0,
                        warnings=1 if tid == "hujixiang" else 0,
                        findings=["R2 表三「本年新收」行：总计＝5，但各类申请人之和＝4"] if failing else [],
                        message="报告笔记本执行出错" if crashed else "",
                        files=["report.html", "report.pdf"] if not crashed else [],
                    )
                )
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=args)
        yield browser
        browser.close()


def opened(browser: Any, path: Path) -> Any:
    """The page in Chromium once its script drew the rows; script errors and policy refusals collected."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # a CSP refusal
    page.goto(path.as_uri())
    page.wait_for_selector("#reports tbody tr")
    page.errors = errors
    return page


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("index")
    page = opened(browser, write_index(out, entries()))
    yield page
    page.close()


def shown_keys(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.dataset.key)"))


def search(page: Any, text: str) -> list[str]:
    page.fill("#filter", text)
    return shown_keys(page)


def test_all_rows_shown_without_script_errors(page: Any):
    assert len(shown_keys(page)) == 36 and page.errors == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("renhe", {f"{y}/{c}/renhezhen" for y in (2021, 2022, 2023) for c in COUNTIES}),
        ("2022 人和", {f"2022/{c}/renhezhen" for c in COUNTIES}),
        ("睢县 北关 2021", {"2021/suixian/beiguanzhen"}),
        ("NINGLING hujixiang 2023", {"2023/ningling/hujixiang"}),
        ("R2", {f"2022/{c}/renhezhen" for c in COUNTIES}),
        ("人和 2020", set()),
    ],
)
def test_search_matches_names_ids_years_and_rules_all_words(page: Any, text: str, expected: set[str]):
    assert set(search(page, text)) == expected


def test_only_failing_keeps_failed_and_broken(page: Any):
    search(page, "")
    page.check("#only-failing")
    try:
        keys = set(shown_keys(page))
    finally:
        page.uncheck("#only-failing")
    assert keys == {f"2022/{c}/renhezhen" for c in COUNTIES} | {"2021/suixian/beiguanzhen"}


def test_sort_by_outcome_puts_the_worst_first_and_toggles(page: Any):
    search(page, "")
    header = page.locator("#reports th[data-sort=outcome]")
    header.click()
    assert shown_keys(page)[0] == "2021/suixian/beiguanzhen"
    header.click()
    assert shown_keys(page)[-1] == "2021/suixian/beiguanzhen"


def test_row_says_why_it_failed(page: Any):
    search(page, "2022 minquan renhe")
    why = page.inner_text("#reports tbody tr td.why")
    assert why.startswith("R2 表三")
    assert page.inner_text("#reports tbody tr td.outcome") == "未通过（2 个错误）"


def test_groups_count_per_year_and_county(page: Any):
    summary = page.inner_text("details >> nth=1")  # 2022, the second year from the top
    assert summary.startswith("2022 年：3 个县（区），12 份报告，通过 9（有警告 3），未通过 3，未能生成 0")


def test_a_phone_width_keeps_labels_horizontal(page: Any, tmp_path: Path):
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        box = page.locator("label:has(#only-failing)").bounding_box()
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size({"width": 1200, "height": 900})
    assert box["width"] > box["height"] * 2, box  # one line, not a vertical strip
    assert overflow <= 0  # the page itself never scrolls sideways; wide tables scroll in their box


def audit_rows() -> list[Any]:
    """Files of every standing: two open errors, one, a settled warning, clean, not a report, broken."""
    from gongkai.interfaces.audit import FAILED, NOT_A_REPORT, Row

    def found(rule: str, severity: str, block: str, settled: bool = False) -> dict[str, Any]:
        note = "已确认（照录原文）" if settled else ""
        message = f"{rule} 不符"
        return {
            "rule": rule,
            "severity": severity,
            "key": f"{rule}:x",
            "message": message,
            "note": note,
            "block": block,
        }

    def row(name: str, *findings: dict[str, Any], **more: Any) -> Row:
        return Row(
            name,
            body="人和镇人民政府",
            year=2021,
            format="2021",
            cells=200,
            read=200,
            **more,
            findings=[{**f, "settled": bool(f["note"])} for f in findings],
        )

    return [
        row("b-clean.docx"),
        row("a-two-errors.pdf", found("R3", "error", "表三"), found("R4", "error", "表四"), found("W5", "warning", "")),
        row("c-settled.txt", found("W5", "warning", "正文", settled=True)),
        row("d-one-error.html", found("R3", "error", "表三")),
        Row("e-notes.bin", status=NOT_A_REPORT, message="不是文本文件"),
        Row("f-broken.pdf", status=FAILED, message="导入出错"),
    ]


@pytest.fixture(scope="module")
def audit(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from gongkai.interfaces.audit import tally
    from gongkai.pages.audit import audit_html

    rows = audit_rows()
    path = tmp_path_factory.mktemp("audit") / "index.html"
    path.write_text(audit_html(rows, tally(rows), tally(rows, settled=True), 0.95), encoding="utf-8")
    page = opened(browser, path)
    yield page
    page.close()


def shown_files(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("#reports tbody tr td:first-child", "cells => cells.map(c => c.textContent)"))


def test_audit_page_runs_the_index_script_and_draws_every_file(audit: Any, page: Any):
    scripts = "s => [...s].filter(e => !e.type).map(e => e.textContent)"
    assert audit.eval_on_selector_all("script", scripts) == page.eval_on_selector_all("script", scripts)
    assert len(shown_files(audit)) == 6 and audit.errors == []
    assert audit.inner_text("#count") == "共 6 个文件"


def test_audit_page_sorts_most_findings_first_then_by_name(audit: Any):
    audit.fill("#filter", "")
    findings = audit.locator("#reports th[data-sort=findings]")
    findings.click()  # worst first: two open errors, one, a warning settled, not reports
    assert shown_files(audit)[:2] == ["a-two-errors.pdf", "d-one-error.html"]
    findings.click()
    assert shown_files(audit)[-2:] == ["d-one-error.html", "a-two-errors.pdf"]
    audit.locator("#reports th[data-sort=file]").click()
    assert shown_files(audit) == sorted(shown_files(audit))


def test_audit_page_filters_by_rule_link_and_by_trouble(audit: Any):
    audit.click("table.tally a[data-find=R4]")
    assert audit.input_value("#filter") == "R4" and shown_files(audit) == ["a-two-errors.pdf"]
    assert audit.inner_text("#count") == "找到 1 个（共 6 个）"
    why = audit.inner_text("#reports tbody tr td.why")
    assert why.split("\n")[:2] == ["W5 W5 不符", "表三"]  # findings grouped by block (W5's is blank), in order
    audit.fill("#filter", "")
    audit.check("#only-failing")
    try:
        assert set(shown_files(audit)) == {"a-two-errors.pdf", "d-one-error.html", "e-notes.bin", "f-broken.pdf"}
    finally:
        audit.uncheck("#only-failing")
