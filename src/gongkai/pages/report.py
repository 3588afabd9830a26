"""What the report notebook calls: one method per part, each returning HTML.

The notebook stays a list of one-line cells; everything here is plain code
the tests reach without a kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache, cached_property
from html import escape
from pathlib import Path
from typing import Any

from gongkai.checks.report import CheckReport, draft_note
from gongkai.errors import GongkaiError
from gongkai.format import Part
from gongkai.pages import markdown
from gongkai.pages.tables import table_html
from gongkai.records import catalog
from gongkai.records.history import load_previous
from gongkai.records.record import Record, load_record

META_MIME = "application/vnd.gongkai.meta+json"
REVIEW_POINTER = "详见审阅版的校验结果"  # the failing banner's pointer; the preview lists the findings instead
LAB_STYLE = "data-gk-lab"  # marks the stylesheet the cover carries for JupyterLab; exported pages drop it


@cache
def lab_style() -> str:
    """The tables' and banners' styles (only `.gk-` rules, safe inside JupyterLab), for the notebook itself."""
    from gongkai.resources import TEMPLATES

    return f"<style {LAB_STYLE}>\n{(TEMPLATES / 'parts.css').read_text(encoding='utf-8')}</style>\n"


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


HASH_NAME = re.compile(r"[0-9a-f]{64}\.json")


def _checks_text(checks: str | Path) -> str:
    """The runner's checks: a bare `<sha256>.json` is looked up in its private folder and verified.

    What the kernel reads must be what the runner computed; a swapped file
    would make a failing report say it passed.
    """
    name = str(checks)
    if not HASH_NAME.fullmatch(name):
        return Path(checks).read_text(encoding="utf-8")  # a path typed by someone running the notebook by hand
    folder = os.environ.get("GONGKAI_CHECKS_DIR")
    if not folder:
        raise GongkaiError(f"找不到校验结果 {name}：未设置 GONGKAI_CHECKS_DIR（请用 gongkai render 生成）")
    path = Path(folder) / name
    raw = path.read_bytes()  # read once: what is verified is what is used
    if hashlib.sha256(raw).hexdigest() != name.removesuffix(".json"):
        raise GongkaiError(f"校验结果 {path} 被改动过（内容与其哈希不符）：拒绝使用")
    return raw.decode("utf-8")


@dataclass
class Report:
    record: Record
    checks_path: Path | None = None  # checks.json computed by the runner, if any
    checks_text: str | None = None  # ... or its text, already read and verified
    git: str | None = None  # the data folder's commit as the caller read it; None: read it here

    @classmethod
    def open(
        cls,
        township: str | None,
        year: int | None,
        *,
        county: str | None = None,
        data_dir: str | Path | None = "../data",
        checks: str | Path | None = None,
        git: str | None = None,
    ) -> Report:
        _quiet_errors()
        if township is None or year is None or data_dir is None:  # the shipped template, run as it is
            raise GongkaiError(
                "没有给出乡镇、年度和数据目录：这是随软件包发布的模板，请在终端运行 `gongkai notebook 乡镇 年度`"
                "（如 gongkai notebook 胡集乡 2024），在 JupyterLab 中打开它写出的工作副本"
            )
        if not Path(data_dir).is_dir():
            raise GongkaiError(
                f"找不到数据目录 {data_dir}（当前目录 {Path.cwd()}）：请把参数单元格中的 data_dir 改为记录所在的目录，"
                "或用 `gongkai notebook 乡镇 年度` 重新生成工作副本。"
            )
        entry = catalog.resolve(Path(data_dir), township, int(year), county)
        return cls(load_record(entry.path), checks_text=_checks_text(checks) if checks else None, git=git)

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
        if self.checks_text is None and self.checks_path is not None:
            self.checks_text = self.checks_path.read_text(encoding="utf-8")
        if self.checks_text is not None:
            return CheckReport.from_dict(json.loads(self.checks_text))
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
            "drafts": list(self.checks.drafts),  # parts still last year's text: every page says so
        }

    def cover(self) -> Cover:
        """The title as a published report sets it; a synthetic or failing report says so under it."""
        r = self.record
        lines = [f'<header class="gk-cover"><h1 class="gk-title">{"<br>".join(map(escape, r.title_lines))}</h1>']
        if r.synthetic:
            lines.append(
                '<p class="gk-banner gk-synthetic">示例数据：本报告的数字和文字为程序生成的虚构内容，'
                "不是该单位公开发布的报告。</p>"
            )
        if self.checks.drafts:  # carried by `gongkai new` and not yet rewritten
            lines.append(
                f'<p class="gk-banner gk-draft">草稿：{escape(draft_note(self.checks.drafts))}'
                "（由上年报告沿用），改写后此标记自动消失；发布前请改写。</p>"
            )
        if not self.checks.passed:  # the official document has no appendix: point to the review page
            lines.append(
                '<p class="gk-banner gk-fail" data-checks="fail">'
                f"{escape(self.checks.summary())}（表中标红的单元格不符合勾稽关系，"
                f"{REVIEW_POINTER}；修正前不应发布）</p>"
            )
        lines.append("</header>")
        return Cover(lab_style() + "\n".join(lines), self.meta())

    def status(self) -> Html:
        """For the reviewer only: where and what the report is, and the checks' verdict when it passed."""
        from gongkai.checks.view import appendix_keys, banner, findings_list

        r = self.record
        place = "".join(escape(x) for x in (r.province, r.city, r.county, r.township))
        line = f'<p class="gk-meta">{place} · 报告年度 {r.year} · 格式 {escape(r.format.name)}</p>'
        found = findings_list(self.checks, appendix_keys(self.checks, r, self.previous[0]))
        return Html(line + (banner(self.checks) if self.checks.passed else "") + found)

    def part(self, number: int) -> Html:
        """Part `number` (1–6) under its official heading; failing cells highlighted."""
        part: Part = self.record.format.parts[number - 1]
        head = f'<section class="gk-part gk-part-{number}">\n<h2>{escape(part.heading)}</h2>\n'
        if part.narrative:
            body = markdown.to_html(self.record.parts[part.narrative])
        else:
            assert part.table is not None
            body = table_html(self.record, part.table, self.checks.marks(), anchors=True)
        return Html(f"{head}{body}</section>\n")

    def appendix(self) -> Html:
        """附录一: every rule and its outcome, and the arithmetic behind each checked figure."""
        from gongkai.checks.view import appendix

        return Html(appendix(self.checks, self.record, self.previous[0]))

    def comparison(self) -> Html:
        """附录二: each table beside last year's, and the largest changes."""
        from gongkai.pages.compare import comparison_html

        return Html(comparison_html(self.record, *self.previous))

    def charts(self) -> Html:
        """附录三: outcomes, applicants, and the trend over the years on record."""
        from gongkai.pages.charts import report_charts

        figures = "\n".join(report_charts(self.record, self.history))
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
        earlier = previous.path if previous else None
        found = provenance.items(r.path, data_dir, r.source, earlier, EXPECTATIONS, NOTEBOOK, parameters, self.git)
        return Html(provenance.provenance_html(found))


def _quiet_errors() -> None:
    """In a notebook, a bad parameter or record shows as its one Chinese sentence, not a traceback.

    The cell still fails (papermill and `gongkai render` see the error); only what is shown changes.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(shell: Any, etype: type[BaseException], value: BaseException, tb: Any, tb_offset: Any = None) -> Any:
        shell._showtraceback(etype, value, [f"出错：{value}"])  # the error output Jupyter and papermill read
        return None

    shell.set_custom_exc((GongkaiError,), one_line)


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
    """The cover's facts, read back from an executed notebook (a NotebookNode or its plain JSON)."""
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if META_MIME in data:
                value = data[META_MIME]
                return dict(json.loads(value) if isinstance(value, str) else value)
    raise ValueError("executed notebook has no report cover")
