"""Chat messages split whole and in order, and a huge link does not break them (issue 15, 14).

A 20 KB article URL opened an ``<a href=`` that its piece never closed and the title
landed in the last piece; Telegram refuses such a message, and the whole batch with it.
"""

from __future__ import annotations

from newswatch.notify import Batch, render
from newswatch.notify.escape import MAX_URL, safe_url
from newswatch.notify.render import CHAT_LIMIT, split_body
from tests.receivers import make_message

HUGE_URL = "https://news.example.org/a?" + "q=" + "x" * 20_000


def test_a_huge_url_is_text_not_a_link_and_every_piece_is_whole_markup() -> None:
    batch = Batch("chat", "alert", (make_message("Strike near Aleppo", url=HUGE_URL),))
    pieces = render(batch, "chat").bodies
    assert all(len(piece) <= CHAT_LIMIT for piece in pieces)
    assert len(pieces) == 1
    assert "Strike near Aleppo" in pieces[0]
    for piece in pieces:
        assert piece.count("<a ") == piece.count("</a>")
        assert piece.count("<b>") == piece.count("</b>")
    assert "x" * 1000 not in pieces[0]  # the link's text is cut short


def test_urls_up_to_the_cap_stay_links() -> None:
    url = "https://news.example.org/" + "a" * (MAX_URL - 25)
    assert safe_url(url) == url
    assert safe_url(url + "b") is None


def test_a_line_longer_than_the_limit_keeps_what_came_before_it_first() -> None:
    pieces = split_body("Title line\nshort\n" + "x" * 25 + "\nend", 10)
    # Before: ("Title line", "xxxxxxxxxx", "xxxxxxxxxx", "short", ...) - out of order.
    assert pieces == ("Title line", "short", "x" * 10, "x" * 10, "xxxxx\nend")
