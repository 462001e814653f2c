"""HTTP for every stage: one injected session, hard limits, politeness, conditional GET.

``Fetcher.fetch`` runs, per request:

1. URL safety — http(s) only, no private/link-local targets (every redirect hop too);
   the address actually connected to is checked again (``guard``).
2. robots.txt of the hop's origin, cached per origin (unless the source opts out).
3. A slot of the origin (requests in flight, minimum delay, pending Retry-After).
4. The request, redirects followed by hand (at most 5, loops detected) so that each
   hop passes 1.–3.
5. The body, streamed under a total deadline and a size cap on the *decoded* bytes.
6. Validators (ETag, Last-Modified) stored for the next conditional GET.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from http.cookiejar import DefaultCookiePolicy
from types import MappingProxyType
from urllib.parse import urljoin

import requests
import urllib3
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict

from newswatch.clock import Clock
from newswatch.errors import FetchError
from newswatch.fetch.encoding import decode
from newswatch.fetch.guard import Watchdog
from newswatch.fetch.guard import install as install_guards
from newswatch.fetch.politeness import DEFAULT_DELAY, Politeness, WaitHook, parse_retry_after
from newswatch.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from newswatch.fetch.settings import FetchSettings
from newswatch.fetch.urlsafety import address_problem, blocked, check_url
from newswatch.store.fetchstate import FetchStateRepo, Validators

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})
CHUNK = 64 * 1024
DRAIN_BYTES = 16 * 1024
TOO_SLOW = "exceeded the total time allowed for one request"


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    body: bytes
    headers: Mapping[str, str]
    # The server answered 304 to our conditional GET: nothing new, nothing to parse.
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    def text(self) -> str:
        return decode(self.body, self.headers)


@dataclass(frozen=True)
class _Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class _Call:
    """What one ``fetch`` asks of every hop (and, trimmed, of its robots.txt requests)."""

    settings: FetchSettings
    headers: Mapping[str, str]
    allow_private: bool
    expect_html: bool
    max_bytes: int
    robots: bool = True
    # Cookies live for one fetch (a site may set one and redirect to check it), never in
    # the shared session: a daemon would collect every site's cookies forever.
    cookies: RequestsCookieJar = field(default_factory=RequestsCookieJar)


def _cookie_state(call: _Call) -> str:
    return ";".join(sorted(f"{c.domain}{c.path}{c.name}={c.value}" for c in call.cookies))


def _frozen_headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(CaseInsensitiveDict(headers))


class Fetcher:
    def __init__(
        self,
        session: requests.Session,
        validators: FetchStateRepo | None,
        clock: Clock,
        *,
        per_origin_concurrency: int = 1,
        per_origin_delay: float = DEFAULT_DELAY,
        stopping: threading.Event | None = None,
        on_wait: WaitHook | None = None,
    ) -> None:
        self.session = session
        self.validators = validators
        self.clock = clock
        self.politeness = Politeness(
            clock,
            concurrency=per_origin_concurrency,
            delay=per_origin_delay,
            stopping=stopping,
            on_wait=on_wait,
        )
        self.robots = RobotsCache(clock)
        install_guards(session)
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.watchdog = Watchdog()

    def abort_requests(self) -> None:
        """Fail every request in flight at once (shutdown); with ``stopping`` set, no new
        one starts."""
        self.watchdog.fire_all()

    def fetch(
        self,
        url: str,
        settings: FetchSettings,
        *,
        conditional: bool = False,
        allow_private: bool = False,
        expect_html: bool = False,
    ) -> FetchResult:
        """GET ``url``; raises FetchError (BlockedURLError for refused URLs).

        ``expect_html`` refuses other content types (a PDF or image where an article
        should be) before downloading the body.
        """
        call = _Call(
            settings,
            self._conditional_headers(url) if conditional else {},
            allow_private,
            expect_html,
            settings.max_bytes,
        )
        response = self._follow(url, call)
        if response.status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock.now())
            if retry_after is not None:
                self.politeness.back_off(response.url, retry_after)
            raise FetchError(
                url, f"HTTP {response.status}", status=response.status, retry_after=retry_after
            )
        if response.status >= 400:
            raise FetchError(url, f"HTTP {response.status}", status=response.status)
        not_modified = response.status == 304
        if conditional:
            # Only listings are polled again; article pages are fetched once, so storing
            # their validators would only grow the state file.
            self._save_validators(url, response)
        return FetchResult(
            response.url, response.status, response.body, response.headers, not_modified
        )

    # 4. Redirects, each hop checked like the first request.
    def _follow(self, url: str, call: _Call) -> _Response:
        # A loop is the same URL with the same cookies: "set a cookie, come back" is not.
        current, seen = url, {(url, _cookie_state(call))}
        for _ in range(MAX_REDIRECTS + 1):
            # 1.
            check_url(current, allow_private=call.allow_private)
            # 2.
            if call.robots and call.settings.robots:
                self._obey_robots(current, call)
            response = self._request(current, call)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return response
            current = urljoin(current, location.strip())
            state = (current, _cookie_state(call))
            if state in seen:
                raise FetchError(url, f"redirect loop at {current}")
            seen.add(state)
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _obey_robots(self, url: str, call: _Call) -> None:
        robots_call = replace(
            call, headers={}, expect_html=False, max_bytes=MAX_ROBOTS_BYTES * 4, robots=False
        )

        def get(robots_url: str) -> tuple[int, bytes]:
            try:
                response = self._follow(robots_url, robots_call)
            except FetchError as exc:
                # Name the URL the user configured; robots.txt is only how we got there.
                raise type(exc)(
                    url,
                    f"{exc.reason} (fetching robots.txt)",
                    status=exc.status,
                    retry_after=exc.retry_after,
                ) from exc
            return response.status, response.body

        agent = call.settings.user_agent
        if not self.robots.allowed(url, agent, get):
            raise FetchError(url, "disallowed by robots.txt")
        delay = self.robots.crawl_delay(url, agent, get)
        if delay is not None:
            self.politeness.slow_down(url, delay)

    # 3. and 5.
    def _request(self, url: str, call: _Call) -> _Response:
        settings = call.settings
        # Through a proxy the peer is the proxy, which the user chose.
        check_peer = (
            None if settings.proxy else partial(address_problem, allow_private=call.allow_private)
        )
        with self.politeness.slot(url):
            # The deadline starts once the origin lets us in: waiting for politeness is
            # not the server's slowness.
            deadline = self.clock.monotonic() + settings.timeout
            with self.watchdog.watch(
                lambda: deadline - self.clock.monotonic(), check_peer
            ) as watched:
                try:
                    return self._send(url, call, deadline)
                except FetchError:
                    if watched.blocked:
                        raise blocked(url, watched.blocked) from None
                    if watched.fired:
                        raise FetchError(url, TOO_SLOW) from None
                    raise

    def _send(self, url: str, call: _Call, deadline: float) -> _Response:
        settings = call.settings
        remaining = max(deadline - self.clock.monotonic(), 0.01)
        try:
            response = self.session.get(
                url,
                headers={"User-Agent": settings.user_agent, **settings.headers, **call.headers},
                timeout=(min(settings.connect_timeout, remaining), remaining),
                proxies=self._proxies(settings),
                cookies=call.cookies,
                allow_redirects=False,
                stream=True,
            )
            extract_cookies_to_jar(call.cookies, response.request, response.raw)  # type: ignore[no-untyped-call]
        except requests.Timeout:
            raise FetchError(url, f"timed out after {settings.timeout:g}s") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"connection failed: {_reason(exc)}") from None
        with closing(response):
            headers = _frozen_headers(response.headers)
            status = response.status_code
            if not 200 <= status < 300:
                _drain(response)
                return _Response(url, status, headers, b"")
            if call.expect_html:
                _require_html(url, headers)
            body = self._read(response, url, call.max_bytes, deadline)
            return _Response(url, status, headers, body)

    def _read(
        self, response: requests.Response, url: str, max_bytes: int, deadline: float
    ) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(url, f"body of {declared} bytes exceeds the {max_bytes}-byte cap")
        raw: urllib3.HTTPResponse = response.raw
        chunks: list[bytes] = []
        total = 0
        while True:
            self._remaining(url, deadline)
            try:
                # read1 returns what has arrived instead of waiting for a full chunk; the
                # deadline watch cuts off a read that outlives the request's time.
                chunk = raw.read1(CHUNK, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError, requests.RequestException) as exc:
                raise FetchError(url, f"reading body failed: {_reason(exc)}") from None
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > max_bytes:
                raise FetchError(url, f"body exceeds the {max_bytes}-byte cap (decoded)")
            chunks.append(chunk)

    def _remaining(self, url: str, deadline: float) -> float:
        remaining = deadline - self.clock.monotonic()
        if remaining <= 0:
            raise FetchError(url, TOO_SLOW)
        return remaining

    # 6.
    def _conditional_headers(self, url: str) -> dict[str, str]:
        if self.validators is None:
            return {}
        stored = self.validators.validators(url)
        headers = {}
        if stored.etag:
            headers["If-None-Match"] = stored.etag
        if stored.last_modified:
            headers["If-Modified-Since"] = stored.last_modified
        return headers

    def _save_validators(self, url: str, response: _Response) -> None:
        if self.validators is None:
            return
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        if response.status == 304 and not (etag or modified):
            kept = self.validators.validators(url)
            etag, modified = kept.etag, kept.last_modified
        self.validators.save(
            url, Validators(etag, modified), response.status, self.clock.now(), len(response.body)
        )

    @staticmethod
    def _proxies(settings: FetchSettings) -> dict[str, str] | None:
        return {"http": settings.proxy, "https": settings.proxy} if settings.proxy else None


def _require_html(url: str, headers: Mapping[str, str]) -> None:
    media = (headers.get("content-type") or "").split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        raise FetchError(url, f"not an HTML page (Content-Type {media})")


def _drain(response: requests.Response) -> None:
    """Read a short non-2xx body (a 304 has none) so the connection goes back to the pool
    for keep-alive; a long one is not worth it and the connection is dropped instead."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= DRAIN_BYTES:
        with suppress(urllib3.exceptions.HTTPError, OSError, requests.RequestException):
            response.raw.read(DRAIN_BYTES, decode_content=False)


def _reason(exc: BaseException) -> str:
    """A short cause: requests nests urllib3 errors whose text repeats the whole URL."""
    while exc.__context__ is not None and isinstance(exc.__context__, Exception):
        exc = exc.__context__
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
