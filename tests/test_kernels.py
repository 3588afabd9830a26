"""The warm kernel: reused, swept between reports, replaced before it grows."""

from __future__ import annotations

import pytest

from conftest import DATA
from gongkai.pages.inputs import build
from gongkai.production.kernels import ENGINE, WarmKernel
from gongkai.production.run import Job, job_for, produce


def job(township: str, year: int) -> Job:
    return job_for(build(DATA / "minquan" / township / f"{year}.yaml", DATA), frozenset({"html"}))


@pytest.fixture
def small_kernel_life(monkeypatch):
    monkeypatch.setattr(WarmKernel, "MAX_RUNS", 2)
    yield
    WarmKernel.close_current()


def test_kernel_is_reused_then_replaced_and_pages_do_not_change(small_kernel_life):
    first = produce(job("hujixiang", 2021), engine=ENGINE)
    pid = WarmKernel._current.km.provisioner.pid
    produce(job("renhezhen", 2022), engine=ENGINE)
    assert WarmKernel._current.km.provisioner.pid == pid  # reused
    third = produce(job("hujixiang", 2021), engine=ENGINE)
    assert WarmKernel._current.km.provisioner.pid != pid  # replaced after MAX_RUNS
    assert third.files["report.html"] == first.files["report.html"]
    assert third.files["report.review.html"] == first.files["report.review.html"]


def in_kernel(expression: str) -> str:
    """Evaluate `expression` in the warm kernel; its repr."""
    reply = WarmKernel._current.kc.execute_interactive(
        "", user_expressions={"x": expression}, timeout=30, output_hook=lambda msg: None
    )
    return str(reply["content"]["user_expressions"]["x"]["data"]["text/plain"])


def test_names_from_one_report_are_gone_before_the_next(small_kernel_life):
    produce(job("renhezhen", 2022), engine=ENGINE)
    assert in_kernel("township") == "'renhezhen'"
    WarmKernel._current.kc.execute_interactive("leftover = 1", timeout=30, output_hook=lambda msg: None)
    assert in_kernel("'leftover' in globals()") == "True"
    produce(job("hujixiang", 2021), engine=ENGINE)
    assert in_kernel("'leftover' in globals()") == "False"
    assert in_kernel("township") == "'hujixiang'"
