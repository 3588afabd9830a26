"""Is a report current? One answer, given by `Plan.verdict`, for the quiet pass and the full run alike.

A wrong answer is a stale published report, so it is decided in one place:
the report's inputs hashed (batch.fingerprint), its last outcome, the options
of this run and, for a report rendered last time, its files. The run's cache
(batch.statcache) is made by the caller and passed in; the plan keeps no
state between runs and installs nothing anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.batch import fingerprint, manifest
from gongkai.batch.statcache import Cache
from gongkai.pages.outcomes import RENDERED, Outcome
from gongkai.production import products as products_of
from gongkai.production.office_template import template_path
from gongkai.production.run import DEFAULT_FORMATS
from gongkai.records.catalog import Entry
from gongkai.records.ids import check_id, report_key
from gongkai.resources import EXPECTATIONS, NOTEBOOK

# What a report needs (`Plan.verdict`).
RENDER = "render"  # its notebook run again
PRODUCTS = "products"  # current, but its product files differ from those asked for: made or removed alone
CURRENT = "current"  # nothing


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


def folder_for(out_dir: Path, entry: Entry) -> Path:
    """output/<year>/<county>/<township>/: names repeat across counties; ids are never paths."""
    return out_dir / str(entry.year) / check_id("county", entry.county.id) / check_id("township", entry.township.id)


def summary_of(out_dir: Path, entry: Entry) -> Path:
    return out_dir / str(entry.year) / entry.county.id / "summary.html"


def key_of(entry: Entry) -> str:
    return report_key(entry.year, entry.county.id, entry.township.id)


def index_current(out_dir: Path) -> bool:
    """index.html written after manifest.json (a run killed between the two left an old index)."""
    try:
        return (out_dir / "index.html").stat().st_mtime_ns >= (out_dir / manifest.MANIFEST).stat().st_mtime_ns
    except OSError:
        return False


@dataclass
class Planned:
    """The full run's plan: what to render, what is kept as it was, which kept ones need their products."""

    todo: list[tuple[Entry, dict[str, str]]] = field(default_factory=list)
    kept: dict[str, Outcome] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)  # keys of kept reports whose products differ
    known: dict[str, Outcome] = field(default_factory=dict)  # manifest.json as read


class Plan:
    """One run's answers to "is this report current?", over the cache its caller opened.

    `shared`: the hashes every report shares (notebook, suites, templates,
    code, versions); computed once here unless given.
    """

    def __init__(self, opts: Options, cache: Cache | None = None, shared: dict[str, str] | None = None) -> None:
        self.opts = opts
        self.cache = Cache() if cache is None else cache  # without a file: this run's hashes only
        self.shared = fingerprint.environment(NOTEBOOK, EXPECTATIONS) if shared is None else shared
        self.options = fingerprint.options_text({"strict": opts.strict})  # not the formats: production/products.py
        self.asked = {products_of.OPTIONAL[f] for f in opts.formats}
        self.optional = set(products_of.OPTIONAL.values())
        self.out = str(opts.out_dir)

    def inputs(self, entry: Entry) -> dict[str, str]:
        """Everything the report on `entry` depends on, hashed; an office's Word template too."""
        inputs = fingerprint.inputs(entry, self.options, self.shared, self.cache)
        template = template_path(entry.county.folder, self.opts.docx_template)
        if template is not None:
            inputs["docx_template"] = self.cache.hash(str(template))
        return inputs

    def verdict(self, entry: Entry, digest: str, last: Outcome | None) -> str:
        """RENDER, PRODUCTS or CURRENT for the report on `entry`, whose inputs hash to `digest`.

        `last`: its outcome the last time it was built, or None. --only-failed renders
        exactly what failed last time; otherwise a report is rendered when forced, new,
        or built from other inputs, or when a file every report has is gone. A rendered
        report's files are looked at through the cache: no stat each while its folder is unchanged.
        """
        if self.opts.only_failed:
            return RENDER if last is not None and not last.ok else CURRENT
        if self.opts.force or last is None or last.fingerprint != digest:
            return RENDER
        if last.status != RENDERED:
            return CURRENT  # invalid, crashed or refused on these very inputs: so it stays until they change
        folder = os.path.join(self.out, key_of(entry))  # ids checked by the catalog: no Path here
        made = {name for name in last.files if name in self.optional}
        if self.asked <= made and self.cache.has_files(folder, last.files, entry.county.id):
            return CURRENT  # products not asked for this time stay: made from the same inputs (production/products.py)
        # a lost optional product or other formats asked for: made again from the saved notebook
        needed = (name for name in last.files if name not in self.optional)
        return PRODUCTS if all(os.path.isfile(os.path.join(folder, name)) for name in needed) else RENDER

    def split(self, entries: Iterable[Entry]) -> Planned:
        """The full run's plan; the outcomes come from manifest.json, or a report's build.json."""
        self.cache.seen.clear()  # a new pass: stat every file again
        planned = Planned(known=manifest.read_manifest(self.opts.out_dir))
        self.cache.remember(self.opts.out_dir / manifest.MANIFEST, planned.known)  # what the next no-op reads
        for entry in entries:
            inputs = self.inputs(entry)
            digest = fingerprint.digest(inputs)
            key = key_of(entry)
            last = planned.known.get(key)
            if last is None or last.fingerprint != digest:
                last = manifest.read_build(folder_for(self.opts.out_dir, entry))  # a run killed before its manifest
            action = self.verdict(entry, digest, last)
            if action == RENDER:
                planned.todo.append((entry, inputs))
            elif last is not None:
                planned.kept[key] = last
                if action == PRODUCTS:
                    planned.products.append(key)
        return planned
