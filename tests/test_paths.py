"""Hostile names and a hostile temp folder: nothing written outside the folder meant, no forged verdict."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from conftest import SEED_TEXT, gongkai
from gongkai.errors import InputError
from gongkai.outputs import inside
from test_bad_input import private_data


def tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.parametrize(
    "option",
    [
        ("--township", "hujixiang/../../../../../escaped/x"),
        ("--county", "../../escaped"),
        ("--county", "minquan\nx"),
        ("--township", "hujixiang\n"),
        ("--township", "胡集乡/../../escaped"),
    ],
    ids=["township-traversal", "county-traversal", "county-newline", "township-newline", "chinese-traversal"],
)
def test_import_refuses_an_id_that_is_a_path_and_writes_nothing(option: tuple[str, str], tmp_path: Path) -> None:
    data = private_data(tmp_path)
    before = tree(tmp_path)
    flag, value = option
    other = ("--county", "minquan") if flag == "--township" else ("--township", "hujixiang")
    result = gongkai("import", str(SEED_TEXT), flag, value, *other, "--year", "2021", "--data", str(data), "--force")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "无效" in result.stderr, result.stderr
    assert tree(tmp_path) == before
    assert not Path("/tmp/escaped").exists()


def test_every_written_path_is_proved_inside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "data" / "link").symlink_to(tmp_path / "elsewhere")
    assert inside(tmp_path / "data", tmp_path / "data" / "a" / "b.yaml")
    for bad in ("../x.yaml", "a/../../x.yaml", "link/x.yaml"):
        with pytest.raises(InputError, match="不在目标目录"):
            inside(tmp_path / "data", tmp_path / "data" / bad)


def test_a_swapped_checks_file_never_makes_a_failing_report_say_it_passed(tmp_path: Path) -> None:
    """Another local process rewrites every report input it can find under $TMPDIR with a passing verdict."""
    data = private_data(tmp_path)
    passing = gongkai("check", "hujixiang", "2021", "--data", str(data), "--json")
    assert passing.returncode == 0, passing.stderr
    forged = json.dumps(json.loads(passing.stdout), ensure_ascii=False, indent=2) + "\n"
    assert json.loads(forged)["passed"] is True
    record = data / "minquan" / "hujixiang" / "2021.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("total: 0}", "total: 7}", 1), encoding="utf-8")  # now fails R1/R2
    temp = tmp_path / "tmp"
    temp.mkdir()
    (temp / "gongkai-kernel").mkdir()  # what the attacker pre-creates
    stop = threading.Event()
    swapped: list[Path] = []

    def swap() -> None:
        """Give every report input the kernel could read a passing verdict."""
        while not stop.is_set():
            for path in temp.rglob("input.json"):
                if "gongkai-kernel" in str(path.parent):
                    try:
                        given = json.loads(path.read_text(encoding="utf-8"))
                        if given["checks"] != forged:
                            given["checks"], given["meta"]["passed"] = forged, True
                            path.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
                            swapped.append(path)
                    except (OSError, ValueError):
                        pass
            time.sleep(0.005)

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    out = tmp_path / "out"
    env_before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)
    try:
        result = gongkai("render", "hujixiang", "2021", "--data", str(data), "--out", str(out), "--no-pdf")
    finally:
        stop.set()
        thread.join()
        if env_before is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = env_before
    assert swapped, "the swapper never found the report's input: the test proves nothing"
    assert "校验通过" not in result.stdout, result.stdout
    html = out / "2021" / "minquan" / "hujixiang" / "report.html"
    if result.returncode == 0:
        assert 'data-checks="fail"' in html.read_text(encoding="utf-8")
    else:
        assert "被改动过" in result.stderr, result.stderr
        assert not html.exists()
