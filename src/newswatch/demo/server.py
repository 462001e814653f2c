"""A small sample news site on 127.0.0.1: an RSS feed, a listing page and article pages.

``newswatch demo`` runs one cycle against it; the tests use it as a real-looking site
they can publish to (``publish``) while newswatch polls.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class SampleArticle:
    slug: str
    title: str
    date: str
    author: str
    body: str
    in_feed: bool = True


def bundled_articles(now: datetime) -> list[SampleArticle]:
    raw = resources.files("newswatch.demo").joinpath("site/articles.yaml").read_text("utf-8")
    articles = []
    for item in yaml.safe_load(raw):
        published = now - timedelta(minutes=item.pop("minutes_ago"))
        articles.append(SampleArticle(**item, date=iso_utc(published)))
    return articles


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _template(name: str) -> str:
    return resources.files("newswatch.demo").joinpath(f"site/{name}").read_text("utf-8")


class SampleSite:
    """A threaded HTTP server serving the sample site; safe to ``publish`` while serving."""

    def __init__(self, articles: list[SampleArticle] | None = None, host: str = "127.0.0.1"):
        now = datetime.now(UTC)
        self._articles = list(articles if articles is not None else bundled_articles(now))
        self._lock = threading.Lock()
        self.requests: list[str] = []
        self.failing: set[str] = set()  # paths that answer 500
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> SampleSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, article: SampleArticle) -> None:
        with self._lock:
            self._articles.insert(0, article)

    def articles(self) -> list[SampleArticle]:
        with self._lock:
            return list(self._articles)

    # -- rendering -------------------------------------------------------------------
    def render(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) for a request path."""
        path = path.split("?", 1)[0]
        if path in self.failing:
            return 500, "text/plain", "internal error"
        if path == "/feed.xml":
            return 200, "application/rss+xml; charset=utf-8", self._feed()
        if path in ("/", "/middle-east/"):
            return 200, "text/html; charset=utf-8", self._listing()
        if path.startswith("/news/") and path.endswith(".html"):
            slug = path.removeprefix("/news/").removesuffix(".html")
            for article in self.articles():
                if article.slug == slug:
                    return 200, "text/html; charset=utf-8", self._page(article)
        return 404, "text/html; charset=utf-8", "<h1>Not found</h1>"

    def _page(self, a: SampleArticle) -> str:
        values = {
            "TITLE": escape(a.title),
            "SLUG": a.slug,
            "DATE": a.date,
            "AUTHOR": escape(a.author),
            "AUTHOR_SLUG": a.author.lower().replace(" ", "-"),
            "BODY": a.body,
            "BASE": self.base_url,
        }
        return _fill(_template("_layout.html"), values)

    def _listing(self) -> str:
        stories = "\n".join(
            f'<article class="story"><h2><a href="/news/{a.slug}.html?utm_source=home'
            f'&utm_medium=web">{escape(a.title)}</a></h2><p>{escape(a.author)}</p></article>'
            for a in self.articles()
        )
        return _fill(_template("index.html"), {"BASE": self.base_url, "STORIES": stories})

    def _feed(self) -> str:
        items = "\n".join(self._feed_item(a) for a in self.articles() if a.in_feed)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Levant Daily</title><link>{self.base_url}/</link>"
            f"<description>News from the Levant</description>{items}</channel></rss>"
        )

    def _feed_item(self, a: SampleArticle) -> str:
        published = format_datetime(datetime.fromisoformat(a.date.replace("Z", "+00:00")))
        summary = escape(_first_paragraph(a.body))
        return (
            f"<item><title>{escape(a.title)}</title>"
            f"<link>{self.base_url}/news/{a.slug}.html</link>"
            f'<guid isPermaLink="false">levant-{a.slug}</guid>'
            f"<pubDate>{published}</pubDate><description>{summary}</description></item>"
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                status, ctype, body = site.render(self.path)
                data = body.encode("utf-8")
                etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if status == 200:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the demo's output is the alerts, not an access log

        return Handler


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _first_paragraph(body: str) -> str:
    import re

    match = re.search(r"<p>(.*?)</p>", body, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""
