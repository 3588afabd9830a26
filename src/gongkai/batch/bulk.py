"""Render many reports: skip what has not changed, check in batches, produce in parallel.

The caller's process plans, checks (one great-expectations run per batch of
records) and publishes; the executor's workers only execute and print.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import chain, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.batch import fingerprint, manifest
from gongkai.batch.noop import nothing_to_do
from gongkai.batch.plan import Options, Plan, folder_for, index_current, key_of, summary_of
from gongkai.batch.statcache import Cache
from gongkai.batch.tally import Summary
from gongkai.errors import GongkaiError, ProductInUse
from gongkai.outputs import lock, publish
from gongkai.pages.inputs import INPUT_NAME, Reader, build, make
from gongkai.pages.outcomes import CHECKS, CRASHED, EXECUTED, INVALID, REFUSED, RENDERED, Outcome
from gongkai.pages.provenance import git_state
from gongkai.production import products as products_of
from gongkai.production import render
from gongkai.production.docx_styles import template_bytes
from gongkai.production.office_template import template_path
from gongkai.production.render import Printer, print_pages
from gongkai.production.run import Job, RenderError, job_for, produce
from gongkai.records.catalog import Entry
from gongkai.records.ids import county_of, split_key

if TYPE_CHECKING:
    from gongkai.batch.executors import Result

# Records checked in one great-expectations validation: each costs ~0.9 s plus ~20 ms a record. The first
# batch is small so the workers start on reports soon; later batches amortise the fixed cost.
FIRST_BATCH, CHECK_BATCH = 8, 200


def inputs_of(entry: Entry, opts: Options) -> dict[str, str]:
    """Everything the report on `entry` depends on, hashed (one report: its own plan, no cache file)."""
    return Plan(opts).inputs(entry)


def _template(county_folder: Path, opts: Options) -> bytes:
    """The Word template a job carries (its styles, a few KB), or nothing for the official look."""
    template = template_path(county_folder, opts.docx_template)
    return b"" if template is None else template_bytes(template)


def plan(
    entries: Sequence[Entry], opts: Options, cache: Cache | None = None
) -> tuple[list[tuple[Entry, dict[str, str]]], dict[str, Outcome]]:
    """Which entries need rendering, and the last known outcome of the others (batch.plan decides)."""
    planned = Plan(opts, cache).split(entries)
    return planned.todo, planned.kept


def _entry(entry: Entry, inputs: dict[str, str], status: str, **fields: object) -> Outcome:
    return Outcome(
        key=key_of(entry),
        status=status,
        fingerprint=fingerprint.digest(inputs),
        inputs=inputs,
        county=entry.county.name,
        township=entry.township.name,
        year=entry.year,
        **fields,  # type: ignore[arg-type]
    )


def _jobs(todo: list[tuple[Entry, dict[str, str]]], opts: Options, done: dict[str, Outcome]) -> Iterator[Job]:
    """Read and check records a batch at a time, each into its report's input; a bad record is a result, not a job."""
    from gongkai.checks import check_many

    git = git_state(opts.data_dir.resolve())  # read here, not on a worker that may have no repository
    reader = Reader()  # each record file read once: a township's years come one after another
    bounds = [0, *range(FIRST_BATCH, len(todo), CHECK_BATCH), len(todo)]
    for start, end in pairwise(bounds):
        batch, reads = [], []
        for entry, inputs in todo[start:end]:
            try:
                read = reader.read(entry.path)
            except GongkaiError as e:
                done[key_of(entry)] = _entry(entry, inputs, INVALID, message=str(e))
                continue
            batch.append((entry, inputs))
            reads.append(read)
        if not reads:
            continue
        checked = check_many([(read.record, read.previous) for read in reads])
        for (entry, inputs), read, report in zip(batch, reads, checked, strict=True):
            record = read.record
            facts = {"title": record.title, "passed": report.passed, "synthetic": record.synthetic}
            facts |= {"errors": len(report.errors), "warnings": len(report.warnings)}
            if opts.strict and not report.passed:
                done[key_of(entry)] = _entry(entry, inputs, REFUSED, message=report.summary(), **facts)
                continue
            yield job_for(make(read, report, git), opts.formats, _template(entry.county.folder, opts))


