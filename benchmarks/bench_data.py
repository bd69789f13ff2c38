"""How long cnnlib.data takes to give up: the offline error's latency.

    python benchmarks/bench_data.py            # prints a Markdown table
    python benchmarks/bench_data.py --repeat 10

The tests check *what* a failed download reports (tests/test_data/); this
program measures *how long* the reader waits for it, which depends on the
machine and its load, so it is printed here rather than asserted there:

1. a mirror whose port is closed (a server that has gone): the error should
   come back at once, well under a second;
2. a mirror that accepts the connection and never answers: the wait is the
   read timeout (``cnnlib.data.download._TIMEOUT``, set to 0.3 s here).
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

from cnnlib.data import DataNotFoundError, download, fetch

NAME = "occupancy/datatest.txt"


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/datatest.txt"       # nothing listens there any more


def silent_server():
    release = threading.Event()

    class Silent(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            release.wait()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Silent)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, release, f"http://127.0.0.1:{httpd.server_address[1]}/datatest.txt"


def time_failure(url: str, repeat: int) -> list[float]:
    download._REGISTRY[NAME] = download._Remote(hashlib.sha256(b"x").hexdigest(), (url,))
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            try:
                fetch(NAME, Path(tmp) / "d")
            except DataNotFoundError:
                pass
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    download._TIMEOUT = (2, 0.3)
    httpd, release, silent_url = silent_server()
    rows = [("mirror's port closed", time_failure(closed_port_url(), args.repeat)),
            ("mirror never answers (read timeout 0.3 s)", time_failure(silent_url, args.repeat))]
    release.set()
    httpd.shutdown()
    httpd.server_close()
    print("| failure | median (s) | max (s) |\n|---|---:|---:|")
    for what, t in rows:
        print(f"| {what} | {statistics.median(t):.3f} | {max(t):.3f} |")


if __name__ == "__main__":
    main()
