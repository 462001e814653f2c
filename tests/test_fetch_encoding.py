"""Mislabelled and missing charsets, served by a real local server, decode correctly."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

import pytest
import requests

from newswatch.clock import FakeClock
from newswatch.fetch import Fetcher, FetchSettings
from tests.servers_hostile import page, serve

ARABIC = (
    "قصفت طائرات حربية روسية وسورية مناطق قرب حلب وإدلب يوم الثلاثاء، "
    "وقال الدفاع المدني إن عدداً من المدنيين قتلوا وأصيب آخرون في الغارات الجوية."
)
RUSSIAN = (
    "Российские и сирийские военные самолёты нанесли удары по районам возле Алеппо "
    "и Идлиба во вторник; по словам спасателей, погибли несколько мирных жителей."
)


def _html(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


CASES = [
    # (body bytes, Content-Type header, expected text inside)
    pytest.param(_html(ARABIC).encode("cp1256"), "text/html", ARABIC, id="arabic-no-charset"),
    pytest.param(
        _html(ARABIC).encode("cp1256"), "text/html; charset=utf-8", ARABIC, id="arabic-says-utf8"
    ),
    pytest.param(
        _html(RUSSIAN).encode("cp1251"),
        "text/html; charset=iso-8859-1",
        RUSSIAN,
        id="russian-says-latin1",
    ),
    pytest.param(_html(RUSSIAN).encode("cp1251"), "text/html", RUSSIAN, id="russian-no-charset"),
    pytest.param(
        _html(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"),
        "text/html",
        RUSSIAN,
        id="russian-meta",
    ),
    pytest.param(
        codecs.BOM_UTF8 + _html(ARABIC).encode("utf-8"),
        "text/html; charset=windows-1252",
        ARABIC,
        id="utf8-bom-beats-header",
    ),
    pytest.param(
        _html("Café Ḥalab").encode("utf-8"), "text/html", "Café Ḥalab", id="utf8-no-charset"
    ),
    pytest.param(_html("Ḥalab").encode("utf-16"), "text/html", "Ḥalab", id="utf16-bom"),
]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with requests.Session() as session:
        session.trust_env = False
        yield Fetcher(session, None, FakeClock(), per_origin_delay=0)


@pytest.mark.parametrize(("body", "content_type", "expected"), CASES)
def test_text_decodes_whatever_the_label_says(
    fetcher: Fetcher, body: bytes, content_type: str, expected: str
) -> None:
    with serve({"/a": page(body, Content_Type=content_type)}) as server:
        result = fetcher.fetch(server.url("/a"), FetchSettings(robots=False), allow_private=True)
    text = result.text()
    assert expected in text
    assert "\ufeff" not in text
