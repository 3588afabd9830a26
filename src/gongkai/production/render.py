"""Executed notebook → HTML (nbconvert, in-process) → A4 PDF (headless Chromium).

One exporter per process and one browser per `Printer`: their start-up costs
are paid once, not per report.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import threading
from functools import cache, lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

from gongkai.errors import GongkaiError
from gongkai.format.page import PAGE
from gongkai.pages import policy
from gongkai.pages.outcomes import REVIEW
from gongkai.pages.style import stylesheet
from gongkai.resources import TEMPLATES

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

# Top, bottom, left, right as printed government documents set A4 (GB/T 9704 is 37/35/28/26 mm).
MARGINS = PAGE.css_margins()
# Debian's headless shell first: the same Blink without the browser's own UI, it prints a page for about
# two thirds of the CPU and starts for two thirds (benchmarks/print.py); the full browser otherwise.
CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
)
TIMEOUT_ENV = "GONGKAI_PRINT_TIMEOUT"  # seconds a browser may take to start or to print one page


def print_timeout() -> float:
    try:
        return max(1.0, float(os.environ.get(TIMEOUT_ENV, "90")))
    except ValueError:
        return 90.0


class BrowserError(GongkaiError):
    """Chromium would not start, died, or hung: the PDF step cannot go on with this browser."""

    exit_code = 1


HIDE_TAG = "gk-hide"  # cells neither page shows (the notebook's own introduction and defaults)
REVIEW_TAG = "gk-review"  # the appendices: the reviewer's page shows them, the official document does not


def _exporter_class() -> type[HTMLExporter]:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its closing BeautifulSoup pass.

        That pass re-parses the whole page to add alt texts and tabindex to
        JupyterLab markup our pages do not contain; it is four fifths of the
        export time. The filters it registers first are registered here too.
        """

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name"))
            self.register_filter("highlight_code", _highlighter(lexer))
            self.register_filter("clean_html", _cached_clean)
            resources = self._init_resources(resources)
            types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("filter_data_type", types)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return str(html), resources

    return Exporter


def _highlighter(lexer: str | None) -> Any:
    """Pygments on each code cell, remembered by its source: every report shows the same code.

    Only the parameters cell differs between reports; the cell's metadata
    matters to nbconvert only through `magics_language`, so that is the key.
    """

    def highlight_code(source: str, language: str | None = None, metadata: Any = None) -> str:
        return _highlight(lexer, source, language, (metadata or {}).get("magics_language"))

    return highlight_code


@lru_cache(maxsize=256)
def _highlight(lexer: str | None, source: str, language: str | None, magics: str | None) -> str:
    from nbconvert.filters.highlight import Highlight2HTML

    return str(Highlight2HTML(pygments_lexer=lexer)(source, language, {"magics_language": magics} if magics else None))


@lru_cache(maxsize=512)
def _cached_clean(html: str) -> str:
    """nbconvert's bleach pass, remembered: the same highlighted code is cleaned once per process."""
    from nbconvert.filters.strings import clean_html

    return str(clean_html(html))


@cache
def _exporter(review: bool = False) -> HTMLExporter:
    """The official page: the report alone, no code; the reviewer's adds the appendices and the code."""
    from traitlets.config import Config

    config = Config()
    # Validate the notebook once, after all preprocessors, not after each of the dozen (most of them
    # disabled): that was a fifth of a worker's CPU per report (benchmarks/convert.py).
    config.Exporter.optimistic_validation = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {HIDE_TAG} if review else {HIDE_TAG, REVIEW_TAG}
    return _exporter_class()(
        config=config,
        template_name="gongkai",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not review,
        exclude_input_prompt=not review,
        exclude_output_prompt=True,
    )


def to_html(nb: Any, title: str, *, review: bool = False, review_link: bool = False) -> str:
    """The finished page: no scripts and nothing fetched; it works offline.

    The stylesheet the cover carries for JupyterLab is dropped: the page has its own.
    """
    from gongkai.pages.report import lab_style

    resources = {
        "gongkai_title": f"{title}（审阅版）" if review else title,
        "gongkai_csp": policy.STATIC,
        "gongkai_css": stylesheet(),
        "gongkai_body_class": " gk-review" if review else "",
        "gongkai_review_link": REVIEW if review_link and not review else "",
    }
    html, _ = _exporter(review).from_notebook_node(nb, resources=resources)
    return str(html).replace(lab_style(), "", 1)


