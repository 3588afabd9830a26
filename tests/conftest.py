"""Shared fixtures: the repository's data, and one real render of the seed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = Path(__file__).parent / "fixtures"
SEED_TEXT = FIXTURES / "hujixiang-2021-published.txt"
HONGZE_PDF = FIXTURES / "hongze-2023-published.pdf"
SEED_RECORD = DATA / "minquan" / "hujixiang" / "2021.yaml"
GOLDEN = Path(__file__).parent / "golden"
GONGKAI = [sys.executable, "-m", "gongkai.cli"]

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# The CLI and the kernels it starts (cwd notebooks/) must import this checkout's
# code: a relative PYTHONPATH=src would resolve against their own directory and
# silently fall back to whichever gongkai is installed.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(p).resolve()) for p in os.environ["PYTHONPATH"].split(os.pathsep)
    )


def gongkai(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would."""
    return subprocess.run(
        [*GONGKAI, *args], capture_output=True, text=True, cwd=cwd or REPO, timeout=timeout, check=False
    )


def normalize_html(html: str) -> str:
    """The one normalizer for golden HTML: layout, not whitespace."""
    html = re.sub(r">\s+<", ">\n<", html.strip())
    return html + "\n"


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; GONGKAI_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("GONGKAI_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with GONGKAI_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def copy_data(dest: Path) -> Path:
    """A private copy of the bundled data, for tests that edit records."""
    shutil.copytree(DATA, dest, dirs_exist_ok=True)
    return dest


@pytest.fixture(scope="session")
def seed_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed rendered once, end to end, by the real CLI (kernel, nbconvert, Chromium)."""
    out = tmp_path_factory.mktemp("out")
    result = gongkai("render", "胡集乡", "2021", "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "2021" / "minquan" / "hujixiang"


# The one allowed reason to skip, e.g. "optional component missing: LibreOffice".
OPTIONAL = "optional component missing:"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A skip is a failure unless it names a missing optional component: a lost fixture must not pass quietly."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(call.excinfo, object) and call.excinfo is not None:
        reason = str(call.excinfo.value)
        if not reason.startswith(OPTIONAL):
            report.outcome = "failed"
            report.longrepr = f"skipped without naming a missing optional component: {reason}"


# The modules that take longest (whole bulk runs, kills, the 63 official PDFs) run first, so the
# run ends on short ones, not with one worker idle while the other finishes a long one. `make test`
# hands out whole files in this order (`--dist loadfile --no-loadscope-reorder`): a module-scoped
# fixture, such as the 63 official PDFs, is then built once, not once per worker.
LONG_FIRST = (
    "test_readme",
    "test_published_pdf",
    "test_review",
    "test_crash_safety",
    "test_faults",
    "test_bulk",
    "test_cluster",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: a module's tests stay together
