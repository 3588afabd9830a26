"""What the report notebook calls: one method per part, each returning HTML.

The notebook stays a list of one-line cells; everything here is plain code
the tests reach without a kernel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from gongkai import catalog, markdown
from gongkai.format import Part
from gongkai.record import Record, load_record
from gongkai.tables import Marks, table_html

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


@dataclass(frozen=True)
class Report:
    record: Record

    @classmethod
    def open(
        cls, township: str, year: int, *, county: str | None = None, data_dir: str | Path = "../data"
    ) -> Report:
        entry = catalog.resolve(Path(data_dir), township, int(year), county)
        return cls(load_record(entry.path))

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
        }

    def cover(self) -> Cover:
        r = self.record
        lines = [f'<header class="gk-cover"><h1>{escape(r.title)}</h1>']
        place = "".join(escape(x) for x in (r.province, r.city, r.county, r.township))
        lines.append(f'<p class="gk-meta">{place} · 报告年度 {r.year} · 格式 {escape(r.format.name)}</p>')
        if r.synthetic:
            lines.append(
                '<p class="gk-banner gk-synthetic">示例数据：本报告的数字和文字为程序生成的虚构内容，'
                "不是该单位公开发布的报告。</p>"
            )
        lines.append("</header>")
        return Cover("\n".join(lines), self.meta())

    def part(self, number: int, marks: Marks | None = None) -> Html:
        """Part `number` (1–6) under its official heading."""
        part: Part = self.record.format.parts[number - 1]
        head = f'<section class="gk-part gk-part-{number}">\n<h2>{escape(part.heading)}</h2>\n'
        if part.narrative:
            body = markdown.to_html(self.record.parts[part.narrative])
        else:
            assert part.table is not None
            body = table_html(self.record, part.table, marks)
        return Html(f"{head}{body}</section>\n")


def meta_of(nb: Any) -> dict[str, Any]:
    """The cover's facts, read back from an executed notebook."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if META_MIME in data:
                value = data[META_MIME]
                return dict(json.loads(value) if isinstance(value, str) else value)
    raise ValueError("executed notebook has no report cover")
