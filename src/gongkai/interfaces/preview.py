"""`gongkai preview`: one warm process that re-renders a report whenever its inputs are saved.

Great-expectations is imported once, the notebook runs on one warm kernel,
and Chromium starts only when the PDF is asked for, so a save costs a check
and a warm notebook run, well under the cold `gongkai render`. The page is
served on 127.0.0.1 with one small script that waits on /version and
reloads; the published pages stay script-free.

Threads: the HTTP server and the file watcher only enqueue work; every
render and print happens on the thread that called `serve` (Playwright's
sync API stays on the thread that started it).
"""

from __future__ import annotations

import json
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, urlparse

from gongkai.errors import GongkaiError
from gongkai.interfaces.previewserver import Server, allowed_host, since_of
from gongkai.pages import policy
from gongkai.records import catalog
from gongkai.resources import NOTEBOOK, TEMPLATES

if TYPE_CHECKING:
    from gongkai.pages.inputs import ReportInput

SCRIPT = TEMPLATES / "preview.js"
LONG_POLL = 20.0  # seconds a /version request waits for a change


@dataclass
class State:
    """What the server shows: the last good page, and the last error (if the last save was bad)."""

    version: int = 0
    html: str = ""
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    note: str = ""
    confirmed: bool = False  # great-expectations has validated what the page shows
    seconds: float = 0.0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def page(self) -> str:
        """The report with the preview's script, and the error above it if the last save failed."""
        bar = (
            '<div style="position:sticky;top:0;z-index:9;background:#b00020;color:#fff;padding:.6em 1em;'
            f'font:14px/1.5 sans-serif">预览未更新：{escape(self.error)}（仍显示上一次成功生成的报告）</div>'
            if self.error
            else ""
        )
        tools = (
            '<div style="position:fixed;right:.5em;bottom:.5em;z-index:9;font:12px sans-serif;background:#eee;'
            f'padding:.2em .5em;border-radius:3px">预览 #{self.version}（{self.seconds:.2f} 秒）{escape(self.note)}'
            ' · <a href="/report.pdf">PDF</a></div>'
        )
        script = f'<meta name="gk-preview-version" content="{self.version}"><script src="/preview.js"></script>'
        if not self.html:
            head = f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{script}</head>'
            return f"{head}<body>{bar}<p>还没有可显示的报告。</p></body></html>"
        html = self.html.replace(policy.STATIC, policy.PREVIEW, 1)
        html = html.replace("</head>", f"{script}\n</head>", 1)
        head, sep, rest = html.partition("<main>")
        return f"{head}{bar}{sep}{rest}".replace("</body>", f"{tools}\n</body>", 1) if sep else html

    def publish(self, bump: bool = True, **changes: Any) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self.version += bump
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != since, timeout)
            return self.version


