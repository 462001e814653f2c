"""Local news sources and an alert receiver for the soak benchmark (127.0.0.1 only).

Many sources share a handful of ports, so each origin (scheme, host, port) carries a few
sources: newswatch's per-origin politeness then paces requests the way it would across
real sites. Feeds answer conditional GETs (ETag) like well-run sites do.
"""

from __future__ import annotations

import hashlib
import json
import random
import selectors
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SYLLABLES = ["ka", "lo", "mi", "ra", "tu", "ne", "so", "vi", "da", "pe", "zu", "ha", "go", "ri"]
ITEMS_IN_FEED = 20


def vocabulary(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class SoakSites:
    """``sources`` feeds spread over ``ports`` servers; source i publishes an item every
    ``publish_every[i]`` seconds from start (jittered so they do not publish in step)."""

    def __init__(self, sources: int, ports: int, publish_every: float, words: list[str]) -> None:
        rng = random.Random(11)
        self.words = words
        self.started = time.time()
        self.periods = [publish_every * rng.uniform(0.6, 1.4) for _ in range(sources)]
        self.offsets = [rng.uniform(0, p) for p in self.periods]
        self.requests: Counter[str] = Counter()
        self._servers = [
            ThreadingHTTPServer(("127.0.0.1", 0), self._handler()) for _ in range(ports)
        ]
        for server in self._servers:
            server.daemon_threads = True
            server.timeout = 0
            server.handle_error = _quiet  # type: ignore[method-assign]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def feed_url(self, i: int) -> str:
        port = self._servers[i % len(self._servers)].server_address[1]
        return f"http://127.0.0.1:{port}/feed/{i}.xml"

    def published(self, i: int, now: float | None = None) -> int:
        """How many items source ``i`` has published so far."""
        elapsed = (now or time.time()) - self.started + self.offsets[i]
        return max(0, int(elapsed / self.periods[i]))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for server in self._servers:
            server.server_close()

    def _serve(self) -> None:
        # One selector over every listening socket; each request gets its own thread.
        with selectors.DefaultSelector() as selector:
            for server in self._servers:
                selector.register(server, selectors.EVENT_READ, server)
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.2):
                    key.data.handle_request()

    def feed(self, i: int, count: int) -> bytes:
        items = []
        for n in range(count - 1, max(-1, count - 1 - ITEMS_IN_FEED), -1):
            when = self.started - self.offsets[i] + (n + 1) * self.periods[i]
            port = self._servers[i % len(self._servers)].server_address[1]
            items.append(
                f"<item><title>{self.title(i, n)}</title>"
                f"<link>http://127.0.0.1:{port}/a/{i}/{n}.html</link><guid>s{i}-{n}</guid>"
                f"<pubDate>{formatdate(when, usegmt=True)}</pubDate>"
                f"<description>{' '.join(self.text(i, n)[:30])}</description></item>"
            )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>source {i}</title><link>http://127.0.0.1/</link>{''.join(items)}"
            "</channel></rss>"
        ).encode()

    def title(self, i: int, n: int) -> str:
        return " ".join(self.text(i, n)[:8]).capitalize()

    def text(self, i: int, n: int) -> list[str]:
        rng = random.Random(i * 1_000_003 + n)
        return [rng.choice(self.words) for _ in range(260)]

    def article(self, i: int, n: int) -> bytes:
        words = self.text(i, n)
        paragraphs = "".join(
            f"<p>{' '.join(words[k : k + 40])}.</p>" for k in range(0, len(words), 40)
        )
        return (
            # Pages declare their language, as news sites do (else a language model loads).
            f"<html lang='en'><head><title>{self.title(i, n)}</title></head>"
            "<body><nav>Home News</nav>"
            f"<article><h1>{self.title(i, n)}</h1>{paragraphs}</article>"
            "<footer>Contact</footer></body></html>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sites = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                sites.requests[parts[0]] += 1
                if parts[0] == "feed":
                    i = int(parts[1].split(".")[0])
                    count = sites.published(i)
                    etag = f'"{i}-{count}"'
                    if self.headers.get("If-None-Match") == etag:
                        return self._send(304, b"", etag=etag)
                    return self._send(200, sites.feed(i, count), "application/rss+xml", etag)
                if parts[0] == "a" and len(parts) == 3:
                    body = sites.article(int(parts[1]), int(parts[2].split(".")[0]))
                    return self._send(200, body, "text/html; charset=utf-8")
                self._send(404, b"not found")

            def _send(
                self, status: int, body: bytes, ctype: str = "text/plain", etag: str = ""
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _quiet(request: object, client_address: object) -> None:
    """Clients closing kept-alive connections at shutdown are not news."""


class Receiver:
    """A json:// endpoint counting alerts and duplicates."""

    def __init__(self) -> None:
        self.bodies: Counter[str] = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(data or b"{}")
                key = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()
                receiver.bodies[key] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self._server.server_address[1]}/alerts"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.bodies.values() if count > 1)
