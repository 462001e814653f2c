"""Feeds, listing pages and sitemaps, served by a real local server, become entries."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from newswatch.clock import FakeClock
from newswatch.config.schema import SOURCE_KINDS, SourceConfig
from newswatch.errors import SourceError
from newswatch.fetch import Fetcher, FetchSettings
from newswatch.sources import KINDS, discover, kind_of
from newswatch.store.fetchstate import FetchStateRepo
from newswatch.store.sqlite import SQLiteDatabase as Database
from tests.servers_hostile import LocalServer, conditional, page, serve

SETTINGS = FetchSettings(timeout=2.0, robots=False)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>http://x/</link>
<item><title>Warplanes strike near &lt;b&gt;Aleppo&lt;/b&gt;</title>
  <link>/news/2026/01/05/warplanes-strike-near-aleppo</link>
  <guid isPermaLink="false">wire-1</guid>
  <description>&lt;p&gt;Russian and Syrian &lt;em&gt;jets&lt;/em&gt; struck.&lt;/p&gt;</description>
  <pubDate>Mon, 05 Jan 2026 13:30:00 +0300</pubDate></item>
<item><title>Second</title><link>http://other.example/b</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<updated>2026-01-05T10:00:00Z</updated>
<entry><title>Idlib</title><id>urn:e1</id><link href="http://127.0.0.1/idlib"/>
<updated>2026-01-05T08:00:00-05:00</updated><summary>Shelling in Idlib.</summary></entry>
</feed>"""

BOZO_RSS = RSS.replace(b"<title>Second</title>", b"<title>Tom & Jerry</title>")
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>
<link>http://x/a</link></item></channel></rss>"""

LISTING = b"""<html><head><base href="/middle-east/"></head><body>
<header><nav><a href="/politics/">Politics</a>
  <a href="/2026/01/05/in-nav-story-about-things">n</a></nav></header>
<main>
 <article><h2><a href="/2026/01/05/warplanes-strike-near-aleppo-and-idlib">Warplanes strike</a></h2>
   <time datetime="2026-01-05T13:30:00+03:00">5 Jan</time>
   <a href="/author/jane-doe">Jane Doe</a> <a href="/tag/syria">Syria</a></article>
 <article><h2><a href="story-98765432.html">Aid convoy reaches Idlib</a></h2></article>
 <article><h2><a href="https://elsewhere.example/2026/01/05/some-long-story-slug">away</a></h2></article>
 <a href="/middle-east/">Middle East</a> <a href="/category/world/">World</a>
 <a href="/page/2">Next</a>
</main>
<footer><a href="/about-us-and-our-team-page">About</a></footer></body></html>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>http://127.0.0.1/older</loc><lastmod>2026-01-04T10:00:00Z</lastmod></url>
 <url><loc>http://127.0.0.1/aleppo</loc><news:news><news:publication>
   <news:name>Wire</news:name><news:language>en</news:language></news:publication>
   <news:publication_date>2026-01-05T13:30:00+03:00</news:publication_date>
   <news:title>Warplanes strike near Aleppo</news:title></news:news></url>
</urlset>"""


def _source(kind: str, url: str, **extra: object) -> SourceConfig:
    return SourceConfig.model_validate({"name": "src", kind: url, **extra})


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Fetcher]:
    db = Database(tmp_path / "state.db")
    with requests.Session() as session:
        session.trust_env = False
        yield Fetcher(session, FetchStateRepo(db), FakeClock(), per_origin_delay=0)
    db.close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        yield local


