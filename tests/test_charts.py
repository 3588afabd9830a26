"""Our own SVG charts: well-formed, inert, labelled, the same bytes for the same input."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import pairwise

from conftest import DATA
from gongkai.pages import charts, svg
from gongkai.records.record import load_record

NS = "{http://www.w3.org/2000/svg}"
RENHE = DATA / "minquan" / "renhezhen"
HOSTILE = '<script>alert("x")</script> & 甲乡'


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # raises on anything that is not well-formed XML


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def own_texts(root: ET.Element) -> list[str]:
    """What a <text> shows, without the hover <title> of a cut label."""
    return [t.text or "" for t in root.iter(f"{NS}text")]


def bars_of(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]  # legend swatches have none


def test_report_charts_are_byte_identical_in_another_process_with_another_hash_seed():
    record, history = load_record(RENHE / "2023.yaml"), [load_record(RENHE / f"{y}.yaml") for y in (2021, 2022)]
    here = "\n".join(charts.report_charts(record, history))
    code = (
        "import sys; from pathlib import Path; from gongkai.pages import charts; "
        "from gongkai.records.record import load_record; "
        f"d = Path({str(RENHE)!r}); "
        "r = [load_record(d / f'{y}.yaml') for y in (2021, 2022, 2023)]; "
        "sys.stdout.buffer.write('\\n'.join(charts.report_charts(r[2], r[:2])).encode())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True, timeout=120)
    assert there.stdout.decode() == here
    assert here.count("<svg") == 3 and " id=" not in here


def test_every_chart_is_an_accessible_svg_in_the_chinese_font():
    for markup in (
        charts.bars("甲", ["a"], [1]),
        charts.bars("乙", ["a"], [1], horizontal=True),
        charts.grouped_bars("丙", ["a"], {"x": [1], "y": [2]}),
        charts.lines("丁", [2021, 2022], {"x": [1, 2]}),
    ):
        root = parse(markup)
        title = root.find(f"{NS}title")
        assert root.get("role") == "img" and title is not None and root.get("aria-label") == title.text
        family = root.get("font-family", "")
        assert family.index("Noto Sans CJK SC") < family.index("Noto Sans CJK JP")
        assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
        assert not any(e.tag in (f"{NS}script", f"{NS}style", f"{NS}foreignObject") for e in root.iter())
        assert not any(a.startswith("on") or a.endswith("href") for e in root.iter() for a in e.attrib)


def test_a_hostile_label_stays_text():
    for markup in (
        charts.bars(HOSTILE, [HOSTILE, "乙镇"], [3, 1], horizontal=True),
        charts.bars(HOSTILE, [HOSTILE, "乙镇"], [3, 1]),
        charts.grouped_bars(HOSTILE, [HOSTILE], {HOSTILE: [1], "处罚": [2]}),
        charts.lines(HOSTILE, [2021], {HOSTILE: [1]}),
    ):
        assert "<script" not in markup and "&amp;" in markup
        root = parse(markup)
        assert [e for e in root.iter() if e.tag.endswith("script")] == []
        title = root.find(f"{NS}title")
        assert title is not None and title.text == HOSTILE and root.get("aria-label") == HOSTILE
        shown = texts(root) + ["".join(t.itertext()) for t in root.iter(f"{NS}title")]
        assert any(HOSTILE in t for t in shown[1:])  # a label (or its hover text), not only the chart's title


def test_every_bar_carries_its_value_zero_included():
    labels, values = ["（一）予以公开", "（二）部分公开", "（三）不予公开"], [12, 0, 2.5]
    for horizontal in (True, False):
        root = parse(charts.bars("结果", labels, values, horizontal=horizontal))
        assert len(bars_of(root)) == 3
        shown = own_texts(root)
        assert all(label in shown for label in labels)
        numbers = [t for t in shown if t.replace(".", "").isdigit()]
        assert {"12", "0", "2.5"} <= set(numbers)
    root = parse(charts.grouped_bars("决定", ["甲乡", "乙镇"], {"行政许可": [170, 3], "行政处罚": [90, 0]}))
    assert len(bars_of(root)) == 4
    assert sorted(t for t in own_texts(root) if t in {"170", "3", "90", "0"}) == ["0", "0", "170", "3", "90"]
    assert "行政许可" in own_texts(root) and "行政处罚" in own_texts(root)  # the legend


def test_a_single_year_trend_draws_points_and_several_years_draw_lines():
    series = {"新收申请": [4.0], "予以公开": [1.0], "结转下年": [0.0]}
    root = parse(charts.lines("历年申请情况（件）", [2021], series))
    drawn = [c for c in root.iter(f"{NS}circle") if c.find(f"{NS}title") is not None]
    assert len(drawn) == 3 and not list(root.iter(f"{NS}polyline"))
    assert "2021年" in own_texts(root)
    root = parse(charts.lines("历年申请情况（件）", [2021, 2022, 2023], {k: [v[0]] * 3 for k, v in series.items()}))
    assert len(list(root.iter(f"{NS}polyline"))) == 3
    assert {"2021年", "2022年", "2023年"} <= set(own_texts(root))


def test_integer_ticks_at_nice_steps():
    assert svg.ticks(0, 3) == [0, 1, 2, 3]
    assert svg.ticks(0, 0) == [0, 1]
    assert svg.ticks(0, 121) == [0, 20, 40, 60, 80, 100, 120, 140]
    assert svg.ticks(0, 19) == [0, 5, 10, 15, 20]
    assert svg.ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]
    assert svg.ticks(0, 2.5) == [0, 1, 2, 3]
    for high in range(1, 5000, 37):
        scale = svg.ticks(0, high)
        assert scale[-1] >= high and 2 <= len(scale) <= 10
        assert len({b - a for a, b in pairwise(scale)}) == 1 and str(scale[1]).strip("0") in {"1", "2", "5"}


def test_long_labels_widen_the_margin_and_very_long_ones_are_cut_with_the_whole_label_on_hover():
    short = parse(charts.bars("t", ["甲乡"], [1], horizontal=True))
    long = parse(charts.bars("t", ["一二三四五六七八九十一二三四"], [1], horizontal=True))
    x = [float(next(r for r in bars_of(root)).get("x", "")) for root in (short, long)]
    assert x[1] - x[0] > 12 * 10  # twelve more full-width characters
    huge = "很" * 80
    root = parse(charts.bars("t", [huge], [1], horizontal=True))
    label = next(t for t in root.iter(f"{NS}text") if (t.text or "").startswith("很"))
    assert (label.text or "").endswith("…") and "".join(label.itertext()).endswith(huge)
