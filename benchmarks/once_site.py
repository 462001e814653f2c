"""The news sites bench_once.py polls: many loopback hosts, one asyncio process.

Host ``i`` listens on its own loopback address (127.0.3.1, 127.0.3.2, … — all of
127.0.0.0/8 is ``lo`` on Linux), so every host is a distinct origin as robots.txt and
newswatch's politeness see it. Each host serves robots.txt, ``sections`` RSS feeds with
ETags, and one article page per feed item. Every answer is ``delay`` seconds late.

Control requests (not delayed, not counted) go to any host:
- ``/__stats``: requests and bytes per kind and per host since the last call, plus the
  start time of every request (for the "hosts in flight" figures), then resets.
- ``/__advance?every=N``: every N-th feed publishes one new item.

Items are dated relative to the server's clock at start, so they are "recent" for the
story window of a run started right after.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

PLACES = [
    "Aleppo", "Idlib", "Mosul", "Kharkiv", "Odesa", "Gaziantep", "Tripoli", "Sanaa",
    "Goma", "Bamako", "Kabul", "Herat", "Rafah", "Khartoum", "Mogadishu", "Zaporizhzhia",
]  # fmt: skip
ACTORS = [
    "the interior ministry", "local officials", "a UN spokesperson", "aid workers",
    "the regional governor", "witnesses", "a hospital director", "the army",
    "the civil defence", "a rights group", "police", "residents",
]  # fmt: skip
TEMPLATES = [
    "{actor} said {n} people were hurt in {place} on {day}.",
    "According to {actor}, the situation in {place} remained tense on {day} evening.",
    "Roads between {place} and {place2} were closed for {n} hours, {actor} said.",
    "{actor} reported that {n} families had left {place} since the start of the week.",
    "Power was cut in parts of {place} after the strike; repairs will take {n} days, {actor} said.",
    "The market in {place} reopened on {day}; {actor} warned that prices had risen {n} percent.",
    "In {place2}, {actor} counted {n} vehicles queueing at the checkpoint.",
    "Schools in {place} will stay closed until further notice, {actor} announced.",
    "{actor} called for a pause in the fighting around {place} to let convoys through.",
    "Footage shared online showed smoke rising over {place}; {actor} could not confirm the cause.",
    "A convoy of {n} trucks carrying food and medicine reached {place2} late on {day}.",
    "Talks in {place2} ended without agreement, {actor} told reporters.",
    "The hospital in {place} said it had treated {n} patients overnight.",
    "{actor} urged people in {place} to avoid the area around the main bridge.",
    "Fuel shortages have doubled the cost of transport between {place} and {place2}.",
    "Telecommunications were restored in {place} after {n} hours, {actor} said.",
]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NAV = "".join(f'<li><a href="/topic/{t}">{t.title()}</a></li>' for t in PLACES + DAYS)


def article_text(seed: str, paragraphs: int = 9) -> tuple[str, list[str]]:
    """A headline and paragraphs of news prose, different for every seed."""
    rng = random.Random(seed)
    place, place2 = rng.sample(PLACES, 2)

    def sentence() -> str:
        text = rng.choice(TEMPLATES).format(
            actor=rng.choice(ACTORS),
            n=rng.randint(2, 900),
            place=place if rng.random() < 0.7 else rng.choice(PLACES),
            place2=place2,
            day=rng.choice(DAYS),
        )
        return text[0].upper() + text[1:]

    title = (
        f"{place}: {rng.choice(ACTORS)} report {rng.randint(2, 90)} hurt as {place2} talks stall"
    )
    body = [" ".join(sentence() for _ in range(rng.randint(3, 5))) for _ in range(paragraphs)]
    return title[0].upper() + title[1:], body


def article_html(seed: str, published: datetime, host: str) -> bytes:
    title, paragraphs = article_text(seed)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    related = "".join(
        f'<li><a href="/related/{seed}-{i}">{article_text(f"{seed}-{i}", 1)[0]}</a></li>'
        for i in range(6)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {host} News</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published.isoformat()}">
<link rel="stylesheet" href="/static/site.css"><script>window.dataLayer=[];</script>
</head><body><header><div class="logo"><a href="/">{host} News</a></div>
<nav><ul>{NAV}</ul></nav><form action="/search"><input name="q"></form></header>
<main><article><h1>{title}</h1><div class="byline">By Staff Reporter ·
<time datetime="{published.isoformat()}">{published:%d %B %Y %H:%M}</time></div>
<figure><img src="/img/{seed}.jpg" alt=""><figcaption>File photo.</figcaption></figure>
<div class="article-body">{body}</div>
<div class="share"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>© 2026 {host} News. All rights reserved.</p><ul>{NAV}</ul></footer>
</body></html>""".encode()