def test_rss_entries_are_absolute_plain_and_utc(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes["/rss"] = page(RSS, Content_Type="application/rss+xml", ETag='"1"')
    found = discover(_source("feed", server.url("/rss")), fetcher, SETTINGS)
    first, second = found.entries
    assert first.url == server.url("/news/2026/01/05/warplanes-strike-near-aleppo")
    assert first.title == "Warplanes strike near Aleppo"
    assert first.summary == "Russian and Syrian jets struck."
    assert first.published == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert (first.guid, first.source) == ("wire-1", "src")
    assert second.url == "http://other.example/b"
    assert found.bytes == len(RSS)


def test_atom_dates_are_normalised_to_utc(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes["/atom"] = page(ATOM, Content_Type="application/atom+xml")
    (entry,) = discover(_source("feed", server.url("/atom")), fetcher, SETTINGS).entries
    assert (entry.url, entry.summary, entry.guid) == (
        "http://127.0.0.1/idlib",
        "Shelling in Idlib.",
        "urn:e1",
    )
    assert entry.published == datetime(2026, 1, 5, 13, 0, tzinfo=UTC)


def test_second_poll_of_an_unchanged_feed_is_not_modified(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.routes["/rss"] = conditional(RSS)
    source = _source("feed", server.url("/rss"))
    discover(source, fetcher, SETTINGS)
    again = discover(source, fetcher, SETTINGS)
    assert (again.not_modified, again.entries) == (True, [])


@pytest.mark.parametrize(
    ("body", "usable"),
    [
        (BOZO_RSS, True),
        (b"<html><body>Not a feed</body></html>", False),
        (b"\x00\x01garbage\xff" * 10, False),
        (RSS[: RSS.index(b"</item>") + 7], True),
        (b"<?xml version='1.0'?><rss><channel><item><title>x", False),
    ],
    ids=["bozo-usable", "html", "binary", "truncated-with-item", "truncated-no-link"],
)
def test_malformed_feeds(fetcher: Fetcher, server: LocalServer, body: bytes, usable: bool) -> None:
    server.routes["/f"] = page(body, Content_Type="application/xml")
    source = _source("feed", server.url("/f"))
    if usable:
        assert discover(source, fetcher, SETTINGS).entries
    else:
        with pytest.raises(SourceError):
            discover(source, fetcher, SETTINGS)


def test_html_page_given_as_feed_points_to_its_feed(fetcher: Fetcher, server: LocalServer) -> None:
    html = b"""<html><head><title>News</title>
    <link type="application/rss+xml" rel="alternate" href="/rss.xml?a=1&amp;b=2">
    </head><body>Hello</body></html>"""
    server.routes["/"] = page(html)
    with pytest.raises(SourceError) as caught:
        discover(_source("feed", server.url("/")), fetcher, SETTINGS)
    assert (
        caught.value.hint
        == f"this looks like a web page; its feed is {server.url('/rss.xml?a=1&b=2')}"
    )


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * 100_000 + b"-->\n<!DOCTYPE"),
    ],
    ids=["plain", "doctype-after-a-long-comment"],
)
def test_billion_laughs_is_refused_quickly(
    fetcher: Fetcher, server: LocalServer, body: bytes
) -> None:
    server.routes["/f"] = page(body, Content_Type="application/rss+xml")
    started = time.monotonic()
    with pytest.raises(SourceError, match="entities"):
        discover(_source("feed", server.url("/f")), fetcher, SETTINGS)
    assert time.monotonic() - started < 1.0


