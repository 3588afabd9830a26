"""Nothing typed into a record runs in a reader's browser: opened in real headless Chromium.

A private county whose names, narrative, body and source carry script,
event-handler, javascript: and comment payloads is rendered in bulk by the
real command line (with a PDF), then report.html and index.html are loaded
in Chromium and inspected as a reader's browser sees them.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DATA, GONGKAI, REPO
from gongkai.pages.templating import TABLE_SCRIPT as SCRIPT
from gongkai.production.render import chromium_path
from gongkai.records.record import dump_record, load_record

RUN = "window.__pwned=1"
COMMENT = "INJECTED-COMMENT"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f"[点这里](javascript:{RUN})",
    f"[大小写](JaVaScRiPt:{RUN})",
    f"![图](javascript:{RUN})",
    f"<javascript:{RUN}>",
    f'<a href="javascript:{RUN}">链接</a>',
    f"<!-- {COMMENT} -->",
    f"<svg onload={RUN}>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    "<style>body{display:none}</style>",
    f'[标题](http://example.invalid "x\\" onmouseover=\\"{RUN}")',
]
NARRATIVE = "\n\n".join(["## 注入测试", *PAYLOADS, "正文结束。"]) + "\n"
BODY = f'胡集乡人民政府"><b>BODYMARK</b><script>{RUN}</script>'
NAMES = {
    "province": "河南省</title><script>window.__pwned=1</script>",
    "city": f"商丘市<!-- {COMMENT} -->",
    "county": f"民权县<svg onload={RUN}>",
    "township": f'胡集乡<img src=x onerror="{RUN}">',
}
# county.yaml must agree with the record it files (the loader compares them), so the names are the same payloads.
COUNTY_NAME = NAMES["county"]
TOWNSHIP_NAME = NAMES["township"]
INVALID_NAME = f"人和镇<svg onload={RUN}>"
INVALID_LEVEL = f"<img src=x onerror={RUN}>"


def hostile_data(root: Path) -> Path:
    """minquan with two townships: 胡集乡 full of payloads, 人和镇 invalid with one in its error."""
    folder = root / "data" / "minquan"
    county = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    county.update(name=COUNTY_NAME, province=NAMES["province"], city=NAMES["city"])
    county["townships"] = {
        "hujixiang": {"name": TOWNSHIP_NAME, "level": "乡"},
        "renhezhen": {"name": INVALID_NAME, "level": "镇"},
    }
    for t in county["townships"]:
        (folder / t).mkdir(parents=True)
    (folder / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")

    seed = load_record(DATA / "minquan" / "hujixiang" / "2021.yaml")
    parts = {key: NARRATIVE for key in seed.parts}
    hostile = dataclasses.replace(seed, body=BODY, parts=parts, source=f"<a href='javascript:{RUN}'>来源</a>", **NAMES)
    (folder / "hujixiang" / "2021.yaml").write_text(dump_record(hostile), encoding="utf-8")
    assert load_record(folder / "hujixiang" / "2021.yaml").body == BODY  # the payloads survive loading

    text = (DATA / "minquan" / "renhezhen" / "2021.yaml").read_text(encoding="utf-8")
    assert "level: 镇" in text
    bad = text.replace("level: 镇", f"level: {yaml.safe_dump(INVALID_LEVEL).splitlines()[0]}")
    (folder / "renhezhen" / "2021.yaml").write_text(bad, encoding="utf-8")
    return root / "data"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    data = hostile_data(root)
    out = root / "out"
    result = subprocess.run(
        [*GONGKAI, "render", "--all", "--data", str(data), "--out", str(out), "--jobs", "1", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr  # 人和镇 is invalid: bad input
    assert "本次生成" in result.stdout
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=args)
        yield chromium
        chromium.close()


# Everything a page holds that could run or hide something, as the browser parsed it.
INSPECT = """() => {
  const all = [...document.querySelectorAll('*')];
  const comments = [];
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
  while (walker.nextNode()) comments.push(walker.currentNode.data);
  const urls = all.flatMap(e => ['href', 'src', 'action', 'formaction', 'xlink:href', 'data']
    .map(a => e.getAttribute(a)).filter(v => v !== null));
  return {
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    parentPwned: window.parent.__pwned === undefined ? null : String(window.parent.__pwned),
    scripts: [...document.scripts].filter(s => !s.type || /javascript|module/i.test(s.type)).map(s => s.textContent),
    data: [...document.scripts].filter(s => s.type === 'application/json').length,
    handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
      .map(a => e.tagName + ' ' + a.name)),
    javascriptUrls: urls.filter(v => v.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase().startsWith('javascript:')),
    comments: comments,
    foreign: [...document.querySelectorAll('body img, body svg, body iframe, body object, body embed, body style, '
      + 'body form, meta[http-equiv="refresh"], body meta')]
      .filter(e => !e.closest('figure.gk-chart'))  // our own charts (pages/svg.py: no script, style or link)
      .map(e => e.outerHTML.slice(0, 80)),
    text: document.body.innerText,
    title: document.title,
  };
}"""


def inspect(browser: Any, page_path: Path) -> dict[str, Any]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let any error/load handler that got through fire
    found: dict[str, Any] = page.evaluate(INSPECT)
    found["dialogs"] = dialogs
    page.close()
    return found


def assert_inert(found: dict[str, Any]) -> None:
    assert found["pwned"] is None and found["parentPwned"] is None and not found["dialogs"]
    assert found["handlers"] == []
    assert found["javascriptUrls"] == []
    assert not [c for c in found["comments"] if COMMENT in c]
    assert found["foreign"] == []


def test_report_html_runs_nothing_and_shows_the_payloads_as_text(rendered: Path, browser: Any) -> None:
    folder = rendered / "2021" / "minquan" / "hujixiang"
    found = inspect(browser, folder / "report.html")
    assert_inert(found)
    assert found["scripts"] == []
    assert found["title"].startswith(BODY)
    for shown in (BODY, f"<script>{RUN}</script>", f"<!-- {COMMENT} -->", f"<svg onload={RUN}>"):
        assert shown in found["text"], shown
    assert f"[点这里](javascript:{RUN})" in found["text"]
    review = inspect(browser, folder / "report.review.html")  # the place names are on the reviewer's page
    assert_inert(review)
    assert review["scripts"] == []
    for shown in NAMES.values():
        assert shown in review["text"], shown


def test_report_html_forbids_every_script_by_policy(rendered: Path) -> None:
    html = (rendered / "2021" / "minquan" / "hujixiang" / "report.html").read_text(encoding="utf-8")
    policy = BeautifulSoup(html, "html.parser").select('head meta[http-equiv="Content-Security-Policy"]')
    assert [m["content"] for m in policy] == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]


def test_index_runs_only_its_own_script_and_shows_names_and_errors_as_text(rendered: Path, browser: Any) -> None:
    found = inspect(browser, rendered / "index.html")
    assert_inert(found)
    assert found["scripts"] == [SCRIPT]
    for shown in (COUNTY_NAME, TOWNSHIP_NAME, INVALID_NAME, "<img src=x onerror="):
        assert shown in found["text"], shown


def test_pdf_header_and_body_print_the_payloads_literally(rendered: Path) -> None:
    pdf = rendered / "2021" / "minquan" / "hujixiang" / "report.pdf"
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = first.replace("\n", "")
    assert "<b>BODYMARK</b>" in first  # the title as text, not bold markup
    assert f"<script>{RUN}</script>" in first