@dataclass
class Feed:
    host: int
    section: int
    items: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return f'"{self.host}-{self.section}-{len(self.items)}"'

    def xml(self, netloc: str) -> bytes:
        entries = "".join(
            f"<item><title>{article_text(seed, 1)[0]}</title>"
            f"<link>http://{netloc}/{self.section}/{seed}.html</link>"
            f"<guid isPermaLink='false'>{seed}</guid>"
            f"<description>{article_text(seed, 1)[1][0][:200]}</description>"
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate></item>"
            for seed, published in reversed(self.items)
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Section {self.section}</title><link>http://{netloc}/</link>"
            f"{entries}</channel></rss>"
        ).encode()


class Site:
    def __init__(self, hosts: int, sections: int, items: int, delay: float) -> None:
        self.delay = delay
        self.started = datetime.now(UTC)
        self.feeds = {
            (h, s): Feed(h, s, [self._item(h, s, i, i) for i in range(items)])
            for h in range(hosts)
            for s in range(sections)
        }
        self.published = {seed: when for feed in self.feeds.values() for seed, when in feed.items}
        self.netlocs: dict[int, str] = {}
        self.reset()

    def _item(self, host: int, section: int, number: int, age: int) -> tuple[str, datetime]:
        # Minutes old: recent enough for any story window.
        return f"h{host}s{section}n{number}", self.started - timedelta(minutes=10 * (age + 1))

    def reset(self) -> None:
        self.requests: dict[str, int] = defaultdict(int)
        self.bytes: dict[str, int] = defaultdict(int)
        self.per_host: dict[int, int] = defaultdict(int)
        self.starts: list[tuple[float, int]] = []

    def advance(self, every: int) -> int:
        added = 0
        for index, feed in enumerate(self.feeds.values()):
            if index % every == 0:
                seed, _ = self._item(feed.host, feed.section, len(feed.items), 0)
                when = datetime.now(UTC) - timedelta(minutes=1)
                feed.items.append((seed, when))
                self.published[seed] = when
                added += 1
        return added

    def answer(
        self, host: int, path: str, headers: dict[str, str]
    ) -> tuple[str, dict[str, str], bytes, str]:
        """(status, headers, body, kind); kind "" for control requests."""
        netloc = self.netlocs[host]
        if path == "/robots.txt":
            return "200 OK", {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n", "robots"
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "feed":
            feed = self.feeds.get((host, int(parts[1].removesuffix(".xml"))))
            if feed is not None:
                if headers.get("if-none-match") == feed.etag:
                    return "304 Not Modified", {"ETag": feed.etag}, b"", "feed"
                kind = {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": feed.etag}
                return "200 OK", kind, feed.xml(netloc), "feed"
        if len(parts) == 2 and parts[1].endswith(".html"):
            seed = parts[1].removesuffix(".html")
            published = self.published.get(seed)
            if published is not None:
                page = article_html(seed, published, netloc)
                return "200 OK", {"Content-Type": "text/html; charset=utf-8"}, page, "article"
        return "404 Not Found", {"Content-Type": "text/plain"}, b"not here", "other"

    def control(self, path: str) -> bytes | None:
        if path.startswith("/__stats"):
            stats = {
                "requests": dict(self.requests),
                "bytes": dict(self.bytes),
                "per_host": {str(h): n for h, n in self.per_host.items()},
                "starts": self.starts,
            }
            self.reset()
            return json.dumps(stats).encode()
        if path.startswith("/__advance"):
            return json.dumps({"added": self.advance(int(path.rsplit("=", 1)[1]))}).encode()
        return None


async def handle(
    site: Site, host: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = site.control(target)
            if body is not None:
                status, extra, kind = "200 OK", {"Content-Type": "application/json"}, ""
            else:
                site.starts.append((time.time(), host))
                await asyncio.sleep(site.delay)
                status, extra, body, kind = site.answer(host, target, headers)
            head_out = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
            head_out += [f"{k}: {v}" for k, v in extra.items()]
            raw = ("\r\n".join(head_out) + "\r\n\r\n").encode() + body
            writer.write(raw)
            await writer.drain()
            if kind:
                site.requests[kind] += 1
                site.bytes[kind] += len(raw)
                site.per_host[host] += 1
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
        pass
    finally:
        writer.close()


def host_address(index: int) -> str:
    return f"127.0.{3 + index // 250}.{index % 250 + 1}"


async def serve(hosts: int, sections: int, items: int, delay: float) -> None:
    site = Site(hosts, sections, items, delay)
    ports = {}
    for index in range(hosts):
        server = await asyncio.start_server(
            lambda r, w, i=index: handle(site, i, r, w), host_address(index), 0, backlog=256
        )
        port = server.sockets[0].getsockname()[1]
        ports[index] = port
        site.netlocs[index] = f"{host_address(index)}:{port}"
    print(json.dumps(site.netlocs), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the client closes our stdin
    os._exit(0)  # open keep-alive connections need no goodbye


if __name__ == "__main__":
    hosts, sections, items = (int(a) for a in sys.argv[1:4])
    asyncio.run(serve(hosts, sections, items, float(sys.argv[4])))
