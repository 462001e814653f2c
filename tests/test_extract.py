"""extract_article on small hand-written news pages (tests/fixtures/extract/)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.errors import ExtractError
from newswatch.extract import extract_article
from newswatch.fetch import decode

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def page(name: str) -> str:
    return decode((FIXTURES / name).read_bytes(), {})


@pytest.mark.parametrize(
    ("fixture", "url", "title", "in_text", "language"),
    [
        (
            "arabic-windows-1256.html",
            "https://news.example.net/ar/aleppo",
            "غارات جوية تستهدف ريف حلب الشمالي",
            "طائرات حربية شنت صباح اليوم سلسلة من الغارات الجوية",
            "ar",
        ),
        (
            "russian-cp1251.html",
            "https://news.example.ru/world/123",
            "Авиаудары по пригородам Алеппо",  # the site name after the dash is dropped
            "нанесли серию ударов по районам к западу от Алеппо",
            "ru",  # not declared: identified from the text
        ),
        (
            "jsonld-newsarticle.html",
            "https://ledger.example.com/world/2024/03/05/aid-convoy-reaches-besieged-town",
            "Aid convoy reaches besieged town after weeks of talks",
            "A convoy of 40 lorries carrying food, medicine and fuel reached the besieged town",
            "en",
        ),
    ],
)
def test_article_pages(fixture: str, url: str, title: str, in_text: str, language: str) -> None:
    article = extract_article(page(fixture), url, source="demo")
    assert article.title == title
    assert in_text in article.text
    assert article.language == language
    assert article.url == url
    assert article.source == "demo"


@pytest.mark.parametrize(
    ("fixture", "published"),
    [
        ("jsonld-newsarticle.html", datetime(2024, 3, 5, 12, 30, tzinfo=UTC)),
        ("arabic-windows-1256.html", datetime(2024, 2, 11, 5, 15, tzinfo=UTC)),
    ],
)
def test_published_is_utc(fixture: str, published: datetime) -> None:
    article = extract_article(page(fixture), "https://example.org/a")
    assert article.published == published
    assert article.published is not None and article.published.utcoffset() is not None


def test_jsonld_authors() -> None:
    article = extract_article(page("jsonld-newsarticle.html"), "https://ledger.example.com/x")
    assert article.authors == ("Maria Okafor", "James Lindqvist")


def test_body_is_paragraphs_without_navigation() -> None:
    article = extract_article(page("jsonld-newsarticle.html"), "https://ledger.example.com/x")
    paragraphs = article.text.split("\n\n")
    assert paragraphs[-1].startswith("Doctors in the town said")
    assert not {"World", "Business", "Sport", "Ceasefire talks stall"} & set(paragraphs)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://ledger.example.com/amp/aid-convoy?utm_source=feed",
            "https://ledger.example.com/world/2024/03/05/aid-convoy-reaches-besieged-town",
        ),
        (
            "http://mirror.example.org/x",
            "http://mirror.example.org/world/2024/03/05/aid-convoy-reaches-besieged-town",
        ),
    ],
)
def test_relative_canonical_made_absolute(url: str, canonical: str) -> None:
    assert extract_article(page("jsonld-newsarticle.html"), url).canonical_url == canonical


@pytest.mark.parametrize(
    ("html", "canonical"),
    [
        (
            '<html><head><meta property="og:url" content="https://www.x.example/s/1"></head>',
            "https://www.x.example/s/1",
        ),
        (
            '<html><head><link rel="canonical" href="javascript:void(0)"></head>',
            "https://x.example/p",
        ),
        ("<html><head></head><body><p>short</p></body></html>", "https://x.example/p"),
    ],
)
def test_canonical_fallbacks(html: str, canonical: str) -> None:
    assert extract_article(html, "https://x.example/p").canonical_url == canonical


@pytest.mark.parametrize(
    "html",
    [
        page("listing-no-body.html"),
        b"<html><body></body></html>",
        "<p>just a fragment</p>",
        "<html><body><div><div><span></span></div>",  # truncated
        b"<html><head><meta charset='no-such-charset'></head><body>\xff\xfe</body></html>",
    ],
)
def test_pages_without_body_give_empty_text(html: str | bytes) -> None:
    text = decode(html, {}) if isinstance(html, bytes) else html
    assert extract_article(text, "https://ledger.example.com/world/").text == ""


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"GIF89a<a " + b"\x00" * 64,  # binary that happens to contain a tag-like byte run
        '{"a": 1}',
        "plain text",
    ],
)
def test_non_html_raises(data: str | bytes) -> None:
    with pytest.raises(ExtractError):
        extract_article(decode(data, {}) if isinstance(data, bytes) else data, "https://x.e/f")


def test_soft_hyphens_leave_the_title_as_they_leave_the_body() -> None:
    body = "<p>" + "Kampf&shy;flugzeuge griffen die Stadt Alep&shy;po erneut an. " * 6 + "</p>"
    html = (
        "<html><head><title>Neue Luft&shy;angriffe auf Alep&shy;po</title></head><body>"
        f"<article><h1>Neue Luft&shy;angriffe auf Alep&shy;po</h1>{body}</article></body></html>"
    )
    found = extract_article(html, "https://x.example/p")
    assert found.title == "Neue Luftangriffe auf Aleppo"
    assert "\u00ad" not in found.text and "Kampfflugzeuge" in found.text


def test_a_declared_language_contradicted_by_the_texts_script_goes_to_the_detector() -> None:
    from newswatch.extract.language import checked_language

    arabic = "غارات جوية على مدينة حلب اليوم وقتل عدد من المدنيين في القصف المدفعي العنيف"
    ukrainian = "Вночі у Харкові пролунали вибухи, повідомив голова обласної адміністрації"
    english = "Airstrikes hit the city of Aleppo today, killing several civilians in shelling"
    assert checked_language("en", arabic) == "ar"  # a site-wide lang="en" on an Arabic story
    assert checked_language("en", ukrainian) == "uk"
    assert checked_language("ar", english) == "en"
    assert checked_language("uk", ukrainian) == "uk"  # agreeing: the declaration stands
    assert checked_language("fr", english) == "fr"  # same script: the page knows best
    assert checked_language(None, english) == "en"
    assert checked_language("en", "قصف") == "en"  # too little text to contradict it


# Old CMS pages (Bitrix, hand-written PHP portals) whose article is bare text separated by
# <br><br> in one container, with no <p> at all, inside menus, related lists, comments,
# a "most read" box and a cookie banner.
BR_PAGES = [
    (
        "bitrix-br-ru.html",
        "В четверг в Заречье после двух лет ремонта открыли для движения мост",
        "Ограничение для грузовиков снимут после контрольных испытаний",
        [
            "Политика",  # menu
            "USD 91,20",  # rates bar
            "В Борках отремонтируют дорогу к школе",  # read also
            "Другие новости раздела",  # related list
            "В районной больнице появился новый томограф",
            "Комментарии",  # comments
            "Наконец-то! Два года мучений позади",
            "Самое читаемое",  # most read
            "На трассе под Борками столкнулись",
            "Подпишитесь на нашу рассылку",
            "Сетевое издание",  # footer
            "файлы cookie",  # cookie banner
        ],
    ),
    (
        "php-br-pl.html",
        "Rada Gminy Nadbrzeże zgodziła się na zakup dwóch nowych autobusów",
        "Pierwszy z nich ma wyjechać na trasę z początkiem drugiego semestru",
        [
            "Gospodarka",  # menu
            "imieniny",  # date bar
            "Zobacz także",  # related list
            "Remont drogi do Zalesia",
            "Komentarze",  # comments
            "Moja córka w zeszłym roku",
            "Najczęściej czytane",  # most read
            "Pożar stodoły",
            "Czy gmina powinna wydłużyć",  # poll
            "Wszelkie prawa zastrzeżone",  # footer
            "plików cookies",  # cookie banner
        ],
    ),
]


@pytest.mark.parametrize(("fixture", "first", "last", "boilerplate"), BR_PAGES)
def test_br_separated_body_without_the_page_around_it(
    fixture: str, first: str, last: str, boilerplate: list[str]
) -> None:
    text = extract_article(page(fixture), "https://news.example.org/news/1/").text
    paragraphs = text.split("\n\n")
    # every <br><br> run is a paragraph, from the first to the last
    assert sum(first in p for p in paragraphs[:4]) == 1
    assert last in paragraphs[-3] + paragraphs[-2] + paragraphs[-1]
    assert 6 <= len(paragraphs) <= 11
    assert [b for b in boilerplate if b in text] == []
