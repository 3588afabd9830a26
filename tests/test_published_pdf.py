"""The official PDF of every bundled record, as a typesetter would check it.

One bulk render of data/ (real kernels, nbconvert, Chromium), then each PDF
page by page: no appendix, no blank page, table 二 and table 三 each on one
page, a heading never last on its page, the seed within four pages.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import DATA, gongkai
from gongkai.format.model import leaves
from gongkai.records import catalog
from gongkai.records.record import load_record


def pages_of(pdf: Path) -> list[str]:
    """Each page's text; pdftotext separates pages with a form feed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def every_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    args = ("render", "--all", "--data", str(DATA), "--out", str(out), "--formats", "pdf", "--no-progress")
    result = gongkai(*args, timeout=1800)  # 63 reports: about a minute on a quiet 2-core machine
    assert result.returncode in (0, 1), result.stderr  # bundled failing examples exit 1, everything rendered
    return out


def _entries() -> list[catalog.Entry]:
    return list(catalog.entries(DATA))


def test_every_bundled_record_has_an_official_pdf_without_appendix_or_blank_page(every_pdf: Path):
    entries = _entries()
    assert len(entries) >= 60
    for entry in entries:
        pdf = every_pdf / str(entry.year) / entry.county.id / entry.township.id / "report.pdf"
        pages = pages_of(pdf)
        assert pages, pdf
        for n, page in enumerate(pages, 1):
            words = compact(page).replace(f"-{n}-", "")
            assert len(words) > 40, f"{pdf} page {n} is (nearly) blank: {page!r}"
            assert "附录" not in page and "SHA-256" not in page, f"{pdf} page {n} carries an appendix"


def _page_of(pages: list[str], label: str, after: int = 0) -> int:
    return next(i for i, p in enumerate(pages) if i >= after and label in compact(p))


def test_tables_two_and_three_are_never_split_and_headings_never_end_a_page(every_pdf: Path):
    for entry in _entries():
        record = load_record(entry.path)
        fmt = record.format
        pdf = every_pdf / str(entry.year) / entry.county.id / entry.township.id / "report.pdf"
        pages = pages_of(pdf)
        t2, t3 = fmt.table("table2"), fmt.table("table3")
        part2 = _page_of(pages, compact(fmt.parts[1].heading))
        first, last = t2.blocks[0].item, leaves(t2.blocks[-1].rows)[-1].text
        assert _page_of(pages, compact(first), part2) == _page_of(pages, compact(last), part2) == part2, (
            f"{pdf}: table 二 split or apart from its heading"
        )
        part3 = _page_of(pages, compact(fmt.parts[2].heading))
        rows = t3.row_nodes()
        for row in (rows[0], rows[-1]):
            assert _page_of(pages, compact(row.text)[:12], part3) == part3, f"{pdf}: table 三 split ({row.text})"
        for part in fmt.parts:
            n = _page_of(pages, compact(part.heading))
            tail = compact(pages[n]).split(compact(part.heading), 1)[1]
            assert len(tail.replace(f"-{n + 1}-", "")) > 0, f"{pdf}: {part.heading} alone at the bottom of page {n + 1}"


def test_seed_pdf_is_four_pages_at_most_with_no_running_header(every_pdf: Path):
    pdf = every_pdf / "2021" / "minquan" / "hujixiang" / "report.pdf"
    pages = pages_of(pdf)
    assert len(pages) <= 4
    text = compact("".join(pages))
    assert text.count("2021年政府信息公开工作年度报告") == 1  # the title once: no running header
    assert "示例数据" not in text and "校验" not in text  # a passing real report carries no mark
    for n, page in enumerate(pages, 1):
        assert compact(page).endswith(f"-{n}-"), f"page {n} lacks its number in the published style"


def test_formats_flag_makes_only_what_was_asked(every_pdf: Path):
    folder = every_pdf / "2021" / "minquan" / "hujixiang"
    names = {p.name for p in folder.iterdir()}
    assert "report.pdf" in names and "report.review.html" in names
    assert "report.docx" not in names and "report.html" not in names and "report.review.pdf" not in names
