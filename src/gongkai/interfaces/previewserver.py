"""The preview's HTTP server: local callers only, bounded threads, quiet about closed tabs.

An analyst leaves the preview open for hours. A web page elsewhere could
reach it through a DNS name rebound to 127.0.0.1, so only requests naming
127.0.0.1 or localhost with our port are answered. Threads are bounded (the
rest wait in a large listen backlog), long polls take at most half of them,
and a reload or a closed tab (the browser hanging up mid-answer) prints
nothing; any other fault in a handler is one Chinese line.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any

MAX_THREADS = 32
MAX_LONG_POLLS = MAX_THREADS // 2
BACKLOG = 512
_SINCE = re.compile(r"[0-9]{1,12}")  # ASCII digits only: 「²」 is a digit to str.isdigit, not to int()


def allowed_host(host: str | None, port: int) -> bool:
    """Whether the Host header names this server on the loopback address (DNS rebinding refused)."""
    return host in (f"127.0.0.1:{port}", f"localhost:{port}")


def since_of(text: str) -> int | None:
    """The version a long poll waits to change from; None for anything that is not a plain number."""
    return int(text) if _SINCE.fullmatch(text) else None


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with a thread cap, a larger backlog and quiet disconnects."""

    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        self.threads = threading.BoundedSemaphore(MAX_THREADS)
        self.polls = threading.BoundedSemaphore(MAX_LONG_POLLS)
        super().__init__(address, handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        self.threads.acquire()  # at the cap, new connections wait in the backlog, not in new threads
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.threads.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.threads.release()

    @contextmanager
    def long_poll(self) -> Iterator[bool]:
        """Whether this request may wait for a change (False: answer at once, threads are scarce)."""
        allowed = self.polls.acquire(blocking=False)
        try:
            yield allowed
        finally:
            if allowed:
                self.polls.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
            return  # a reload or a closed tab: the browser hung up, nothing to tell the analyst
        print(f"预览：处理一个请求时出错（{type(error).__name__}: {error}），预览继续运行", file=sys.stderr)
