"""Execute the report notebook for one township-year and publish its products."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai import render
from gongkai.catalog import Entry
from gongkai.errors import GongkaiError
from gongkai.outputs import publish
from gongkai.record import load_record
from gongkai.report import load_previous, meta_of

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = Path(os.environ.get("GONGKAI_NOTEBOOK", REPO / "notebooks" / "report.ipynb"))
INJECTED_ID = "injected-parameters"


class RenderError(GongkaiError):
    """The notebook raised: a bug or a record the loader let through."""

    exit_code = 1


@dataclass
class Rendered:
    entry: Entry
    folder: Path
    files: list[str]
    meta: dict[str, Any] = field(default_factory=dict)


def parameters(entry: Entry, data_dir: Path) -> dict[str, Any]:
    return {
        "township": entry.township.id,
        "county": entry.county.id,
        "year": entry.year,
        "data_dir": str(data_dir.resolve()),
    }


def folder_for(out_dir: Path, entry: Entry) -> Path:
    """output/<year>/<county>/<township>/: names repeat across counties."""
    return out_dir / str(entry.year) / entry.county.id / entry.township.id


def execute(params: dict[str, Any], km: Any = None) -> Any:
    """Run the notebook; the result carries no trace of random ids or timing."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        nb = papermill.execute_notebook(
            str(NOTEBOOK),
            None,
            parameters=params,
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
            log_output=False,
            km=km,
        )
    except PapermillExecutionError as e:
        raise RenderError(f"报告笔记本执行出错（第 {e.exec_count} 个单元）：{e.ename}: {e.evalue}") from e
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_ID
    nbformat.validate(nb)
    return nb


def render_entry(
    entry: Entry,
    data_dir: Path,
    out_dir: Path,
    *,
    printer: render.Printer | None = None,
    strict: bool = False,
) -> Rendered:
    """Validate, check, execute, convert, print; write nothing unless all of it worked."""
    import nbformat

    from gongkai.checks import check

    record = load_record(entry.path)  # bad input fails here, before any kernel starts
    outcome = check(record, load_previous(record)[0])
    if strict and not outcome.passed:
        raise RenderError(f"{record.title} 未通过校验（--strict 不生成）：{outcome.summary()}")
    checks_json = outcome.to_json()
    with tempfile.TemporaryDirectory(prefix="gongkai-") as tmp:
        handoff = Path(tmp) / "checks.json"
        handoff.write_text(checks_json, encoding="utf-8")
        nb = execute({**parameters(entry, data_dir), "checks": str(handoff)})
    meta = meta_of(nb)
    html = render.to_html(nb, title=meta["title"])
    files: dict[str, bytes | str] = {
        "report.ipynb": nbformat.writes(nb),  # type: ignore[no-untyped-call]
        "report.html": html,
        "checks.json": checks_json,
    }
    if printer is not None:
        files["report.pdf"] = printer.pdf(html, header=meta["title"], alert=alert_for(meta))
    folder = folder_for(out_dir, entry)
    publish(folder, files)
    return Rendered(entry, folder, list(files), meta)


def alert_for(meta: dict[str, Any]) -> str:
    """What every PDF page must say at its top, beside the title."""
    marks = []
    if not meta.get("passed", True):
        marks.append(f"未通过校验（{meta.get('errors', 0)} 个错误）")
    if meta.get("synthetic"):
        marks.append("示例数据（虚构）")
    return "　".join(marks)
