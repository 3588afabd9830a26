"""The preview server left open for hours: local callers only, odd queries, closed tabs, many requests.

One real `gongkai preview` (warm kernel) for the module; loopback requests only, a bounded number of them.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from conftest import GONGKAI, REPO, copy_data

READY = re.compile(r"预览：http://127\.0\.0\.1:(\d+)/")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, subprocess.Popen[str], Path]]:
    root = tmp_path_factory.mktemp("preview")
    data = copy_data(root / "data")
    errors = root / "stderr.txt"
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [*GONGKAI, "preview", "胡集乡", "2022", "--data", str(data), "--port", "0"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert proc.stdout is not None
    found = READY.search(proc.stdout.readline())
    assert found, f"preview did not start, exit {proc.poll()}: {errors.read_text()}"
    yield int(found.group(1)), proc, errors
    proc.kill()
    proc.wait(30)


def ask(port: int, path: str, host: str | None = None, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_only_requests_naming_the_loopback_host_are_answered(server: tuple[int, subprocess.Popen[str], Path]) -> None:
    port = server[0]
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"192.168.1.5:{port}"):
        for path in ("/", "/version", "/report.pdf"):
            status, body = ask(port, path, host)
            assert status == 421 and "胡集乡" not in body.decode(), (host, path, status)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, body = ask(port, "/", host)
        assert status == 200 and "胡集乡" in body.decode()


def test_odd_since_values_answer_at_once_without_a_traceback(server: tuple[int, subprocess.Popen[str], Path]) -> None:
    port, proc, errors = server
    for since in ("%C2%B2", "9" * 5000, "-1", "1e3", "%EF%BC%91"):  # ², 5,000 digits, a full-width 1
        start = time.monotonic()
        status, body = ask(port, f"/version?since={since}", timeout=10)
        assert status == 200 and "version" in json.loads(body)
        assert time.monotonic() - start < 5
    assert proc.poll() is None
    assert "Traceback" not in errors.read_text(), errors.read_text()


def test_reloads_and_closed_tabs_print_nothing(server: tuple[int, subprocess.Popen[str], Path]) -> None:
    port, proc, errors = server
    for _ in range(30):  # the browser asks for the page and hangs up at once (reset, not a clean close)
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    time.sleep(1)
    assert ask(port, "/")[0] == 200 and proc.poll() is None
    said = errors.read_text()
    assert "BrokenPipe" not in said and "ConnectionReset" not in said and "Traceback" not in said, said


def test_200_concurrent_requests_are_all_answered_promptly_with_bounded_threads(
    server: tuple[int, subprocess.Popen[str], Path],
) -> None:
    port, proc, errors = server
    process = psutil.Process(proc.pid)
    before = process.num_threads()
    threads: list[int] = []

    def one(k: int) -> float:
        start = time.monotonic()
        status, _ = ask(port, "/" if k % 2 else "/version", timeout=60)
        assert status == 200
        threads.append(process.num_threads())
        return time.monotonic() - start

    with ThreadPoolExecutor(200) as pool:
        took = list(pool.map(one, range(200)))
    assert len(took) == 200 and max(took) < 20, sorted(took)[-5:]
    assert max(threads) <= before + 32 + 2, (before, max(threads))
    assert "Traceback" not in errors.read_text()
