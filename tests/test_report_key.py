"""A report's key is built and read in one module: what the manifest, the plan and the pages agree on."""

from __future__ import annotations

import pytest

from gongkai.errors import RecordError
from gongkai.records.ids import check_id, county_of, report_key, split_key


@pytest.mark.parametrize(("year", "county", "township"), [(2021, "minquan", "huji"), (2024, "hongze", "cheng-qu_2")])
def test_the_key_reads_back_as_built(year: int, county: str, township: str) -> None:
    key = report_key(year, county, township)
    assert key == f"{year}/{county}/{township}"
    assert split_key(key) == (year, county, township)
    assert county_of(key) == county


def test_a_key_is_made_only_of_checked_ids() -> None:
    """Its parts are folder names the catalog has checked, so the `/` that joins them cannot occur inside one."""
    with pytest.raises(RecordError):
        check_id("township", "a/b")
    with pytest.raises(ValueError):
        split_key("2021/minquan")
