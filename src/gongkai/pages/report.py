"""What the report notebook calls: one method per part, each returning HTML.

The notebook stays a list of one-line cells; everything here is plain code
the tests reach without a kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.checks import check
from gongkai.checks.report import CheckReport, draft_note
from gongkai.checks.view import appendix, appendix_keys, arithmetic_lines, banner, findings_list
from gongkai.errors import GongkaiError
from gongkai.format import Part
from gongkai.pages import inputs, markdown, provenance
from gongkai.pages.inputs import ReportInput
from gongkai.pages.tables import table_html
from gongkai.records import catalog
from gongkai.records.history import load_history, load_previous
from gongkai.records.record import Record
from gongkai.resources import EXPECTATIONS, NOTEBOOK, TEMPLATES

if TYPE_CHECKING:
    from gongkai.checks.arithmetic import Line

REVIEW_POINTER = "详见审阅版的校验结果"  # the failing banner's pointer; the preview lists the findings instead
LAB_STYLE = "data-gk-lab"  # marks the stylesheet the cover carries for JupyterLab; exported pages drop it


@cache
def lab_style() -> str:
    """The tables' and banners' styles (only `.gk-` rules, safe inside JupyterLab), for the notebook itself."""
    return f"<style {LAB_STYLE}>\n{(TEMPLATES / 'parts.css').read_text(encoding='utf-8')}</style>\n"


class Html(str):
    """HTML that Jupyter displays as HTML, with a short plain-text stand-in."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<HTML, {len(self)} characters>"


@dataclass(frozen=True)
class Cover:
    """The title block, and the facts it states (the caller has them already, from the report's input)."""

    html: str
    meta: dict[str, Any]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, "text/plain": self.meta["title"]}


@dataclass
class Report:
    """One report's pages; from its input (`Report.of`), or, in library use, from a record alone."""

    record: Record
    given: ReportInput | None = None  # what `gongkai render` read and checked: then nothing is read here

    @classmethod
    def open(
        cls,
        township: str | None,
        year: int | None,
        *,
        county: str | None = None,
        data_dir: str | Path | None = "../data",
        given: str | Path | None = None,
        sha256: str | None = None,
    ) -> Report:
        """The notebook's one call: `given`, the input `gongkai render` wrote; by hand, one built here from data_dir."""
        _quiet_errors()
        if given is not None:
            found = inputs.load(Path(given), sha256)
            wanted = {"township": township, "county": county, "year": None if year is None else int(year)}
            shown = found.origin["parameters"]
            if any(v is not None and v != shown[k] for k, v in wanted.items()):
                raise GongkaiError(f"报告输入文件 {given} 是 {found.key} 的，不是参数所说的报告")
            return cls.of(found)
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
        return cls.of(inputs.build(entry.path, Path(data_dir)))

    @classmethod
    def of(cls, given: ReportInput) -> Report:
        return cls(given.record.record(), given)

    @cached_property
    def previous(self) -> tuple[Record | None, str]:
        """Last year's record, or why there is none."""
        if self.given is None:
            return load_previous(self.record)
        last = self.history[-1] if self.history else None
        if last is not None and last.year == self.record.year - 1:
            return last, ""
        return None, self.given.previous_note

    @cached_property
    def history(self) -> list[Record]:
        """Every earlier year on record that loads, oldest first (for the trend chart)."""
        if self.given is None:
            return load_history(self.record)
        return [source.record() for source in self.given.earlier]

    @cached_property
    def checks(self) -> CheckReport:
        """The caller's outcome when it gave an input, else run the suites here."""
        if self.given is not None:
            return self.given.report()

        return check(self.record, self.previous[0])

    @cached_property
    def _lines(self) -> list[Line]:
        """计算过程's lines: the reviewer's status links to them and 附录一 lists them (one computation for both)."""
        return arithmetic_lines(self.checks, self.record, self.previous[0])

    def meta(self) -> dict[str, Any]:
        return self.given.meta if self.given is not None else inputs.meta_of(self.record, self.checks)

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
        r = self.record
        place = "".join(escape(x) for x in (r.province, r.city, r.county, r.township))
        line = f'<p class="gk-meta">{place} · 报告年度 {r.year} · 格式 {escape(r.format.name)}</p>'
        found = findings_list(self.checks, appendix_keys(self.checks, r, self.previous[0], self._lines))
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
        return Html(appendix(self.checks, self.record, self.previous[0], self._lines))

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
        r = self.record
        if self.given is not None:
            given, origin = self.given, self.given.origin
            last = given.earlier[-1] if self.previous[0] is not None else None
            found = provenance.listed(
                (given.record.path, given.record.sha256),
                r.source,
                (last.path, last.sha256) if last is not None else None,
                origin,
                {k: origin["parameters"][k] for k in ("township", "county", "year")},  # the file sorts its keys
                origin["git"],
            )
            return Html(provenance.provenance_html(found))
        assert r.path is not None
        data_dir = r.path.parents[2]
        previous = self.previous[0]
        parameters = {"township": r.township_id, "county": r.county_id, "year": r.year}
        earlier = previous.path if previous else None
        found = provenance.items(r.path, data_dir, r.source, earlier, EXPECTATIONS, NOTEBOOK, parameters)
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
