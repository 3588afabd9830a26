"""A regular install (a wheel, not the editable checkout) renders: notebook, suites and templates ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import DATA, REPO


@pytest.mark.slow
def test_wheel_installed_into_a_throwaway_venv_renders_the_seed(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("gongkai-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this venv's site-packages (a path entry: its .pth files, among
    # them the editable checkout's finder, are not processed); gongkai itself only from the wheel.
    site = Path(
        subprocess.check_output(
            [venv / "bin" / "python", "-c", "import site; print(site.getsitepackages()[0])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GONGKAI_NOTEBOOK", "GONGKAI_EXPECTATIONS")}
    # The dependencies' data files (nbconvert's base templates) lie under this venv's prefix, not the new one.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    where = subprocess.check_output(
        [venv / "bin" / "python", "-c", "import gongkai; print(gongkai.__file__)"], text=True, env=env, cwd=tmp_path
    )
    assert where.startswith(str(site)), where

    out = tmp_path / "out"
    result = subprocess.run(
        [
            venv / "bin" / "python",
            "-m",
            "gongkai.cli",
            "render",
            "胡集乡",
            "2021",
            "--data",
            str(DATA),
            "--out",
            str(out),
            "--no-pdf",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    html = (out / "2021" / "minquan" / "hujixiang" / "report.html").read_text(encoding="utf-8")
    assert "胡集乡人民政府" in html and "本年新收政府信息公开申请数量" in html
