"""Running headers and footers repeated on every page of a PDF are not body text.

Our own PDFs print 「未通过校验（2 个错误）」「示例数据（虚构）」 and the title on every page; real ones
print the body's name or a document number. The body name read from the title must not absorb them, or two
years of one body are never paired.
"""

from __future__ import annotations

from pathlib import Path

from conftest import DATA
from gongkai import importers
from gongkai.importers.running import furniture
from gongkai.records.record import load_record
from published import published_html


def test_lines_repeated_in_the_margins_of_pages_and_our_own_marks_are_furniture():
    lines = [
        (1, "某市某局文件", True),
        (1, "某市某局2023年政府信息公开工作年度报告", False),
        (1, "第 1 页", True),
        (2, "某市某局文件", True),
        (2, "一、总体情况", False),
        (2, "第 2 页", True),
        (3, "未通过校验（2 个错误）　示例数据（虚构）", True),
        (3, "只在一页的页边出现的一行", True),
    ]
    assert furniture(lines) == {0, 2, 3, 5, 6}


def test_our_pdf_with_its_failure_and_sample_marks_imports_with_the_body_name_alone(tmp_path: Path):
    from gongkai.production.render import Printer, stylesheet

    record = load_record(DATA / "minquan" / "beiguanzhen" / "2022.yaml")
    head = f"<meta charset='utf-8'><style>{stylesheet()}</style></head>"
    with Printer() as printer:
        pdf = printer.pdf(
            published_html(record).replace("</head>", head, 1),
            header=f"{record.body}{record.year}年政府信息公开工作年度报告",
            alert="未通过校验（2 个错误）　示例数据（虚构）",
        )
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = importers.import_file(path)
    assert (result.data["body"], result.data["year"]) == (record.body, record.year)
    assert not result.missing_cells()
    assert "示例数据" not in "".join(str(v) for v in result.data["parts"].values())
