"""Render many reports: skip what has not changed, check in batches, produce in parallel.

The caller's process plans, checks (one great-expectations run per batch of
records) and publishes; the executor's workers only execute and print.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import chain, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.batch import fingerprint, manifest
from gongkai.batch.manifest import CRASHED, INVALID, RENDERED
from gongkai.errors import GongkaiError, ProductInUse
from gongkai.outputs import lock, publish
from gongkai.production import products as products_of
from gongkai.production.docx_styles import template_bytes
from gongkai.production.office_template import template_path
from gongkai.production.run import DEFAULT_FORMATS, Job
from gongkai.records.catalog import Entry
from gongkai.records.record import check_id

if TYPE_CHECKING:
    from gongkai.batch.executors import Result

REFUSED = "refused"  # failed its checks under --strict
# Records checked in one great-expectations validation: each costs ~0.9 s plus ~20 ms a record. The first
# batch is small so the workers start on reports soon; later batches amortise the fixed cost.
FIRST_BATCH, CHECK_BATCH = 8, 200


@dataclass
class Options:
    data_dir: Path
    out_dir: Path
    jobs: int = 2
    force: bool = False
    only_failed: bool = False
    formats: frozenset[str] = DEFAULT_FORMATS  # see run.FORMATS; the review HTML is always made
    strict: bool = False
    executor: str = "local"
    scheduler: str | None = None
    progress: bool = True
    docx_template: Path | None = None  # --docx-template; else county.yaml's (production/office_template.py)

    @property
    def pdf(self) -> bool:
        """Whether anything is printed, so workers need a browser (the county summaries' PDFs too)."""
        return bool(self.formats & {"pdf", "review-pdf"})


@dataclass
class Summary:
    # Every matched report, in order: a run that renders reads them all; a no-op only counts them (batch/noop.py).
    reports: list[manifest.Entry] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # keys rendered by this run
    attempted: list[str] = field(default_factory=list)  # keys this run tried, whatever came of it
    seconds: float = 0.0
    index: Path | None = None
    completed: list[str] = field(default_factory=list)  # current reports given the products newly asked for
    kept: list[str] = field(default_factory=list)  # product files not made again but still valid (products.py)
    removed: list[str] = field(default_factory=list)  # product files of earlier inputs, removed (products.py)
    total: int = 0  # matched reports
    statuses: dict[str, int] = field(default_factory=dict)  # matched reports by status
    failing: list[manifest.Entry] = field(default_factory=list)  # rendered, but failed their checks
    unrendered: list[manifest.Entry] = field(default_factory=list)  # crashed, invalid, refused

    def count(self, report: manifest.Entry) -> None:
        """Tally one matched report; the ones with problems are kept to be named."""
        self.total += 1
        self.statuses[report.status] = self.statuses.get(report.status, 0) + 1
        if report.status != RENDERED:
            self.unrendered.append(report)
        elif report.passed is False:
            self.failing.append(report)

    def with_status(self, status: str) -> int:
        return self.statuses.get(status, 0)

    @property
    def skipped(self) -> int:
        return self.total - len(self.attempted)

    @property
    def exit_code(self) -> int:
        """2 when a record is unusable (as for any bad input), 1 when a report failed or crashed."""
        if self.with_status(INVALID):
            return 2
        return 1 if self.failing or self.unrendered else 0


def folder_for(out_dir: Path, entry: Entry) -> Path:
    """output/<year>/<county>/<township>/: names repeat across counties; ids are never paths."""
    return out_dir / str(entry.year) / check_id("county", entry.county.id) / check_id("township", entry.township.id)


def summary_of(out_dir: Path, entry: Entry) -> Path:
    return out_dir / str(entry.year) / entry.county.id / "summary.html"


def key_of(entry: Entry) -> str:
    return f"{entry.year}/{entry.county.id}/{entry.township.id}"


def _outputs_present(folder: Path, last: manifest.Entry) -> bool:
    """The files every report has; a lost optional product is made again from them (_product_jobs)."""
    return all((folder / name).is_file() for name in last.files if name not in products_of.OPTIONAL.values())


def inputs_of(entry: Entry, opts: Options) -> dict[str, str]:
    """Everything the report on `entry` depends on, hashed."""
    from gongkai.resources import EXPECTATIONS, NOTEBOOK

    shared = fingerprint.environment(NOTEBOOK, EXPECTATIONS)
    inputs = fingerprint.inputs(entry, _options(opts.strict), shared)
    template = template_path(entry.county.folder, opts.docx_template)
    if template is not None:  # the Word file's look is an input too
        inputs["docx_template"] = fingerprint.file_hash(template)
    return inputs


def _template(entry_county: Path, opts: Options) -> bytes:
    """The Word template a job carries (its styles, a few KB), or nothing for the official look."""
    template = template_path(entry_county, opts.docx_template)
    return b"" if template is None else template_bytes(template)


@cache
def _options(strict: bool) -> str:
    return fingerprint.options_text({"strict": strict})  # not the formats: production/products.py


def plan(
    entries: Sequence[Entry], opts: Options
) -> tuple[list[tuple[Entry, dict[str, str]]], dict[str, manifest.Entry]]:
    """Which entries need building, and the last known outcome of the others."""
    todo, kept, _ = _plan(entries, opts)
    return todo, kept


def _plan(
    entries: Sequence[Entry], opts: Options
) -> tuple[list[tuple[Entry, dict[str, str]]], dict[str, manifest.Entry], dict[str, manifest.Entry]]:
    cache = fingerprint.use(opts.out_dir)  # hashes of unchanged files, from the last run
    known = manifest.read_manifest(opts.out_dir)
    cache.remember(opts.out_dir / manifest.MANIFEST, known)  # the outcomes the next no-op reads (batch/noop.py)
    out = str(opts.out_dir)
    todo, kept = [], {}
    for entry in entries:
        inputs = inputs_of(entry, opts)
        digest = fingerprint.digest(inputs)
        key = key_of(entry)
        last = known.get(key)
        if last is None or last.fingerprint != digest:
            last = manifest.read_build(folder_for(opts.out_dir, entry))  # a run killed before its manifest
        current = last is not None and last.fingerprint == digest
        if current and last is not None and last.status == RENDERED:  # ids checked by the catalog: no Path here
            # every file of its last run, from the cache while the folder is unchanged; else the ones
            # every report has (a lost optional product is made again from them: _product_jobs)
            folder = os.path.join(out, key)
            current = fingerprint.CACHE.has_files(folder, last.files, entry.county.id)
            current = current or _outputs_present(Path(folder), last)
        # --only-failed: exactly what failed last time; otherwise what changed (or all, --force)
        stale = (last is not None and not last.ok) if opts.only_failed else (opts.force or not current)
        if stale:
            todo.append((entry, inputs))
        elif last is not None:
            kept[key] = last
    return todo, kept, known


def index_current(out_dir: Path) -> bool:
    """index.html written after manifest.json (a run killed between the two left an old index)."""
    try:
        return (out_dir / "index.html").stat().st_mtime_ns >= (out_dir / manifest.MANIFEST).stat().st_mtime_ns
    except OSError:
        return False


def _entry(entry: Entry, inputs: dict[str, str], status: str, **fields: object) -> manifest.Entry:
    return manifest.Entry(
        key=key_of(entry),
        status=status,
        fingerprint=fingerprint.digest(inputs),
        inputs=inputs,
        county=entry.county.name,
        township=entry.township.name,
        year=entry.year,
        **fields,  # type: ignore[arg-type]
    )


def _jobs(todo: list[tuple[Entry, dict[str, str]]], opts: Options, done: dict[str, manifest.Entry]) -> Iterator[Job]:
    """Load and check records a batch at a time; a bad record is a result, not a job."""
    from gongkai.checks import check_many
    from gongkai.pages.provenance import git_state
    from gongkai.pages.report import load_previous
    from gongkai.production.run import data_label
    from gongkai.records.record import load_record

    data_dir = str(opts.data_dir.resolve())
    git = git_state(opts.data_dir.resolve())  # read here, not on a worker that may have no repository
    shown = data_label(opts.data_dir)  # as the review page names it, whatever folder a worker reads
    bounds = [0, *range(FIRST_BATCH, len(todo), CHECK_BATCH), len(todo)]
    for start, end in pairwise(bounds):
        batch, pairs = [], []
        for entry, inputs in todo[start:end]:
            try:
                record = load_record(entry.path)
            except GongkaiError as e:
                done[key_of(entry)] = _entry(entry, inputs, INVALID, message=str(e))
                continue
            batch.append((entry, inputs))
            pairs.append((record, load_previous(record)[0]))
        if not pairs:
            continue
        for (entry, inputs), (record, _), report in zip(batch, pairs, check_many(pairs), strict=True):
            facts = {"title": record.title, "passed": report.passed, "synthetic": record.synthetic}
            facts |= {"errors": len(report.errors), "warnings": len(report.warnings)}
            if opts.strict and not report.passed:
                done[key_of(entry)] = _entry(entry, inputs, REFUSED, message=report.summary(), **facts)
                continue
            checks = report.to_json()
            yield Job(
                entry.county.id,
                entry.township.id,
                entry.year,
                data_dir,
                checks,
                opts.formats,
                git=git,
                docx_template=_template(entry.county.folder, opts),
                data_shown=shown,
            )


def render_many(entries: Iterable[Entry], opts: Options) -> Summary:
    """`entries` may be a `catalog.Selection`: a run with nothing to do then passes over them once, holding none."""
    from gongkai.batch.executors import EXECUTORS
    from gongkai.batch.noop import nothing_to_do

    start = time.perf_counter()
    if iter(entries) is entries:  # a one-time iterator: the quiet pass would use up what the full run needs
        entries = list(entries)
    opts.out_dir.mkdir(parents=True, exist_ok=True)
    with lock(opts.out_dir):
        quiet = nothing_to_do(entries, opts)
        if quiet is not None:
            fingerprint.CACHE.save()  # what this pass learnt: output folders checked once more
            quiet.seconds = time.perf_counter() - start
            return quiet
        entries = list(entries)
        summary = Summary()
        todo, kept, planned = _plan(entries, opts)
        done: dict[str, manifest.Entry] = {}
        by_key = {key_of(e): (e, i) for e, i in todo}
        extra = [] if opts.only_failed else _product_jobs(kept, opts, summary)
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
            unchanged = not todo and not extra and all(planned.get(k) is v for k, v in kept.items())
            unchanged = unchanged and index_current(opts.out_dir)
            known = planned  # manifest.json as read, with this run's outcomes over it
            known.update(kept)
            known.update(done)
            summary.reports = [known[key_of(e)] for e in entries if key_of(e) in known]
            for report in summary.reports:
                summary.count(report)
            summary.rendered = [k for k, v in done.items() if v.status == RENDERED and k not in kept]
            summary.attempted = [k for k, v in done.items() if k not in kept or v.status != RENDERED]
            touched = {(v.year, k.split("/")[1]) for k, v in done.items() if k not in kept}
            counties = {(e.year, e.county.id): e for e in entries}.values()
            touched |= {(e.year, e.county.id) for e in counties if not summary_of(opts.out_dir, e).exists()}
            from gongkai.batch.publish import write_summaries
            from gongkai.production.render import print_pages

            printing = (executor.print_pages if executor is not None else print_pages) if opts.pdf else None
            write_summaries(opts.out_dir, opts.data_dir, touched, known, printing)
        finally:
            if executor is not None:
                executor.close()
        if unchanged:
            summary.index = opts.out_dir / "index.html"
        else:
            manifest.write_manifest(opts.out_dir, known, {"seconds": round(time.perf_counter() - start, 3)})
            fingerprint.CACHE.remember(opts.out_dir / manifest.MANIFEST, known)
            from gongkai.batch.publish import write_index

            summary.index = write_index(opts.out_dir, list(known.values()))
        fingerprint.CACHE.save()
    summary.seconds = time.perf_counter() - start
    return summary


def _publish(
    entry: Entry,
    inputs: dict[str, str],
    result: object,
    opts: Options,
    kept: list[str] | None = None,
    removed: list[str] | None = None,
) -> manifest.Entry:
    import json

    from gongkai.batch.executors import Result
    from gongkai.checks.report import CheckReport

    assert isinstance(result, Result)
    if result.products is None:
        return _entry(entry, inputs, CRASHED, message=result.error)
    products = result.products
    meta = products.meta
    checks = CheckReport.from_dict(json.loads(products.files["checks.json"]))
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
    # after the new products and build.json: a failed run removes nothing
    gone = products_of.remove(folder, stale)
    if removed is not None:
        removed += gone
    if kept is not None:
        kept += [str(folder / name) for name in still]
    return record


def _product_jobs(kept: dict[str, manifest.Entry], opts: Options, summary: Summary) -> list[tuple[str, frozenset[str]]]:
    """Current reports under other formats than last time: the formats missing.

    Products not asked for stay: they were made from the same inputs (production/products.py).
    """
    jobs = []
    asked = {products_of.OPTIONAL[f] for f in opts.formats}
    optional, out = set(products_of.OPTIONAL.values()), str(opts.out_dir)
    for key, last in kept.items():
        if last.status != RENDERED:
            continue
        made = {name for name in last.files if name in optional}
        if asked <= made and fingerprint.CACHE.has_files(os.path.join(out, key), last.files, key.split("/")[1]):
            continue  # as the last run left it (no stat per product: a no-op over a nation's records)
        folder = opts.out_dir / key
        missing = products_of.missing(folder, opts.formats)
        if not missing:
            if products_of.present(folder, last.files) != sorted(set(last.files)):
                kept[key] = _refiled(folder, last, opts.formats)  # a product lost: no longer listed
            continue
        jobs.append((key, missing))
    return jobs


def _product_job(key: str, missing: frozenset[str], opts: Options) -> Job:
    """The job making a current report's missing products from its saved notebook and checks."""
    folder = opts.out_dir / key
    year, county, township = key.split("/")
    checks = (folder / "checks.json").read_text(encoding="utf-8")
    notebook = (folder / products_of.NOTEBOOK).read_bytes()
    template = _template(opts.data_dir / county, opts)
    data_dir = str(opts.data_dir.resolve())
    return Job(county, township, int(year), data_dir, checks, missing, notebook=notebook, docx_template=template)


def _produce_here(jobs: Iterable[Job], pdf: bool) -> Iterator[Result]:
    """Saved notebooks' missing products, in this process: no kernel, one browser if a PDF is missing."""
    from contextlib import ExitStack

    from gongkai.batch.executors import Result
    from gongkai.production.render import Printer
    from gongkai.production.run import produce

    with ExitStack() as stack:
        printer = stack.enter_context(Printer()) if pdf else None
        for job in jobs:
            try:
                yield Result(job, produce(job, printer=printer))
            except Exception as e:  # a crash is this report's result, as in a worker
                yield Result(job, None, f"{type(e).__name__}: {e}")


def _refiled(folder: Path, last: manifest.Entry, formats: frozenset[str]) -> manifest.Entry:
    """The entry listing the files of the last run and those asked for that are in the folder, in build.json."""
    names = [*products_of.ALWAYS, *last.files, *(products_of.OPTIONAL[f] for f in formats)]
    entry = replace(last, files=products_of.present(folder, names))
    manifest.write_build(folder, entry)
    return entry


def _publish_added(last: manifest.Entry, result: object, opts: Options, summary: Summary) -> manifest.Entry:
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


def render_one(
    entry: Entry, opts: Options, kept: list[str] | None = None, removed: list[str] | None = None
) -> manifest.Entry:
    """One report on a fresh kernel, as `papermill` alone would run it; errors raise.

    Products of its folder not made by this run are kept while they match its
    inputs and named in `kept`; those of other inputs are removed once it
    succeeded, and named in `removed` (production/products.py).
    """
    from gongkai.batch.executors import Result
    from gongkai.checks import check
    from gongkai.pages.provenance import git_state
    from gongkai.pages.report import load_previous
    from gongkai.production import render
    from gongkai.production.run import RenderError, data_label, produce
    from gongkai.records.record import load_record

    record = load_record(entry.path)  # bad input fails here, before anything is written
    report = check(record, load_previous(record)[0])
    if opts.strict and not report.passed:
        raise RenderError(f"{record.title} 未通过校验（--strict 不生成）：{report.summary()}")
    with lock(opts.out_dir):
        inputs = inputs_of(entry, opts)
        data_dir = opts.data_dir.resolve()
        job = Job(entry.county.id, entry.township.id, entry.year, str(data_dir), report.to_json(), opts.formats)
        job = replace(job, git=git_state(data_dir), data_shown=data_label(data_dir))
        job = replace(job, docx_template=_template(entry.county.folder, opts))
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