def render_many(entries: Iterable[Entry], opts: Options, cache: Cache | None = None) -> Summary:
    """`entries` may be a `catalog.Selection`: a run with nothing to do then passes over them once, holding none.

    `cache`: the output folder's (`fingerprint.open_cache`), opened by the caller before it
    listed the entries with it; opened here if not given.
    """
    from gongkai.batch.executors import EXECUTORS

    start = time.perf_counter()
    if iter(entries) is entries:  # a one-time iterator: the quiet pass would use up what the full run needs
        entries = list(entries)
    opts.out_dir.mkdir(parents=True, exist_ok=True)
    cache = fingerprint.open_cache(opts.out_dir) if cache is None else cache
    with lock(opts.out_dir):
        run = Plan(opts, cache)
        quiet = nothing_to_do(entries, run)
        if quiet is not None:
            cache.save()  # what this pass learnt: output folders checked once more
            quiet.seconds = time.perf_counter() - start
            return quiet
        entries = list(entries)
        summary = Summary()
        planned = run.split(entries)
        todo, kept = planned.todo, planned.kept
        done: dict[str, Outcome] = {}
        by_key = {key_of(e): (e, i) for e, i in todo}
        extra = _product_jobs(planned.products, kept, opts, summary)
        # Products made from saved notebooks need no kernel: without a report to render, no pool either.
        executor = EXECUTORS[opts.executor](jobs=opts.jobs, pdf=opts.pdf, scheduler=opts.scheduler) if todo else None
        try:
            if todo or extra:
                bar = _progress(len(todo) + len(extra), opts.progress)
                added = (_product_job(key, missing, opts) for key, missing in extra)  # read one at a time
                if executor is not None:
                    results = executor.run(chain(_jobs(todo, opts, done), added))
                else:
                    results = _produce_here(added, any(m & {"pdf", "review-pdf"} for _, m in extra))
                try:
                    for result in results:
                        key = result.job.key
                        try:  # a product open in Word fails its report alone (outputs.publish)
                            if result.job.notebook:  # a current report's missing products
                                done[key] = _publish_added(kept[key], result, opts, summary)
                            else:
                                entry, inputs = by_key[key]
                                done[key] = _publish(entry, inputs, result, opts, summary.kept, summary.removed)
                        except ProductInUse as e:  # no fingerprint: the next run tries again
                            last = kept.get(key) if result.job.notebook else None
                            failed = last or _entry(*by_key[key], CRASHED)
                            done[key] = replace(failed, status=CRASHED, message=str(e), fingerprint="")
                        bar.update(1)
                    bar.update(len(todo) + len(extra) - bar.n)  # records that never became jobs
                finally:
                    bar.close()
            # A no-op whose every report the manifest already holds rewrites nothing.
            unchanged = not todo and not extra and all(planned.known.get(k) is v for k, v in kept.items())
            unchanged = unchanged and index_current(opts.out_dir)
            known = planned.known  # manifest.json as read, with this run's outcomes over it
            known.update(kept)
            known.update(done)
            summary.reports = [known[key_of(e)] for e in entries if key_of(e) in known]
            for report in summary.reports:
                summary.count(report)
            summary.rendered = [k for k, v in done.items() if v.status == RENDERED and k not in kept]
            summary.attempted = [k for k, v in done.items() if k not in kept or v.status != RENDERED]
            touched = {(v.year, county_of(k)) for k, v in done.items() if k not in kept}
            counties = {(e.year, e.county.id): e for e in entries}.values()
            touched |= {(e.year, e.county.id) for e in counties if not summary_of(opts.out_dir, e).exists()}
            from gongkai.batch.publish import write_summaries

            printing = (executor.print_pages if executor is not None else print_pages) if opts.pdf else None
            write_summaries(opts.out_dir, opts.data_dir, touched, known, printing, cache)
        finally:
            if executor is not None:
                executor.close()
        if unchanged:
            summary.index = opts.out_dir / "index.html"
        else:
            manifest.write_manifest(opts.out_dir, known, {"seconds": round(time.perf_counter() - start, 3)})
            cache.remember(opts.out_dir / manifest.MANIFEST, known)
            from gongkai.batch.publish import write_index

            summary.index = write_index(opts.out_dir, list(known.values()))
        cache.save()
    summary.seconds = time.perf_counter() - start
    return summary


def _publish(
    entry: Entry,
    inputs: dict[str, str],
    result: object,
    opts: Options,
    kept: list[str] | None = None,
    removed: list[str] | None = None,
) -> Outcome:
    import json

    from gongkai.batch.executors import Result
    from gongkai.checks.report import CheckReport

    assert isinstance(result, Result)
    if result.products is None:
        return _entry(entry, inputs, CRASHED, message=result.error)
    products = result.products
    meta = products.meta
    checks = CheckReport.from_dict(json.loads(products.files[CHECKS]))
    folder = folder_for(opts.out_dir, entry)
    last = manifest.read_build(folder)
    same = last is not None and last.status == RENDERED and last.fingerprint == fingerprint.digest(inputs)
    still, stale = products_of.settle(folder, products.files, last.files if same and last else ())
    publish(folder, products.files)
    record = _entry(
        entry,
        inputs,
        RENDERED,
        title=meta["title"],
        passed=meta["passed"],
        errors=meta["errors"],
        warnings=meta["warnings"],
        findings=checks.headlines(),
        accepted=meta.get("accepted", 0),
        allowed=meta.get("allowed", 0),
        synthetic=meta["synthetic"],
        files=sorted([*products.files, *still]),
        seconds=round(products.seconds, 3),
    )
    manifest.write_build(folder, record)
    gone = products_of.remove(folder, stale)  # after the new products and build.json: a failed run removes nothing
    if removed is not None:
        removed += gone
    if kept is not None:
        kept += [str(folder / name) for name in still]
    return record


