"""Scale benchmark: 1,000 feeds on 100 hosts, every answer 100 ms late.

One server process listens on 100 loopback addresses (127.0.1.1 … 127.0.1.100, all of
127.0.0.0/8 routes to ``lo`` on Linux) and serves 10 feeds per host with ETags. The
client polls every feed through ``newswatch.sources.discover`` (fetch + parse, validators
in a real SQLite file, robots.txt honoured) from a bounded thread pool, per-origin
delay 0 and at most one request in flight per origin.

Run:  python benchmarks/bench_fetch_scale.py [--workers 64] [--feeds 1000] [--hosts 100]

Prints one table: cycle 1 (every feed new), cycle 2 (every feed answers 304), bytes of
cycle 2 as a share of cycle 1, cycle 3 (every 20th feed turned hostile: drip, endless
body, gzip bomb, reset, redirect loop, garbage), peak RSS, and the sources one machine
sustains at a 5-minute interval; plus a naive baseline measured in the same run (one
plain ``requests.get`` after another, no conditional GET).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar, NamedTuple

ITEMS_PER_FEED = 20
INTERVAL = 300.0  # the 5-minute poll interval the sustainable count refers to
CHANGED_SHARE = 0.10  # in steady state, the share of feeds with something new per poll


# --- the server process ------------------------------------------------------------


def feed_xml(number: int) -> bytes:
    items = "".join(
        f"<item><title>Story {number}-{i}: officials report developments in the region</title>"
        f"<link>http://news{number % 7}.example/{2026}/01/05/story-{number}-{i}-slug</link>"
        f"<guid isPermaLink='false'>feed{number}-item{i}</guid>"
        f"<description>&lt;p&gt;Summary of story {i} of feed {number}, a few sentences "
        f"long, as agencies usually write them for their RSS feeds.&lt;/p&gt;</description>"
        f"<pubDate>Mon, 05 Jan 2026 {i % 24:02d}:30:00 +0000</pubDate></item>"
        for i in range(ITEMS_PER_FEED)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Feed {number}</title><link>http://example/</link>{items}</channel></rss>"
    ).encode()


class Stats:
    lock = threading.Lock()
    bytes_sent = 0
    requests = 0


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.1
    feeds: ClassVar[dict[str, bytes]] = {}
    hostile_every = 0  # every n-th feed misbehaves (0: none)
    hosts = 100
    gzip_bomb = b""  # 50 MB of zeros, gzipped; built in the server process only

    def do_GET(self) -> None:
        if self.path.startswith("/__stats"):
            with Stats.lock:
                body = json.dumps({"bytes": Stats.bytes_sent, "requests": Stats.requests})
                Stats.bytes_sent = Stats.requests = 0
            self._answer("200 OK", {"Content-Type": "application/json"}, body.encode(), False)
            return
        if self.path.startswith("/__hostile"):
            FeedHandler.hostile_every = int(self.path.rsplit("=", 1)[1])
            self._answer("200 OK", {"Content-Type": "text/plain"}, b"ok", False)
            return
        time.sleep(self.delay)
        number = int(self.path.rsplit("/", 1)[1].split(".")[0] or 0) if "/feed/" in self.path else 0
        every = self.hostile_every
        if every and "/feed/" in self.path and is_hostile(number, every, self.hosts):
            HOSTILE[number % len(HOSTILE)](self)
            return
        body = self.feeds.get(self.path)
        if body is None:
            self._answer("404 Not Found", {"Content-Type": "text/plain"}, b"no such feed")
            return
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self._answer("304 Not Modified", {"ETag": etag}, b"")
        else:
            headers = {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag}
            self._answer("200 OK", headers, body)

    def _answer(
        self, status: str, headers: dict[str, str], body: bytes, count: bool = True
    ) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.wfile.write(raw)
        if count:
            with Stats.lock:
                Stats.bytes_sent += len(raw)
                Stats.requests += 1

    def log_message(self, format: str, *args: object) -> None:
        pass


def is_hostile(number: int, every: int, hosts: int) -> bool:
    """Every ``every``-th feed, spread so that no host serves more than one of them."""
    return number % every == (number // hosts) % every


def _drip(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    with suppress(OSError):
        for _ in range(100_000):
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(1.0)


def _endless(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
    handler.close_connection = True
    with suppress(OSError):
        for _ in range(100_000):
            handler.wfile.write(b"<rss>" * 10_000)


def _bomb(handler: BaseHTTPRequestHandler) -> None:
    bomb = FeedHandler.gzip_bomb
    head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n"
    handler.wfile.write(head.format(len(bomb)).encode() + bomb)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def _loop(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(
        f"HTTP/1.1 302 Found\r\nLocation: {handler.path}?again\r\n"
        "Content-Length: 0\r\n\r\n".encode()
    )


def _not_xml(handler: BaseHTTPRequestHandler) -> None:
    body = b"\x00\xff garbage, not a feed" * 100
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


HOSTILE = [_drip, _endless, _bomb, _reset, _loop, _not_xml]


def host_address(index: int) -> str:
    return f"127.0.1.{index + 1}"


def serve(hosts: int, feeds: int, delay: float) -> None:
    FeedHandler.delay = delay
    FeedHandler.hosts = hosts
    FeedHandler.gzip_bomb = zlib.compress(b"\0" * 50_000_000, 9, wbits=31)
    FeedHandler.feeds = {f"/feed/{n}.xml": feed_xml(n) for n in range(feeds)}
    ThreadingHTTPServer.daemon_threads = True
    # Hostile answers break connections on purpose: no tracebacks on stderr.
    ThreadingHTTPServer.handle_error = lambda self, request, address: None  # type: ignore[method-assign]
    ThreadingHTTPServer.request_queue_size = 128
    ports = {}
    for index in range(hosts):
        server = ThreadingHTTPServer((host_address(index), 0), FeedHandler)
        ports[host_address(index)] = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(ports), flush=True)
    sys.stdin.read()  # until the client closes our stdin


# --- the client ------------------------------------------------------------------------


class Poll(NamedTuple):
    entries: int
    not_modified: bool
    error: str | None


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_stats(base: str) -> dict[str, int]:
    import requests

    with requests.Session() as session:
        session.trust_env = False
        return dict(session.get(f"{base}/__stats", timeout=5).json())


def run(args: argparse.Namespace) -> None:
    import requests
    from requests.adapters import HTTPAdapter

    from newswatch.clock import SystemClock
    from newswatch.config.schema import SourceConfig
    from newswatch.errors import NewswatchError
    from newswatch.fetch import Fetcher, FetchSettings
    from newswatch.sources import discover
    from newswatch.store.fetchstate import FetchStateRepo
    from newswatch.store.sqlite import SQLiteDatabase as Database

    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            f"--hosts={args.hosts}",
            f"--feeds={args.feeds}",
            f"--delay={args.delay}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    ports: dict[str, int] = json.loads(server.stdout.readline())
    bases = [f"http://{host}:{port}" for host, port in ports.items()]
    urls = [f"{bases[n % args.hosts]}/feed/{n}.xml" for n in range(args.feeds)]
    sources = [SourceConfig(name=f"feed{n}", feed=url) for n, url in enumerate(urls)]
    rows: list[tuple[str, str, str]] = []
    try:
        # Baseline: what one naive loop costs for a sample, scaled to every feed.
        sample = urls[: args.baseline_sample]
        with requests.Session() as plain:
            plain.trust_env = False
            started = time.monotonic()
            for url in sample:
                plain.get(url, timeout=10).content  # noqa: B018
            naive = (time.monotonic() - started) * len(urls) / len(sample)
        server_stats(bases[0])

        with tempfile.TemporaryDirectory() as tmp, requests.Session() as session:
            session.trust_env = False
            adapter = HTTPAdapter(
                pool_connections=args.hosts + 8, pool_maxsize=args.workers, max_retries=0
            )
            session.mount("http://", adapter)
            db = Database(Path(tmp) / "state.db")
            fetcher = Fetcher(session, FetchStateRepo(db), SystemClock(), per_origin_delay=0)
            normal = FetchSettings(timeout=10.0)
            # Cycle 3: every 20th feed turns hostile (drip, endless, gzip bomb, reset,
            # redirect loop, garbage); a short deadline and a 1 MB cap for everyone.
            hostile = FetchSettings(timeout=args.hostile_timeout, max_bytes=1_000_000)

            def poll(settings: FetchSettings, source: SourceConfig) -> Poll:
                try:
                    found = discover(source, fetcher, settings)
                except NewswatchError as exc:
                    return Poll(0, False, type(exc).__name__)
                return Poll(len(found.entries), found.not_modified, None)

            cycles = []
            with ThreadPoolExecutor(args.workers) as pool:
                for settings in (normal, normal, hostile):
                    if settings is hostile:
                        requests.get(f"{bases[0]}/__hostile?every=20", timeout=5)
                    started, cpu = time.monotonic(), time.process_time()
                    results = list(pool.map(partial(poll, settings), sources))
                    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
                    stats = server_stats(bases[0])
                    cycles.append((elapsed, cpu, stats, results))
            db.close()
    finally:
        server.stdin.close()
        server.wait(timeout=10)

    (t1, cpu1, s1, r1), (t2, cpu2, s2, r2), (t3, _, _, r3) = cycles
    entries = sum(p.entries for p in r1)
    unchanged = sum(1 for p in r2 if p.not_modified)
    failed = [p.error for p in r1 + r2 if p.error]
    if failed:
        print(f"warning: {len(failed)} polls failed in cycles 1-2: {sorted(set(failed))}")
    errors3 = sum(1 for p in r3 if p.error)
    fine3 = sum(1 for p in r3 if p.not_modified)
    expected = {n for n in range(len(sources)) if is_hostile(n, 20, args.hosts)}
    as_expected = {n for n, p in enumerate(r3) if p.error} == expected and fine3 + errors3 == len(
        sources
    )
    share = 100.0 * s2["bytes"] / s1["bytes"]
    mixed = CHANGED_SHARE * t1 + (1 - CHANGED_SHARE) * t2
    sustainable = int(len(sources) * INTERVAL / mixed)
    rss = peak_rss_mb()
    rows = [
        ("naive baseline (serial requests.get, scaled)", f"{naive:.1f} s", "-"),
        (
            f"cycle 1: {len(sources)} feeds, {entries} entries",
            f"{t1:.2f} s",
            f"{'ok' if t1 < 10 else 'MISSED'} (< 10 s); {naive / t1:.0f}x baseline",
        ),
        (
            f"cycle 2: {unchanged} answered 304",
            f"{t2:.2f} s",
            f"{'ok' if t2 < 3 else 'MISSED'} (< 3 s)",
        ),
        (
            "cycle 2 bytes / cycle 1 bytes",
            f"{share:.2f} %  ({s2['bytes']:,} / {s1['bytes']:,} B)",
            f"{'ok' if share < 5 else 'MISSED'} (< 5 %)",
        ),
        (
            f"cycle 3: every 20th feed hostile, {args.hostile_timeout:g} s deadline",
            f"{t3:.2f} s: {errors3} errors, {fine3} fine",
            f"{'ok' if as_expected else 'MISSED'} (an error for each hostile feed, no other)",
        ),
        ("requests per cycle (incl. robots.txt)", f"{s1['requests']} / {s2['requests']}", "-"),
        ("client CPU per cycle (all threads)", f"{cpu1:.2f} s / {cpu2:.2f} s", "-"),
        (
            "peak RSS (client process)",
            f"{rss:.0f} MB",
            f"{'ok' if rss < 200 else 'MISSED'} (< 200 MB)",
        ),
        (
            f"sources sustainable at 5 min ({CHANGED_SHARE:.0%} changed per poll)",
            f"{sustainable:,}",
            "goal 20,000",
        ),
        ("  if every poll is new (cycle 1 rate)", f"{int(len(sources) * INTERVAL / t1):,}", "-"),
        ("  if every poll is a 304 (cycle 2 rate)", f"{int(len(sources) * INTERVAL / t2):,}", "-"),
    ]
    print(
        f"\nfetch scale: {args.feeds} feeds on {args.hosts} hosts, {args.delay * 1000:.0f} ms per "
        f"answer, {args.workers} workers, per-origin concurrency 1, delay 0"
    )
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'measure':<{width}}  {'value':<{vwidth}}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--baseline-sample", type=int, default=30)
    parser.add_argument("--hostile-timeout", type=float, default=2.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts, args.feeds, args.delay)
    else:
        run(args)


if __name__ == "__main__":
    main()
