"""The pieces behind extract_article: decoding, cleanup rules, byline and date parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.extract import extract_article
from newswatch.extract.cleanup import cut_trailer, drop_byline, drop_repeated_title
from newswatch.extract.metadata import clean_authors
from newswatch.fetch import decode
from newswatch.fetch.encoding import declared_charset

ARABIC = "قال ناشطون إن طائرات حربية شنت غارات على ريف حلب"
RUSSIAN = "Российские и сирийские самолёты нанесли удары по районам к западу от Алеппо"


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (html(ARABIC, '<meta charset="windows-1256">').encode("cp1256"), ARABIC),
        (html(RUSSIAN, '<meta charset="cp1251">').encode("cp1251"), RUSSIAN),
        # a UTF-8 page keeping a stale legacy label: the bytes win
        (html(RUSSIAN, '<meta charset="windows-1251">').encode("utf-8"), RUSSIAN),
        (b"\xef\xbb\xbf" + html(ARABIC).encode("utf-8"), ARABIC),
        (html(RUSSIAN * 3).encode("cp1251"), RUSSIAN),  # undeclared: guessed from the bytes
        (html("caf\xe9", '<meta charset="iso-8859-1">').encode("cp1252"), "caf\xe9"),
    ],
)
def test_decode(data: bytes, expected: str) -> None:
    assert expected in decode(data, {})


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<meta charset="windows-1256">', "cp1256"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=cp1251'>", "cp1251"),
        (b'<meta charset="ISO-8859-1">', "cp1252"),  # as browsers read it
        (b'<meta charset="gb2312">', "gb18030"),
        (b'<meta charset="utf-16">', "utf-8"),  # an ASCII-readable page cannot be UTF-16
        (b'<meta charset="klingon">', None),
        (b"<meta name=viewport>", None),
    ],
)
def test_declared_encoding(head: bytes, codec: str | None) -> None:
    assert declared_charset(head) == codec


@pytest.mark.parametrize(
    ("lines", "title", "kept"),
    [
        (
            ["Aid convoy arrives", "Forty lorries came."],
            "Aid convoy arrives",
            ["Forty lorries came."],
        ),
        (["World", "Aid convoy arrives!", "Text."], "Aid Convoy Arrives", ["World", "Text."]),
        # further down, a line equal to the headline is part of the story
        (
            ["a", "b", "c", "Aid convoy arrives"],
            "Aid convoy arrives",
            ["a", "b", "c", "Aid convoy arrives"],
        ),
        (["Text."], "", ["Text."]),
    ],
)
def test_drop_repeated_title(lines: list[str], title: str, kept: list[str]) -> None:
    assert drop_repeated_title(lines, title) == kept


LONG = "The convoy reached the town after weeks of talks between commanders and the UN. " * 3


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        ([LONG, LONG, "Related stories", "Ceasefire talks stall"], [LONG, LONG]),
        ([LONG, "You might also like:", "x"], [LONG]),
        ([LONG, LONG, "Comments", "Great article!"], [LONG, LONG]),
        # in other languages, and with the count
        ([LONG, "Комментарии (3)", "Наконец-то!"], [LONG]),
        ([LONG, "Kommentare:", "Toll!"], [LONG]),
        ([LONG, "Comments (12)", "Great article!"], [LONG]),
        # early in the text such a heading is an in-article box, not the end of the story
        (["Related", LONG, LONG], ["Related", LONG, LONG]),
        (
            [LONG, "Related stories are common in Syria's press, he said."],
            [LONG, "Related stories are common in Syria's press, he said."],
        ),
    ],
)
def test_cut_trailer(lines: list[str], kept: list[str]) -> None:
    assert cut_trailer(lines) == kept


@pytest.mark.parametrize(
    ("names", "authors"),
    [
        (["By Maria Okafor and James Lindqvist"], ("Maria Okafor", "James Lindqvist")),
        (["Maria Okafor; James Lindqvist", "Maria Okafor"], ("Maria Okafor", "James Lindqvist")),
        (["https://www.facebook.com/someone"], ()),
        (["Von Anna Schmidt"], ("Anna Schmidt",)),
        (["بقلم: سامر الخطيب"], ("سامر الخطيب",)),
        (["Автор: Иван Петров"], ("Иван Петров",)),
    ],
)
def test_clean_authors(names: list[str], authors: tuple[str, ...]) -> None:
    assert clean_authors(names) == authors


STORY = "<p>" + LONG + "</p><p>" + LONG + "</p>"


@pytest.mark.parametrize(
    ("page", "authors", "published"),
    [
        (
            html(f'<article><h1>Convoy</h1><p class="byline">By Maria Okafor</p>{STORY}</article>'),
            ("Maria Okafor",),
            None,
        ),
        (
            html(
                f'<article><span itemprop="author"><span itemprop="name">Ali Hassan</span></span>'
                f'<time datetime="2024-03-05T09:00:00-05:00">5 March</time>{STORY}</article>'
            ),
            ("Ali Hassan",),
            datetime(2024, 3, 5, 14, 0, tzinfo=UTC),
        ),
        (
            html(STORY, '<meta name="author" content="Lena Fischer">'),
            ("Lena Fischer",),
            None,
        ),
    ],
)
def test_visible_byline_and_time(
    page: str, authors: tuple[str, ...], published: datetime | None
) -> None:
    article = extract_article(page, "https://example.org/2024/story")
    assert article.authors == authors
    assert article.published == published


def test_jsonld_article_body_when_the_page_shows_none() -> None:
    paragraph = "First paragraph of the story, long enough to count as prose here."
    ld = json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": f"{paragraph}\n" * 3})
    page = html("<div id='app'></div>", f'<script type="application/ld+json">{ld}</script>')
    assert extract_article(page, "https://example.org/a").text.split("\n\n") == [paragraph] * 3


@pytest.mark.parametrize(
    "widget",
    [
        '<div class="inline-gallery"><ul><li><h2>1/50 Markets slump</h2><p>{}</p></li></ul></div>',
        '<div class="video-js vjs-paused"><p>This is a modal window. {}</p></div>',
        '<section id="photo-slideshow"><p>{}</p></section>',
    ],
)
def test_embedded_galleries_and_players_are_not_body(widget: str) -> None:
    caption = "Shares in the retailer fell sharply after its chief executive resigned."
    page = html(f"<article><h1>Convoy</h1>{STORY}{widget.format(caption)}<p>{LONG}</p></article>")
    text = extract_article(page, "https://example.org/a").text
    assert "The convoy reached the town" in text
    assert "chief executive resigned" not in text


def test_a_gallery_class_on_the_article_container_keeps_the_story() -> None:
    page = html(f'<div class="gallery-story"><h1>Convoy</h1>{STORY}</div>')
    assert "The convoy reached the town" in extract_article(page, "https://example.org/a").text


TAGS = ["<p>", "</p>", "<div class='gallery'>", "</div>", "<h1>", "<br>", "<script>", "<!--", "-->"]
TAGS += ["<meta charset='cp1251'>", "<title>", "<a href='/x'>", "</a>", "<table><tr><td>", "&amp;"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TAGS) | st.text(max_size=30), max_size=40), st.booleans())
def test_odd_html_never_raises(pieces: list[str], as_bytes: bool) -> None:
    page = "<html><body>" + "".join(pieces)
    text = decode(page.encode("utf-8", "replace"), {}) if as_bytes else page
    article = extract_article(text, "https://e.x/")
    assert isinstance(article.text, str)


def test_jsonld_article_body_beats_a_javascript_shell() -> None:
    story = [
        f"Paragraph {i} of the story: the convoy reached the town after weeks of talks."
        for i in range(8)
    ]
    ld = json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": "\n".join(story)})
    shell = (
        "<div id='app'><p>We use cookies to improve your experience on our site and to show you "
        "relevant advertising. By continuing you agree to our cookie policy.</p></div>"
    )
    page = html(shell, f'<script type="application/ld+json">{ld}</script>')
    assert extract_article(page, "https://example.org/a").text == "\n\n".join(story)


@pytest.mark.parametrize(
    ("line", "is_byline"),
    [
        ("By Rania Haddad · 2026-11-27T03:02:54Z", True),
        ("By Omar Khalil and Leila Mansour", True),
        ("BY JOHN SMITH, Associated Press", True),
        ("Автор: Иван Петров", True),
        ("By the time rescuers arrived, the market was gone.", False),
        ("By clicking here you agree to our terms", False),
        ("Bystanders said the jets came from the east.", False),
    ],
)
def test_byline_lines_at_the_top_are_dropped(line: str, is_byline: bool) -> None:
    body = [line, "Warplanes struck a market in Atarib on Thursday, rescuers said."]
    assert drop_byline(body) == (body[1:] if is_byline else body)
