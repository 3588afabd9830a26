"""The run with nothing to do, in one pass over the records and in memory that does not grow with them.

Most runs over a county or a nation change nothing or little. This pass asks,
record by record, what `bulk.render_many` would: is the report's fingerprint
the one in manifest.json, are its files there, are they the products asked
for; and the county summaries and the index are current. The outcomes come
from the cache's window (build.statcache), a county at a time, and only the
counts and the reports with problems are kept. At the first record that needs
anything it gives up, and the full run takes over.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from gongkai.batch import fingerprint, manifest
from gongkai.batch.bulk import Options, Summary, index_current, inputs_of, key_of, summary_of
from gongkai.batch.manifest import RENDERED
from gongkai.production import products as products_of
from gongkai.records.catalog import Entry


def nothing_to_do(entries: Iterable[Entry], opts: Options) -> Summary | None:
    """The summary of a run that changes nothing, or None as soon as a record needs something."""
    start = time.perf_counter()
    if opts.force:
        return None
    cache = fingerprint.use(opts.out_dir)
    if not cache.trust(opts.out_dir / manifest.MANIFEST) or not index_current(opts.out_dir):
        return None
    asked = {products_of.OPTIONAL[f] for f in opts.formats}
    optional = set(products_of.OPTIONAL.values())
    out = str(opts.out_dir)
    county, years = "", set[int]()  # the county at hand and its pages seen: a county's records come together
    summary = Summary()
    for entry in entries:
        if entry.county.id != county:
            county, years = entry.county.id, set()
        key = key_of(entry)
        last = cache.outcome(key)
        if last is None or last.fingerprint != fingerprint.digest(inputs_of(entry, opts)):
            return None
        if opts.only_failed and not last.ok:
            return None  # --only-failed renders exactly what failed last time
        if last.status == RENDERED:
            if not asked <= {name for name in last.files if name in optional}:
                return None  # products asked for that the last run did not make (others stay: products.py)
            if not cache.has_files(os.path.join(out, key), last.files, entry.county.id):
                return None
        if entry.year not in years:  # the county's summary page of that year: a stat each
            if not summary_of(opts.out_dir, entry).exists():
                return None
            years.add(entry.year)
        summary.count(last)
    summary.index = Path(opts.out_dir / "index.html")
    summary.seconds = time.perf_counter() - start
    return summary
