"""Load for the scale stage: a recording client (Python threads) and wrk with a mixed-URL script.

`Recorder` keeps, for every request, when it started and ended and how it ended (a status, or
the error), so that a fault step can count the failures before and after the proxy marked a
server down. `wrk(...)` runs Debian's wrk with `mixed.lua` for throughput figures.
"""

import http.client
import itertools
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Outcome:
    path: str
    started: float
    ended: float
    status: int  # 0: the connection failed
    error: str = ""
    reused: bool = False  # sent on a kept-alive connection that had carried an earlier request

    @property
    def seconds(self):
        return self.ended - self.started


@dataclass
class Recorder:
    """Threads sending GETs through one address in a loop, each outcome kept with its times."""

    host: str
    port: int
    paths: list
    threads: int = 16
    cookie: str = ""
    timeout: float = 10.0
    outcomes: list = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = []
        self._cycle = itertools.cycle(self.paths)

    def _next_path(self):
        with self._lock:
            return next(self._cycle)

    def _run(self):
        connection = None
        while not self._stop.is_set():
            path = self._next_path()
            reused = connection is not None
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.monotonic()
            headers = {"Cookie": self.cookie} if self.cookie and path.startswith("!") else {}
            try:
                connection.request("GET", path.lstrip("!"), headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = Outcome(path, started, time.monotonic(), response.status, reused=reused)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                outcome = Outcome(path, started, time.monotonic(), 0, type(error).__name__, reused=reused)
                connection.close()
                connection = None
            with self._lock:
                self.outcomes.append(outcome)
        if connection is not None:
            connection.close()

    def start(self):
        for _ in range(self.threads):
            worker = threading.Thread(target=self._run, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self):
        self._stop.set()
        for worker in self._workers:
            worker.join(self.timeout + 1)
        return self.outcomes

    @staticmethod
    def failed(outcomes, *, since=None):
        """Outcomes outside 2xx/3xx (or that failed to connect), optionally those started after `since`."""
        return [o for o in outcomes if not 200 <= o.status < 400 and (since is None or o.started >= since)]


def run_for(recorder, seconds, during=None):
    """Run the recorder for `seconds`; call `during(started_at)` from this thread meanwhile."""
    recorder.start()
    started = time.monotonic()
    if during is not None:
        during(started)
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    return recorder.stop()


WRK_SUMMARY = {
    "requests": re.compile(r"(\d+) requests in"),
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "non2xx": re.compile(r"Non-2xx or 3xx responses:\s+(\d+)"),
    "errors": re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"),
    "p50": re.compile(r"50%\s+([\d.]+)(us|ms|s)"),
    "p99": re.compile(r"99%\s+([\d.]+)(us|ms|s)"),
}
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, paths, *, connections=16, seconds=30, threads=2, cookie="", workdir):
    """Run wrk on `url` cycling through `paths` (a path starting with "!" carries the cookie); parse its summary."""
    listing = Path(workdir) / f"wrk-paths-{time.monotonic_ns()}.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "mixed.lua"),
        url,
        "--",
        str(listing),
        cookie,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    text = done.stdout + done.stderr
    summary = {"output": text}
    for name, pattern in WRK_SUMMARY.items():
        match = pattern.search(text)
        if match is None:
            summary[name] = 0
        elif name == "errors":
            summary[name] = sum(int(part) for part in match.groups())
        elif name in ("p50", "p99"):
            summary[name] = float(match.group(1)) * UNIT_MS[match.group(2)]
        else:
            summary[name] = float(match.group(1))
    return summary
