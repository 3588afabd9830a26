"""params/*.yaml: named batches of parameter sets (a county-year, say)."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import GongkaiError, RecordError
from gongkai.records import catalog, yamlio

KEYS = {"county", "township", "year"}


def load_params(path: Path, data_dir: Path) -> list[catalog.Entry]:
    """The entries a params file lists, each resolved against the data folder."""
    data, lines = yamlio.load(path, limits=yamlio.PARAMS)
    counties: dict[str | None, list[catalog.County]] = {}  # each county file read once, not once per entry
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        raise RecordError(path, None, "reports", "应有 reports: 列表，每项形如 {county: …, township: …, year: …}")
    unknown = set(data) - {"name", "reports"}
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise RecordError(path, lines.get((key,)), key, "未知字段；可用：name、reports")
    entries = []
    for n, item in enumerate(data["reports"]):
        at = ("reports", n)
        if not isinstance(item, dict) or set(item) != KEYS:
            raise RecordError(path, lines.get(at), f"reports[{n}]", "每项应恰有 county、township、year")
        if type(item["year"]) is not int:
            raise RecordError(path, lines.get((*at, "year")), f"reports[{n}].year", "应为整数年份")
        for key in ("county", "township"):
            try:
                if not isinstance(item[key], str):
                    raise GongkaiError(f"应为拼音标识或中文名，实际为 {item[key]!r}")
                catalog.check_key(key, item[key])
            except GongkaiError as e:
                raise RecordError(path, lines.get((*at, key)), f"reports[{n}].{key}", str(e)) from None
        try:
            found = counties.get(item["county"])
            if found is None:
                found = counties[item["county"]] = catalog.counties(data_dir, item["county"])
            entries.append(catalog.resolve(data_dir, item["township"], item["year"], item["county"], found=found))
        except GongkaiError as e:
            raise RecordError(path, lines.get(at), f"reports[{n}]", str(e)) from None
    return entries
