"""`gongkai preview`, as a real process: reload on save, a bad save, a clean exit."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from conftest import GONGKAI, REPO, copy_data, gongkai
from gongkai.checks import check, check_many
from gongkai.checks.quick import check_quick
from gongkai.errors import GongkaiError
from gongkai.records import catalog
from gongkai.records.history import load_previous
from gongkai.records.record import load_record

READY = re.compile(r"预览：(http://127\.0\.0\.1:\d+/)")


class Running:
    """A `gongkai preview` process and what it serves."""

    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [*GONGKAI, "preview", "胡集乡", "2022", "--data", str(data), "--port", "0"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until the first render is served (or the process dies)
        found = READY.search(line)
        assert found, f"preview did not start: {line!r}, exit {self.proc.poll()}"
        self.url = found.group(1)

    def get(self, path: str, timeout: float = 60) -> bytes:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=timeout) as response:
            return response.read()  # type: ignore[no-any-return]

    def version(self, since: int | None = None) -> dict[str, object]:
        return json.loads(self.get(f"version?since={since}" if since is not None else "version"))  # type: ignore[no-any-return]

    def next_version(self, since: int, deadline: float = 120) -> dict[str, object]:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            state = self.version(since)
            if state["version"] != since:
                return state
        raise AssertionError("the preview did not re-render after the save")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.proc.pid).children(recursive=True)

    def stop(self, sig: signal.Signals) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)


@pytest.fixture
def preview(tmp_path):
    data = copy_data(tmp_path / "data")
    running = Running(data)
    yield running, data / "minquan" / "hujixiang"
    if running.proc.poll() is None:
        running.proc.kill()
        running.proc.wait()


def test_save_reloads_a_bad_save_keeps_the_last_report_and_ctrl_c_leaves_nothing(preview):
    running, folder = preview
    record = folder / "2022.yaml"
    page = running.get("/").decode()
    assert "胡集乡人民政府2022年政府信息公开工作年度报告" in page
    assert '<script src="/preview.js">' in page and "script-src 'self'" in page
    assert b"location.reload" in running.get("/preview.js")
    first = running.version()

    # a new figure: 新收申请 of natural persons, so the R-rules' banner and red cells change too
    text = record.read_text(encoding="utf-8")
    edited = text.replace("overview: |\n", "overview: |\n    预览测试标记一二三。\n", 1)
    edited = edited.replace("received: {natural_person: 1,", "received: {natural_person: 2,", 1)  # R2 fails
    assert edited.count("预览测试标记") == 1 and "natural_person: 2," in edited
    record.write_text(edited, encoding="utf-8")
    state = running.next_version(int(first["version"]))  # type: ignore[call-overload]
    assert state["error"] == ""
    page = running.get("/").decode()
    assert "预览测试标记一二三" in page
    # the failed rules under the title, each linking to its highlighted cell (no review page to point to)
    findings = re.search(r'<nav class="gk-findings".*?</nav>', page, re.S)
    assert findings and "<b>R2</b>" in findings.group() and "附录一" not in findings.group()
    assert "详见审阅版" not in page  # the preview has no review page: the banner points to the list
    target = re.search(r'href="#(cell-table3\.received\.[a-z_]+)"', findings.group())
    assert target and f'id="{target.group(1)}" class="num error' in page

    # a save that does not parse: the one-line error above the last good report
    record.write_text(edited + "table2: [unclosed\n", encoding="utf-8")
    bad = running.next_version(int(state["version"]))  # type: ignore[call-overload]
    assert "2022.yaml" in str(bad["error"]) and "\n" not in str(bad["error"])
    page = running.get("/").decode()
    assert "预览未更新" in page and "预览测试标记一二三" in page

    # the previous year's record is watched as well
    record.write_text(edited, encoding="utf-8")
    good = running.next_version(int(bad["version"]))  # type: ignore[call-overload]
    assert good["error"] == "" and "预览未更新" not in running.get("/").decode()
    previous = folder / "2021.yaml"
    previous.write_text(previous.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    running.next_version(int(good["version"]))  # type: ignore[call-overload]

    assert running.get("/report.pdf").startswith(b"%PDF")  # Chromium starts on request
    children = running.descendants()
    names = " ".join(p.name() for p in children)
    assert "python" in names and "chrom" in names, names  # the kernel and the browser
    assert running.stop(signal.SIGINT) == 0
    time.sleep(0.5)
    assert [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []


def test_sigterm_closes_the_kernel(preview):
    running, _ = preview
    children = running.descendants()
    assert children, "no kernel was started"
    assert running.stop(signal.SIGTERM) == 0
    time.sleep(0.5)
    assert [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []


def test_quick_evaluation_agrees_with_great_expectations(tmp_path):
    """The preview's first answer must equal great-expectations' on every bundled record and a broken one."""
    data = copy_data(tmp_path / "data")
    seed = data / "minquan" / "hujixiang" / "2021.yaml"
    text = seed.read_text(encoding="utf-8")
    # a blank cell (R5), regulations issued by a township (W2), a row total that is not the sum (R2)
    text = text.replace(
        "regulations: {issued: 0, repealed: 0, in_force: 0}", "regulations: {issued: 2, repealed: 0, in_force: ~}"
    )
    seed.write_text(text.replace("other_org: 0, total: 0}", "other_org: 0, total: 5}", 1), encoding="utf-8")
    pairs = []
    for entry in catalog.entries(data):
        try:
            record = load_record(entry.path)
        except GongkaiError:
            continue
        pairs.append((record, load_previous(record)[0]))
    quick = check_quick(pairs)
    assert quick is not None
    full = check_many(pairs)
    assert [q.to_dict() for q in quick] == [f.to_dict() for f in full]
    assert sum(not f.passed for f in full) >= 4  # the comparison covers failing records too
    seed_report = full[[r.path for r, _ in pairs].index(seed)]
    assert {"R2", "R5"} <= {f.rule for f in seed_report.errors}, seed_report.to_text()
    assert "W2" in {f.rule for f in seed_report.warnings}, seed_report.to_text()


def test_check_answers_as_great_expectations_does_without_importing_it(tmp_path):
    """`check` evaluates the suite files directly (seconds count for an analyst); `--gx` is the real thing."""
    import os
    import subprocess

    data = copy_data(tmp_path / "data")
    record = load_record(data / "minquan" / "renhezhen" / "2023.yaml")
    expected = json.loads(json.dumps(check(record, load_previous(record)[0]).to_dict()))
    # a great_expectations that cannot be imported: the default path must not need it, --gx must
    poisoned = tmp_path / "poisoned"
    (poisoned / "great_expectations").mkdir(parents=True)
    (poisoned / "great_expectations" / "__init__.py").write_text("raise ImportError('poisoned for the test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(poisoned), os.environ.get("PYTHONPATH", "")])}
    argv = [*GONGKAI, "check", "人和镇", "2023", "--json", "--data", str(data)]
    fast = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert fast.returncode in (0, 1), fast.stderr
    assert json.loads(fast.stdout) == expected
    refused = subprocess.run([*argv, "--gx"], capture_output=True, text=True, env=env, check=False)
    assert "poisoned for the test" in refused.stdout + refused.stderr
    real = gongkai("check", "人和镇", "2023", "--json", "--gx", "--data", str(data))
    assert real.returncode in (0, 1), real.stderr
    assert json.loads(real.stdout) == expected