def test_listing_without_selector_keeps_only_article_links(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.routes["/middle-east/"] = page(LISTING)
    found = discover(_source("page", server.url("/middle-east/")), fetcher, SETTINGS)
    assert [(e.url, e.title, e.published) for e in found.entries] == [
        (
            server.url("/2026/01/05/warplanes-strike-near-aleppo-and-idlib"),
            "Warplanes strike",
            datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
        ),
        (server.url("/middle-east/story-98765432.html"), "Aid convoy reaches Idlib", None),
    ]


def test_listing_with_selector_uses_it(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes["/middle-east/"] = page(LISTING)
    source = _source("page", server.url("/middle-east/"), links="article h2")
    urls = [e.url for e in discover(source, fetcher, SETTINGS).entries]
    # Off-site links are dropped even when the selector picks them.
    assert urls == [
        server.url("/2026/01/05/warplanes-strike-near-aleppo-and-idlib"),
        server.url("/middle-east/story-98765432.html"),
    ]


def test_bad_selector_is_a_source_error(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes["/l"] = page(LISTING)
    with pytest.raises(SourceError, match="selector"):
        discover(_source("page", server.url("/l"), links="a[[["), fetcher, SETTINGS)


@pytest.mark.parametrize("gzipped", [False, True])
def test_news_sitemap_newest_first_with_utc_dates(
    fetcher: Fetcher, server: LocalServer, gzipped: bool
) -> None:
    body = gzip.compress(NEWS_SITEMAP) if gzipped else NEWS_SITEMAP
    server.routes["/s.xml"] = page(body, Content_Type="application/xml")
    found = discover(_source("sitemap", server.url("/s.xml")), fetcher, SETTINGS)
    assert [(e.url, e.title, e.published) for e in found.entries] == [
        (
            "http://127.0.0.1/aleppo",
            "Warplanes strike near Aleppo",
            datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
        ),
        ("http://127.0.0.1/older", "", datetime(2026, 1, 4, 10, 0, tzinfo=UTC)),
    ]


def test_sitemap_index_reads_its_children(fetcher: Fetcher, server: LocalServer) -> None:
    index = f"""<?xml version="1.0"?>
    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>{server.url("/news.xml")}</loc><lastmod>2026-01-05</lastmod></sitemap>
      <sitemap><loc>file:///etc/passwd</loc></sitemap>
    </sitemapindex>""".encode()
    server.routes["/index.xml"] = page(index, Content_Type="application/xml")
    server.routes["/news.xml"] = page(NEWS_SITEMAP, Content_Type="application/xml")
    found = discover(_source("sitemap", server.url("/index.xml")), fetcher, SETTINGS)
    assert [e.url for e in found.entries] == ["http://127.0.0.1/aleppo", "http://127.0.0.1/older"]


def test_sitemap_entities_are_not_expanded(fetcher: Fetcher, server: LocalServer) -> None:
    body = BILLION_LAUGHS.replace(b"<rss", b"<urlset").replace(b"</rss>", b"</urlset>")
    server.routes["/s.xml"] = page(body, Content_Type="application/xml")
    started = time.monotonic()
    found = discover(_source("sitemap", server.url("/s.xml")), fetcher, SETTINGS)
    assert found.entries == []
    assert time.monotonic() - started < 1.0


def test_max_items_caps_entries(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes["/rss"] = page(RSS, Content_Type="application/rss+xml")
    found = discover(_source("feed", server.url("/rss"), max_items=1), fetcher, SETTINGS)
    assert len(found.entries) == 1


def test_kinds_are_keyed_by_the_config_word() -> None:
    assert sorted(KINDS) == ["feed", "page", "sitemap"]
    with pytest.raises(SourceError, match="feed, page, sitemap"):
        kind_of("podcast")


RSS_VARIANTS = [
    RSS,
    ATOM,
    RSS.replace(b"<pubDate>Mon, 05 Jan 2026 13:30:00 +0300</pubDate>", b""),
    RSS.replace(b"<link>http://other.example/b</link>", b"<guid>http://other.example/b</guid>"),
    RSS.replace(
        b"<rss version",
        b'<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" version',
    ).replace(
        b"<title>Second</title>",
        b"<title>Second</title><content:encoded>&lt;p&gt;Full &amp;amp; text&lt;/p&gt;"
        b"</content:encoded>",
    ),
]


@pytest.mark.parametrize(
    "body", RSS_VARIANTS, ids=["rss", "atom", "no-date", "guid-link", "content"]
)
def test_fast_path_agrees_with_feedparser(body: bytes) -> None:
    from newswatch.fetch import FetchResult
    from newswatch.sources.feed import FeedKind
    from newswatch.sources.feed_fast import fast_items

    result = FetchResult("http://127.0.0.1/feed", 200, body, {"content-type": "application/xml"})
    source = _source("feed", result.url)
    assert fast_items(body), "the fast path should handle this feed"
    assert FeedKind().parse(source, result) == FeedKind._parse_with_feedparser(source, result)


@pytest.mark.parametrize(
    "body",
    [
        BOZO_RSS,
        RSS.replace(b"+0300", b"+03:00 in the afternoon"),
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        RSS.replace(b"<channel>", b'<channel xml:base="http://x/">'),
    ],
    ids=["not-well-formed", "odd-date", "rss1", "xml-base"],
)
def test_unusual_feeds_go_to_feedparser(body: bytes) -> None:
    from newswatch.sources.feed_fast import fast_items

    assert fast_items(body) is None


def test_public_source_never_leads_into_private_networks(fetcher: Fetcher) -> None:
    """A 'public' feed (reached through a local proxy) links to private addresses."""
    feed = b"""<rss version="2.0"><channel>
      <item><title>ok</title><link>http://93.184.216.34/news/story-1</link></item>
      <item><title>loopback</title><link>http://127.0.0.1:8080/admin</link></item>
      <item><title>lan</title><link>http://192.168.1.1/</link></item>
      <item><title>metadata</title><link>http://169.254.169.254/latest/</link></item>
      <item><title>file</title><link>file:///etc/passwd</link></item>
      <item><title>localhost</title><link>http://localhost/x</link></item>
    </channel></rss>"""
    with serve() as proxy:
        proxy.routes["http://93.184.216.34/feed"] = page(feed, Content_Type="application/rss+xml")
        settings = FetchSettings(timeout=2.0, robots=False, proxy=proxy.base)
        found = discover(_source("feed", "http://93.184.216.34/feed"), fetcher, settings)
    assert [e.title for e in found.entries] == ["ok"]


def test_every_config_kind_has_a_parser_and_no_other() -> None:
    assert set(KINDS) == set(SOURCE_KINDS)