def chromium_path() -> str:
    """Debian's Chromium binary (the /usr/bin wrapper script misbehaves here)."""
    explicit = os.environ.get("GONGKAI_CHROMIUM")
    candidates = [explicit] if explicit else [*CHROMIUM_CANDIDATES, shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise GongkaiError(
        "未找到 Chromium，无法生成 PDF：请运行 `make report`（会安装 Debian 的 chromium），"
        "或设置 GONGKAI_CHROMIUM，或加 --no-pdf 只生成 HTML"
    )


@cache
def check_chromium() -> str:
    """The browser, proved to run (`--version`) before any work starts: not a file that merely exists."""
    import subprocess

    executable = chromium_path()
    try:
        done = subprocess.run(
            [executable, "--version"], capture_output=True, timeout=print_timeout(), check=False, text=True
        )
    except subprocess.TimeoutExpired:
        raise GongkaiError(
            f"Chromium（{executable}）在 {print_timeout():.0f} 秒内没有回应 --version：无法生成 PDF"
        ) from None
    except OSError as e:
        raise GongkaiError(f"Chromium（{executable}）无法运行：{e.strerror or e}；或加 --no-pdf 只生成 HTML") from None
    if done.returncode != 0:
        raise GongkaiError(
            f"Chromium（{executable}）无法运行（--version 退出码 {done.returncode}）："
            "请检查 GONGKAI_CHROMIUM，或加 --no-pdf 只生成 HTML"
        )
    return executable


def _browsers() -> set[int]:
    """The Chromium processes among this process's descendants (through Playwright's driver)."""
    import psutil

    out = set()
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" in proc.name().lower():
                out.add(proc.pid)
    return out


class Printer:
    """One headless Chromium that prints many pages to PDF."""

    def __init__(self, *, fonts: bool = True) -> None:
        self._want_fonts = fonts  # False: Noto's own faces only (benchmarks, comparisons)
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None
        self._fonts = False  # the Gongkai TrueType faces are in this browser's fontconfig
        self._pids: set[int] = set()  # this browser's processes, killed if it stops answering

    def __enter__(self) -> Printer:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        # Ctrl-C reaches Playwright's driver too; its lost connection would be logged by asyncio, in
        # English, from every worker ("Future exception was never retrieved"): the parent says 「已中断」.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        self._playwright = sync_playwright().start()
        args = [
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")
        timeout = print_timeout() * 1000
        env = _font_env() if self._want_fonts else None
        self._fonts = env is not None
        before = _browsers()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=args, timeout=timeout, env=env
            )
        except Exception as e:
            self._playwright.stop()
            self._playwright = None
            raise BrowserError(f"无法启动 Chromium（{executable}）：{_first_line(e)}") from None
        self._page = self._browser.new_page()
        self._pids = _browsers() - before
        self._page.set_default_timeout(timeout)
        # Nothing leaves the machine: the page is self-contained by design.
        self._page.route("**/*", lambda route: route.abort())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser; one that hangs or died is left to the driver, which kills it when stopped."""
        if self._browser is not None:
            with contextlib.suppress(Exception):
                self._browser.close()
            self._browser = None
            self._page = None
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                self._playwright.stop()
            self._playwright = None

    def kill(self) -> None:
        """Kill this browser's processes and the ones they started (SIGKILL stops even a stopped one)."""
        import psutil

        procs: list[Any] = []
        for pid in set(self._pids):  # a copy: the watchdog's thread and the caller's may both be here
            with contextlib.suppress(psutil.Error):
                main = psutil.Process(pid)
                procs += [main, *main.children(recursive=True)]
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(procs, timeout=5)

    def pdf(self, html: str, header: str, alert: str = "") -> bytes:
        """A4 in the margins of printed government documents, `- 1 -` centred below.

        A running header only when there is something to warn of (failed checks,
        invented figures): then every page carries the warning and the title.
        Both are CSS margin boxes added to the printed copy only (production/pagebox.py):
        Chromium lays out no header and footer document per page.
        """
        if self._page is None:
            raise RuntimeError("Printer used outside `with`")
        # Playwright's pdf() and evaluate() take no timeout: a browser frozen in them (stopped, not dead)
        # would be waited for forever. A watchdog kills it; the call then fails like any dead browser's.
        watchdog = threading.Timer(2 * print_timeout(), self.kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._print(html, header, alert)
        except Exception as e:
            self.kill()  # a frozen browser (stopped, not dead) would hang the polite close below
            self.close()  # a hung or dead browser is not used again: the caller starts another
            raise BrowserError(
                f"Chromium 打印失败（{print_timeout():.0f} 秒超时或浏览器退出）：{_first_line(e)}"
            ) from None
        finally:
            watchdog.cancel()

    def _print(self, html: str, header: str, alert: str) -> bytes:
        from gongkai.production import fonts, pagebox

        family = f"'{fonts.PRINT_FAMILIES[SERIF]}','{SERIF}',serif" if self._fonts else f"'{SERIF}',serif"
        rules = pagebox.footer_css(family, MARGINS)
        if alert:
            texts = pagebox.measured(alert, header)
            left, right = self._page.evaluate(pagebox.MEASURE_JS, [texts, family])
            rules += pagebox.header_css(alert, header, family, MARGINS, (left, right))
        page = pagebox.inject(fonts.print_css(html) if self._fonts else html, rules)
        self._page.set_content(page, wait_until="load")
        data: bytes = self._page.pdf(format="A4", print_background=True, margin=MARGINS, prefer_css_page_size=False)
        return data


SERIF = "Noto Serif CJK SC"
WARNED_ENV = "GONGKAI_FONTS_WARNED"  # set once told: worker processes started later stay quiet


def _font_env() -> dict[str, str] | None:
    """Chromium's environment with the converted TrueType faces added to fontconfig; None without them.

    Without them the PDF still prints, with Noto's CFF outlines (Type 3 fonts:
    slower, larger); the user is told once how to get them.
    """
    from gongkai.production import fonts

    folder = fonts.installed()
    if folder is None:
        if not os.environ.get(WARNED_ENV):
            os.environ[WARNED_ENV] = "1"
            print(
                "提示：未找到打印用 TrueType 字体，PDF 将以 Noto 字体的 Type 3 字形打印（较慢、文件较大）；"
                "运行 `make fonts` 或 `python -m gongkai.production.fonts`（约一两分钟，只需一次）可生成",
                file=sys.stderr,
            )
        return None
    return {**os.environ, "FONTCONFIG_FILE": str(folder / fonts.CONF_NAME)}


def _first_line(e: BaseException) -> str:
    lines = [line.strip() for line in str(e).splitlines() if line.strip() and not line.startswith("=")]
    return lines[0][:200] if lines else type(e).__name__


def print_pages(pages: list[Any]) -> list[bytes]:
    """Print pages on a browser of this process (when no executor is running)."""
    with Printer() as printer:
        return [printer.pdf(p.html, header=p.header, alert=p.alert) for p in pages]