def _product_jobs(
    keys: list[str], kept: dict[str, Outcome], opts: Options, summary: Summary
) -> list[tuple[str, frozenset[str]]]:
    """Current reports whose products differ from those asked (`plan.PRODUCTS`): the formats missing.

    Products not asked for stay: they were made from the same inputs (production/products.py).
    """
    jobs = []
    for key in keys:
        folder = opts.out_dir / key
        missing = products_of.missing(folder, opts.formats)
        if not missing:
            if products_of.present(folder, kept[key].files) != sorted(set(kept[key].files)):
                kept[key] = _refiled(folder, kept[key], opts.formats)  # a product lost: no longer listed
            continue
        jobs.append((key, missing))
    return jobs


def _product_job(key: str, missing: frozenset[str], opts: Options) -> Job:
    """The job making a current report's missing products from its saved notebook and checks."""
    folder = opts.out_dir / key
    year, county, township = split_key(key)
    given = (folder / INPUT_NAME).read_text(encoding="utf-8")  # the input it was made from: Word's record
    notebook = (folder / EXECUTED).read_bytes()
    template = _template(opts.data_dir / county, opts)
    return Job(county, township, year, given, missing, notebook=notebook, docx_template=template)


def _produce_here(jobs: Iterable[Job], pdf: bool) -> Iterator[Result]:
    """Saved notebooks' missing products, in this process: no kernel, one browser if a PDF is missing."""
    from contextlib import ExitStack

    from gongkai.batch.executors import Result

    with ExitStack() as stack:
        printer = stack.enter_context(Printer()) if pdf else None
        for job in jobs:
            try:
                yield Result(job, produce(job, printer=printer))
            except Exception as e:  # a crash is this report's result, as in a worker
                yield Result(job, None, f"{type(e).__name__}: {e}")


def _refiled(folder: Path, last: Outcome, formats: frozenset[str]) -> Outcome:
    """The entry listing the files of the last run and those asked for that are in the folder, in build.json."""
    names = [*products_of.ALWAYS, *last.files, *(products_of.OPTIONAL[f] for f in formats)]
    entry = replace(last, files=products_of.present(folder, names))
    manifest.write_build(folder, entry)
    return entry


def _publish_added(last: Outcome, result: object, opts: Options, summary: Summary) -> Outcome:
    """Put a current report's new products beside the others; on failure, keep everything as it was."""
    from gongkai.batch.executors import Result

    assert isinstance(result, Result)
    if result.products is None:
        return replace(last, status=CRASHED, message=result.error)
    folder = opts.out_dir / last.key
    publish(folder, result.products.files)
    entry = _refiled(folder, last, opts.formats)
    summary.completed.append(last.key)
    return entry


class _NoBar:
    n = 0

    def update(self, k: int) -> None:
        self.n += k

    def close(self) -> None:
        pass


def _progress(total: int, show: bool) -> _NoBar:
    if not show:
        return _NoBar()
    from tqdm import tqdm

    bar: _NoBar = tqdm(total=total, unit="份", desc="生成报告", file=sys.stderr, dynamic_ncols=True)
    return bar


def render_one(entry: Entry, opts: Options, kept: list[str] | None = None, removed: list[str] | None = None) -> Outcome:
    """One report on a fresh kernel, as `papermill` alone would run it; errors raise.

    Products of its folder not made by this run are kept while they match its
    inputs and named in `kept`; those of other inputs are removed once it
    succeeded, and named in `removed` (production/products.py).
    """
    from gongkai.batch.executors import Result

    given = build(entry.path, opts.data_dir)  # bad input fails here, before anything is written
    if opts.strict and not given.meta["passed"]:
        raise RenderError(f"{given.meta['title']} 未通过校验（--strict 不生成）：{given.report().summary()}")
    with lock(opts.out_dir):
        inputs = inputs_of(entry, opts)
        job = job_for(given, opts.formats, _template(entry.county.folder, opts))
        if opts.pdf:
            with render.Printer() as printer:
                products = produce(job, printer=printer)
        else:
            products = produce(job)
        done = _publish(entry, inputs, Result(job, products), opts, kept, removed)
        known = manifest.read_manifest(opts.out_dir)
        known[done.key] = done
        manifest.write_manifest(opts.out_dir, known, {"seconds": products.seconds})
        from gongkai.batch.publish import write_index

        write_index(opts.out_dir, list(known.values()))
    return done
