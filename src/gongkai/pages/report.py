"""What the report notebook calls: one method per part, each returning HTML.

The notebook stays a list of one-line cells; everything here is plain code
the tests reach without a kernel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

from gongkai.checks.report import CheckReport
from gongkai.errors import GongkaiError
from gongkai.format import Part
from gongkai.pages import markdown
from gongkai.pages.tables import table_html
from gongkai.records import catalog
from gongkai.records.record import Record, load_record

META_MIME = "application/vnd.gongkai.meta+json"


class Html(str):
    """HTML that Jupyter displays as HTML, with a short plain-text stand-in."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<HTML, {len(self)} characters>"


@dataclass(frozen=True)
class Cover:
    """The title block; also carries the facts the renderer needs (PDF header)."""

    html: str
    meta: dict[str, Any]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, META_MIME: self.meta, "text/plain": self.meta["title"]}


def load_previous(record: Record) -> tuple[Record | None, str]:
    """Last year's record for the cross-year rules, or why there is none."""
    if record.path is None:
        return None, "没有上年记录"
    path = record.path.with_name(f"{record.year - 1}.yaml")
    if not path.exists():
        return None, f"没有 {record.year - 1} 年的记录"
    try:
        return load_record(path), ""
    except GongkaiError as e:
        return None, f"{record.year - 1} 年的记录无效（{e}）"


@dataclass
class Report:
    record: Record
    checks_path: Path | None = None  # checks.json computed by the runner, if any

    @classmethod
    def open(
        cls,
        township: str,
        year: int,
        *,
        county: str | None = None,
        data_dir: str | Path = "../data",
        checks: str | Path | None = None,
    ) -> Report:
        entry = catalog.resolve(Path(data_dir), township, int(year), county)
        return cls(load_record(entry.path), Path(checks) if checks else None)

    @cached_property
    def previous(self) -> tuple[Record | None, str]:
        """Last year's record, or why there is none."""
        return load_previous(self.record)

    @cached_property
    def history(self) -> list[Record]:
        """Every earlier year on record that loads, oldest first (for the trend chart)."""
        return load_history(self.record)

    @cached_property
    def checks(self) -> CheckReport:
        """The runner's outcome when it passed one in, else run the suites here."""
        if self.checks_path is not None:
            return CheckReport.from_dict(json.loads(self.checks_path.read_text(encoding="utf-8")))
        from gongkai.checks import check

        return check(self.record, self.previous[0])

    def meta(self) -> dict[str, Any]:
        r = self.record
        return {
            "title": r.title,
            "body": r.body,
            "county": r.county,
            "township": r.township,
            "county_id": r.county_id,
            "township_id": r.township_id,
            "year": r.year,
            "format": r.format.id,
            "synthetic": r.synthetic,
            "passed": self.checks.passed,
            "errors": len(self.checks.errors),
            "warnings": len(self.checks.warnings),
            "accepted": len(self.checks.accepted),
            "allowed": len(self.checks.allowed),  # errors a reviewer let through: every PDF page says so
        }

    def cover(self) -> Cover:
        from gongkai.checks.view import banner

        r = self.record
        lines = [f'<header class="gk-cover"><h1>{escape(r.title)}</h1>']
        place = "".join(escape(x) for x in (r.province, r.city, r.county, r.township))
        lines.append(f'<p class="gk-meta">{place} · 报告年度 {r.year} · 格式 {escape(r.format.name)}</p>')
        if r.synthetic:
            lines.append(
                '<p class="gk-banner gk-synthetic">示例数据：本报告的数字和文字为程序生成的虚构内容，'
                "不是该单位公开发布的报告。</p>"
            )
        lines.append(banner(self.checks))
        lines.append("</header>")
        return Cover("\n".join(lines), self.meta())

    def part(self, number: int) -> Html:
        """Part `number` (1–6) under its official heading; failing cells highlighted."""
        part: Part = self.record.format.parts[number - 1]
        head = f'<section class="gk-part gk-part-{number}">\n<h2>{escape(part.heading)}</h2>\n'
        if part.narrative:
            body = markdown.to_html(self.record.parts[part.narrative])
        else:
            assert part.table is not None
            body = table_html(self.record, part.table, self.checks.marks())
        return Html(f"{head}{body}</section>\n")

    def appendix(self) -> Html:
        """附录一: every rule and its outcome."""
        from gongkai.checks.view import appendix

        return Html(appendix(self.checks))

    def comparison(self) -> Html:
        """附录二: each table beside last year's, and the largest changes."""
        from gongkai.pages.compare import comparison_html

        return Html(comparison_html(self.record, *self.previous))

    def charts(self) -> Html:
        """附录三: outcomes, applicants, and the trend over the years on record."""
        from gongkai.pages.charts import report_charts

        figures = "\n".join(
            f'<figure class="gk-chart">{svg}</figure>' for svg in report_charts(self.record, self.history)
        )
        return Html(f'<section class="gk-appendix gk-charts">\n<h2>附录三　图表</h2>\n{figures}\n</section>\n')

    def provenance(self) -> Html:
        """附录四: the files, hashes, suites, notebook and versions this page was made from."""
        from gongkai.pages import provenance
        from gongkai.resources import EXPECTATIONS, NOTEBOOK

        r = self.record
        assert r.path is not None
        data_dir = r.path.parents[2]
        previous = self.previous[0]
        parameters = {"township": r.township_id, "county": r.county_id, "year": r.year}
        found = provenance.items(
            r.path, data_dir, r.source, previous.path if previous else None, EXPECTATIONS, NOTEBOOK, parameters
        )
        return Html(provenance.provenance_html(found))


def load_history(record: Record) -> list[Record]:
    if record.path is None:
        return []
    found = []
    for path in sorted(record.path.parent.glob("*.yaml")):
        if path.stem.isdigit() and int(path.stem) < record.year:
            try:
                found.append(load_record(path))
            except GongkaiError:
                continue  # an invalid earlier year is reported by its own render
    return found


def meta_of(nb: Any) -> dict[str, Any]:
    """The cover's facts, read back from an executed notebook."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if META_MIME in data:
                value = data[META_MIME]
                return dict(json.loads(value) if isinstance(value, str) else value)
    raise ValueError("executed notebook has no report cover")