class Preview:
    """One township-year, rendered on a warm kernel each time one of its files is saved."""

    def __init__(self, data_dir: Path, township: str, year: int, county: str | None = None) -> None:
        self.data_dir, self.township, self.year, self.county = data_dir, township, year, county
        self.entry = catalog.resolve(data_dir, township, year, county)  # bad arguments fail before serving
        self.state = State()
        self.tasks: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.stop = threading.Event()
        self.printer: Any = None

    def watched(self) -> set[Path]:
        """The record, last year's record and the county file: what the page is made of."""
        e = self.entry
        return {p.resolve() for p in (e.path, e.previous, e.county.folder / catalog.COUNTY_FILE)}

    def render(self) -> None:
        """Check and render on the warm kernel; a bad save keeps the last good page.

        The first answer comes from `checks.quick` (the same suites, evaluated
        directly); great-expectations then confirms it unless another save is
        waiting, and a disagreement re-renders the page with its verdict.
        """
        from gongkai.checks import check
        from gongkai.checks.quick import check_quick
        from gongkai.pages.inputs import Reader, make
        from gongkai.pages.provenance import git_state

        start = time.perf_counter()
        try:
            self.entry = entry = catalog.resolve(self.data_dir, self.township, self.year, self.county)
            read = Reader().read(entry.path)  # a new reader: every save is read afresh
            record, previous = read.record, read.previous
            git = git_state(self.data_dir.resolve())
            quick = check_quick([(record, previous)])
            report = quick[0] if quick else check(record, previous)
            self._show(make(read, report, git), start, confirmed=not quick)
            if quick and self.tasks.empty():
                verdict = check(record, previous)
                if verdict.to_json() != report.to_json():
                    self._show(
                        make(read, verdict, git),
                        start,
                        confirmed=True,
                        note="great-expectations 的结果与快速求值不同，已按其结果重新生成",
                    )
                else:
                    self.state.publish(confirmed=True, bump=False)
        except GongkaiError as e:
            self.state.publish(error=" ".join(str(e).splitlines()), seconds=time.perf_counter() - start)

    def _show(self, given: ReportInput, start: float, *, confirmed: bool, note: str = "") -> None:
        """Run the notebook as `produce` does, but export only the reader's page (no review page, no .ipynb)."""
        from gongkai.production import render
        from gongkai.production.kernels import ENGINE
        from gongkai.production.run import job_for, run_notebook

        nb = run_notebook(job_for(given, frozenset({"html"})), ENGINE, reader_notebook())
        meta = given.meta
        self.state.publish(
            html=with_findings(render.to_html(nb, title=meta["title"]), given.checks),
            meta=meta,
            title=meta["title"],
            error="",
            note=note,
            confirmed=confirmed,
            seconds=time.perf_counter() - start,
        )

    def pdf(self) -> bytes:
        """The current page as the PDF `render` would print; Chromium starts on the first request."""
        from gongkai.production.render import Printer
        from gongkai.production.run import alert_for

        if not self.state.html:
            raise GongkaiError("还没有可打印的报告")
        if self.printer is None:
            self.printer = Printer().__enter__()
        return self.printer.pdf(self.state.html, header=self.state.title, alert=alert_for(self.state.meta))  # type: ignore[no-any-return]

    def _watch(self) -> None:
        from watchfiles import watch

        files = self.watched()
        folders = sorted({p.parent for p in files})
        for changes in watch(*folders, recursive=False, step=20, stop_event=self.stop, raise_interrupt=False):
            if any(Path(path).resolve() in files for _, path in changes):
                self.tasks.put(("render", None))

    def request_stop(self, *_: Any) -> None:
        self.stop.set()
        self.tasks.put(("stop", None))

    def serve(self, port: int = 8000, ready: Any = print) -> None:
        """Render, serve and watch until SIGINT or SIGTERM; then close the kernel and the browser."""
        from gongkai.production.kernels import WarmKernel

        server = Server(("127.0.0.1", port), _handler(self))
        old = {s: signal.signal(s, self.request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
        threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]
        try:
            for t in threads:
                t.start()
            self.render()
            ready(f"预览：http://127.0.0.1:{server.server_address[1]}/  （{self.entry.path}；Ctrl-C 结束）")
            while not self.stop.is_set():
                kind, reply = self.tasks.get()
                if kind == "render":
                    while not self.tasks.empty() and self.tasks.queue[0][0] == "render":
                        self.tasks.get()  # several saves at once: render the latest state once
                    self.render()
                elif kind == "pdf":
                    try:
                        reply.put(self.pdf())
                    except Exception as e:  # the page shows it; the preview goes on
                        reply.put(e)
        finally:
            self.stop.set()
            server.shutdown()
            server.server_close()
            if self.printer is not None:
                self.printer.close()
            WarmKernel.close_current()
            for s, handler in old.items():
                signal.signal(s, handler)


@cache
def with_findings(html: str, checks_json: str) -> str:
    """The reader's page with the findings under its title: the preview has no review page to point to."""
    from gongkai.checks.report import CheckReport
    from gongkai.checks.view import findings_list
    from gongkai.pages.report import REVIEW_POINTER

    found = findings_list(CheckReport.from_dict(json.loads(checks_json)))
    if not found:
        return html
    html = html.replace(REVIEW_POINTER, "详见标题下列出的校验发现", 1)
    return html.replace("</header>", f"</header>\n{found}", 1)


def reader_notebook() -> Any:
    """The notebook without the reviewer's cells: the preview shows the reader's page, which omits them.

    The appendices (the charts above all) are most of a warm run; what the
    reader's page shows is computed by the same cells as in `render`.
    """
    import nbformat

    from gongkai.production.render import REVIEW_TAG

    nb = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    nb.cells = [c for c in nb.cells if REVIEW_TAG not in c.metadata.get("tags", [])]
    return nb


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal is for the analyst, not for access logs

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", policy.PREVIEW)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            state = preview.state
            server = cast(Server, self.server)
            if not allowed_host(self.headers.get("Host"), server.port):
                # a page elsewhere reaching us through a rebound DNS name reads nothing and prints nothing
                self._send(421, "只接受 127.0.0.1 或 localhost 的请求".encode(), "text/plain; charset=utf-8")
            elif url.path == "/":
                self._send(200, state.page().encode("utf-8"), "text/html; charset=utf-8")
            elif url.path == "/version":
                since = since_of(parse_qs(url.query).get("since", [""])[0])
                with server.long_poll() as allowed:
                    version = state.wait(since, LONG_POLL) if since is not None and allowed else state.version
                body = {
                    "version": version,
                    "error": state.error,
                    "seconds": round(state.seconds, 3),
                    "confirmed": state.confirmed,
                }
                self._send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json")
            elif url.path == "/preview.js":
                self._send(200, SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
            elif url.path == "/report.pdf":
                reply: queue.Queue[Any] = queue.Queue()
                preview.tasks.put(("pdf", reply))
                try:
                    result = reply.get(timeout=120)
                except queue.Empty:
                    result = GongkaiError("两分钟内未打印完成")
                if isinstance(result, Exception):
                    self._send(500, f"无法生成 PDF：{result}".encode(), "text/plain; charset=utf-8")
                else:
                    self._send(200, result, "application/pdf")
            else:
                self._send(404, "没有这个页面".encode(), "text/plain; charset=utf-8")

    return Handler
