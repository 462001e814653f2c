"""A real HTTP server on 127.0.0.x for fetch and source tests, good or hostile.

Routes map a path to a small handler function ``(request) -> None`` that writes the
answer itself, so a test can drip bytes, reset the connection or lie about the charset.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Handler]
    hits: list[tuple[str, dict[str, str]]]
    in_flight: int
    max_in_flight: int
    lock: threading.Lock

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # hostile handlers break connections on purpose; no tracebacks on stderr


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.hits.append((self.path, dict(self.headers.items())))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            path = self.path.split("?", 1)[0]
            handler = server.routes.get(self.path) or server.routes.get(path)
            if handler is None:
                send(self, 404, b"not found")
            else:
                handler(self)
        finally:
            with server.lock:
                server.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


class LocalServer:
    def __init__(self, server: _Server) -> None:
        self._server = server
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.base = f"http://{self.host}:{self.port}"

    @property
    def routes(self) -> dict[str, Handler]:
        return self._server.routes

    @property
    def hits(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.hits

    @property
    def max_in_flight(self) -> int:
        return self._server.max_in_flight

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for hit, _ in self.hits if hit == path)


@contextmanager
def serve(
    routes: dict[str, Handler] | None = None, host: str = "127.0.0.1"
) -> Iterator[LocalServer]:
    server = _Server((host, 0), _RequestHandler)
    server.routes = dict(routes or {})
    server.hits = []
    server.in_flight = 0
    server.max_in_flight = 0
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield LocalServer(server)
    finally:
        server.shutdown()
        server.server_close()


# --- handlers ------------------------------------------------------------------------


def send(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    merged = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    for name, value in merged.items():
        request.send_header(name, value)
    if "Content-Length" not in merged:
        request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def page(body: bytes, status: int = 200, **headers: str) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        send(request, status, body, {k.replace("_", "-"): v for k, v in headers.items()})

    return handler


def conditional(body: bytes, etag: str = '"v1"', last_modified: str = "") -> Handler:
    """200 with validators, or 304 when the client sends the ETag back."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            send(request, 304, b"", {"ETag": etag})
            return
        headers = {"ETag": etag, "Content-Type": "application/rss+xml"}
        if last_modified:
            headers["Last-Modified"] = last_modified
        send(request, 200, body, headers)

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    return page(b"", status, Location=location)


def drip(interval: float = 1.0, total: int = 100) -> Handler:
    """Announce a body, then send it one byte per ``interval``."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(total))
        request.end_headers()
        try:
            for _ in range(total):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass

    return handler


def drip_headers(interval: float = 0.3, count: int = 100) -> Handler:
    """Send the status line, then one header byte per ``interval``: socket timeouts never
    fire, only a total deadline stops it."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        try:
            request.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(count):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass
        request.close_connection = True

    return handler


def endless(chunk: bytes = b"a" * 65536, seconds: float = 10.0) -> Handler:
    """A chunked body that never ends (until ``seconds`` pass or the client leaves)."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        until = time.monotonic() + seconds
        try:
            while time.monotonic() < until:
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
        request.close_connection = True

    return handler


def gzip_bomb(decoded_size: int) -> Handler:
    body = gzip.compress(b"\0" * decoded_size, compresslevel=9)
    return page(body, Content_Encoding="gzip")


def reset(request: BaseHTTPRequestHandler) -> None:
    """Abort the connection with a TCP RST before answering."""
    request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    request.connection.close()
    request.close_connection = True


# --- a SOCKS5 proxy ------------------------------------------------------------------


class Socks5Proxy:
    """A minimal SOCKS5 proxy (no auth, CONNECT only) that sends every name to 127.0.0.1,
    as a proxy with its own DNS would; ``targets`` records what clients asked for."""

    def __init__(self) -> None:
        self.targets: list[tuple[str, int]] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"socks5h://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            try:
                _, count = _read_exact(client, 2)
                _read_exact(client, count)
                client.sendall(b"\x05\x00")
                _, _, _, kind = _read_exact(client, 4)
                if kind == 1:
                    host = socket.inet_ntoa(_read_exact(client, 4))
                else:
                    host = _read_exact(client, _read_exact(client, 1)[0]).decode()
                port = struct.unpack("!H", _read_exact(client, 2))[0]
                self.targets.append((host, port))
                upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                return
            client.sendall(b"\x05\x00\x00\x01" + b"\0" * 6)
            with upstream:
                threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
                _pipe(client, upstream)


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("client went away")
        data += chunk
    return data


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)
