"""The run with nothing to do, in one pass over the records and in memory that does not grow with them.

Most runs over a county or a nation change nothing or little. This pass asks
the run's plan, record by record, what the full run would (`Plan.verdict`,
the one answer to "is it current?"), with each report's last outcome taken
from the cache's window (batch.statcache), a county at a time; and whether
the county summaries and the index are current. Only the counts and the
reports with problems are kept. At the first record that needs anything it
gives up, and the full run (batch.bulk) takes over.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from gongkai.batch import fingerprint, manifest
from gongkai.batch.plan import CURRENT, Plan, index_current, key_of, summary_of
from gongkai.batch.tally import Summary
from gongkai.records.catalog import Entry


def nothing_to_do(entries: Iterable[Entry], plan: Plan) -> Summary | None:
    """The summary of a run that changes nothing, or None as soon as a record needs something."""
    start = time.perf_counter()
    opts, cache = plan.opts, plan.cache
    if opts.force:
        return None
    if not cache.trust(opts.out_dir / manifest.MANIFEST) or not index_current(opts.out_dir):
        return None
    county, years = "", set[int]()  # the county at hand and its pages seen: a county's records come together
    summary = Summary()
    for entry in entries:
        if entry.county.id != county:
            county, years = entry.county.id, set()
        last = cache.outcome(key_of(entry))
        if last is None or plan.verdict(entry, fingerprint.digest(plan.inputs(entry)), last) != CURRENT:
            return None
        if entry.year not in years:  # the county's summary page of that year: a stat each
            if not summary_of(opts.out_dir, entry).exists():
                return None
            years.add(entry.year)
        summary.count(last)
    summary.index = opts.out_dir / "index.html"
    summary.seconds = time.perf_counter() - start
    return summary
