"""The load generator: N keep-alive HTTP connections on threads, each driving one "user".

Pure Python (http.client, threads), no Django: what it measures is what a client sees over
loopback. Every scenario uses the same generator with the same number of connections; a run is
bounded both in time and in requests. Each request is recorded with its latency, its status, and
the server's own time from the `Server-Timing` header (bench/wsgi.py).
"""

from __future__ import annotations

import http.client
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

# Errors the client sees when the server goes away mid-request (a killed worker, a reset).
CONNECTION_ERRORS = (OSError, http.client.HTTPException)
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)(?:, cpu;dur=([0-9.]+))?")


@dataclass(frozen=True)
class Sample:
    """One HTTP request as the client saw it."""

    kind: str
    started: float  # seconds since the run began
    latency_ms: float
    status: int  # 0: no response (connection refused, reset, timeout)
    ok: bool
    server_ms: float | None = None
    cpu_ms: float | None = None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive connection to the server; records every request it makes.

    gunicorn's sync workers answer `Connection: close`; http.client then opens a new
    connection for the next request by itself, as a browser would.
    """

    def __init__(self, host: str, port: int, record: Callable[[Sample], None], t0: float) -> None:
        self.host, self.port = host, port
        self.record = record
        self.t0 = t0
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        # In a paced run, when the next request was due: it counts from then, not from when
        # it could be sent, so a server falling behind shows in the latencies.
        self.due: float | None = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> Response | None:
        """Send one request; None (recorded as an error) when no response came back."""
        started = time.perf_counter()
        if self.due is not None:
            started, self.due = min(started, self.due), None
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            raw = self.conn.getresponse()
            data = raw.read()
        except CONNECTION_ERRORS:
            self.conn.close()
            self.record(Sample(kind, started - self.t0, _ms(started), 0, False))
            return None
        timing = _SERVER_TIMING.search(raw.getheader("Server-Timing", "") or "")
        response = Response(
            raw.status,
            {k.lower(): v for k, v in raw.getheaders()},
            parse_cookies(raw.msg.get_all("Set-Cookie") or []),
            data,
        )
        sample = Sample(kind, started - self.t0, _ms(started), raw.status, raw.status == expect)
        if timing:
            cpu = float(timing.group(2)) if timing.group(2) else None
            sample = replace(sample, server_ms=float(timing.group(1)), cpu_ms=cpu)
        self.record(sample)
        return response

    def close(self) -> None:
        self.conn.close()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def parse_cookies(set_cookie_headers: Iterable[str]) -> dict[str, str]:
    """name -> value of each Set-Cookie header (attributes dropped)."""
    found = {}
    for header in set_cookie_headers:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


class User(Protocol):
    """What one connection drives: `step` makes one request (or a few) through the client.

    `step` returns False when the request's answer was wrong in a way the status does not show
    (a flow error: an unexpected page); that is counted as an error too.
    """

    def step(self, client: Client) -> bool: ...


@dataclass
class Run:
    """Everything one load run recorded."""

    samples: list[Sample] = field(default_factory=list)
    flow_errors: list[float] = field(default_factory=list)  # when each happened
    measured_from: float = 0.0
    measured_to: float = 0.0
    client_cpu_s: float = 0.0  # CPU the load generator itself used (it shares the machine)

    def measured(self) -> list[Sample]:
        return [s for s in self.samples if self.measured_from <= s.started < self.measured_to]


def run_load(
    host: str,
    port: int,
    users: Sequence[User],
    *,
    duration: float,
    warmup: float = 0.0,
    max_requests: int = 1_000_000,
    events: Sequence[tuple[float, Callable[[], None]]] = (),
    rate: float | None = None,
) -> Run:
    """Drive `users` (one per connection) for `warmup` + `duration` seconds.

    Without `rate`, each connection sends its next request as soon as the last one is
    answered (a closed loop: the server's limit). With `rate` (requests/s for all connections
    together), each connection sends on a fixed schedule, staggered, and a late request's
    latency counts from when it was due.

    Requests started during the warmup are kept out of the figures. `events` are called from
    the main thread at their time (seconds after the warmup): the fault run kills a worker so.
    Stops early once `max_requests` requests were made.
    """
    run = Run()
    cpu = os.times()
    lock = threading.Lock()
    t0 = time.perf_counter()
    run.measured_from = warmup
    run.measured_to = warmup + duration
    deadline = t0 + warmup + duration
    stop = threading.Event()

    def record(sample: Sample) -> None:
        with lock:
            run.samples.append(sample)
            if len(run.samples) >= max_requests:
                stop.set()

    interval = len(users) / rate if rate else 0.0

    def drive(n: int, user: User) -> None:
        client = Client(host, port, record, t0)
        due = t0 + interval * n / len(users)
        try:
            while not stop.is_set() and time.perf_counter() < deadline:
                if interval:
                    stop.wait(max(0.0, due - time.perf_counter()))
                    client.due, due = due, due + interval
                if not user.step(client):
                    with lock:
                        run.flow_errors.append(time.perf_counter() - t0)
        finally:
            client.close()

    threads = [
        threading.Thread(target=drive, args=(n, user), daemon=True) for n, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for at, action in sorted(events, key=lambda e: e[0]):
        wait = t0 + warmup + at - time.perf_counter()
        if wait > 0 and not stop.wait(wait):
            action()
    for thread in threads:
        thread.join(timeout=warmup + duration + 60)
    run.measured_to = min(run.measured_to, time.perf_counter() - t0)
    spent = os.times()
    run.client_cpu_s = (spent.user + spent.system) - (cpu.user + cpu.system)
    return run


# --- Figures ------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of values at or below
    it. 0.0 for no values."""
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figures:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_p50_ms: float
    server_p95_ms: float
    cpu_mean_ms: float

    def as_dict(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
            "server_p50_ms": round(self.server_p50_ms, 2),
            "server_p95_ms": round(self.server_p95_ms, 2),
            "cpu_mean_ms": round(self.cpu_mean_ms, 2),
        }


def figures(samples: Sequence[Sample], seconds: float, flow_errors: int = 0) -> Figures:
    """Requests/s, latency percentiles and errors of `samples` made over `seconds`."""
    latencies = [s.latency_ms for s in samples]
    server = [s.server_ms for s in samples if s.server_ms is not None]
    cpu = [s.cpu_ms for s in samples if s.cpu_ms is not None]
    return Figures(
        requests=len(samples),
        rps=len(samples) / seconds if seconds > 0 else 0.0,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        errors=sum(1 for s in samples if not s.ok) + flow_errors,
        server_p50_ms=percentile(server, 50),
        server_p95_ms=percentile(server, 95),
        cpu_mean_ms=sum(cpu) / len(cpu) if cpu else 0.0,
    )


def run_figures(run: Run) -> Figures:
    flow = sum(1 for t in run.flow_errors if run.measured_from <= t < run.measured_to)
    return figures(run.measured(), run.measured_to - run.measured_from, flow)


def by_kind(samples: Sequence[Sample], seconds: float) -> dict[str, Figures]:
    kinds = sorted({s.kind for s in samples})
    return {k: figures([s for s in samples if s.kind == k], seconds) for k in kinds}


def errors_per_second(run: Run) -> list[int]:
    """Errors (failed requests and flow errors) in each second of the measured window."""
    seconds = max(0, math.ceil(run.measured_to - run.measured_from))
    buckets = [0] * seconds
    failed = [s.started for s in run.samples if not s.ok] + run.flow_errors
    for at in failed:
        index = math.floor(at - run.measured_from)
        if 0 <= index < seconds:
            buckets[index] += 1
    return buckets
