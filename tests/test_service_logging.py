"""Log lines: one per event, text or JSON, and never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from newswatch.ops.logsetup import setup_logging
from newswatch.redact import Redactor

SECRETS = frozenset({"hunter2-smtp", "xoxb-SLACKTOKEN"})


@pytest.fixture
def capture() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    yield stream
    for handler in [h for h in root.handlers if h.get_name() == "newswatch"]:
        root.removeHandler(handler)
    root.setLevel(saved[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. known secrets, wherever they appear
        ("password hunter2-smtp rejected", "password *** rejected"),
        ("token=xoxb-SLACKTOKEN in header", "token=*** in header"),
        # 2. userinfo passwords in any URL
        (
            "mailtos://alerts:s3cret@smtp.example.org?to=a@b.org failed",
            "mailtos://alerts:***@smtp.example.org?to=a@b.org failed",
        ),
        ("https://user:pa%40ss@host/x", "https://user:***@host/x"),
        # 3. token-looking URL parts and credential query parameters
        (
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk: 404",
            "slack://***/***/***/#desk: 404",
        ),
        (
            "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654",
            "tgram://***/987654",
        ),
        (
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://hooks.slack.com/services/***/***/***",
        ),
        ("json://host/path?apikey=abc123&x=1", "json://host/path?apikey=***&x=1"),
        ("https://h/a?access_token=zz9", "https://h/a?access_token=***"),
        ("https://h/feed/0123456789abcdef0123", "https://h/feed/***"),
        # ordinary URLs and text survive
        (
            "https://news.example.org/2026/11/aleppo-airstrikes-kill-12?utm_source=x",
            "https://news.example.org/2026/11/aleppo-airstrikes-kill-12?utm_source=x",
        ),
        ("http://127.0.0.1:8080/feed.xml timed out", "http://127.0.0.1:8080/feed.xml timed out"),
        ("nothing to hide", "nothing to hide"),
    ],
)
def test_redactor(text: str, expected: str) -> None:
    assert Redactor(SECRETS)(text) == expected


def test_short_secrets_are_not_masked_everywhere() -> None:
    # A two-letter ${VAR} value would otherwise mask every "an" in every message.
    assert Redactor({"an"})("an article") == "an article"


def test_text_format_one_line_per_event_redacted(capture) -> None:
    setup_logging("text", secrets=SECRETS, stream=capture)
    log = logging.getLogger("newswatch.test")
    log.info("sent via %s", "mailtos://alerts:hunter2-smtp@smtp.example.org")
    try:
        raise ConnectionError("auth failed for xoxb-SLACKTOKEN\nsecond line")
    except ConnectionError:
        log.exception("delivery to %s failed", "desk-slack")
    lines = capture.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("INFO newswatch.test: sent via mailtos://alerts:***@smtp.example.org")
    assert "ERROR newswatch.test: delivery to desk-slack failed | Traceback" in lines[1]
    assert "ConnectionError: auth failed for ***" in lines[1]
    assert "hunter2" not in capture.getvalue() and "SLACKTOKEN" not in capture.getvalue()


def test_json_format(capture) -> None:
    setup_logging("json", secrets=SECRETS, stream=capture)
    log = logging.getLogger("newswatch.test")
    log.warning("source %s failed", "aljazeera", extra={"url": "https://u:hunter2-smtp@h/"})
    event = json.loads(capture.getvalue())
    assert event["level"] == "WARNING"
    assert event["logger"] == "newswatch.test"
    assert event["msg"] == "source aljazeera failed"
    assert event["url"] == "https://u:***@h/"
    assert event["ts"].endswith("Z")


def test_json_exception_is_a_field(capture) -> None:
    setup_logging("json", stream=capture)
    try:
        raise ValueError("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/1")
    except ValueError:
        logging.getLogger("x").exception("boom")
    event = json.loads(capture.getvalue())
    assert "ValueError: tgram://***/1" in event["exc"]


@pytest.mark.parametrize(("verbose", "shown"), [(False, False), (True, True)])
def test_verbose_shows_debug(capture, verbose: bool, shown: bool) -> None:
    setup_logging("text", verbose=verbose, stream=capture)
    logging.getLogger("newswatch.test").debug("detail")
    assert ("detail" in capture.getvalue()) is shown


def test_libraries_routine_info_stays_out_of_the_log(capture) -> None:
    setup_logging("text", stream=capture)
    for library in ("apscheduler", "pymorphy3.opencorpora_dict.wrapper", "urllib3"):
        logging.getLogger(library).info("routine %s", library)
    logging.getLogger("pymorphy3").warning("a real problem")
    assert "routine" not in capture.getvalue()
    assert "a real problem" in capture.getvalue()


def test_setup_twice_keeps_one_handler(capture) -> None:
    setup_logging("text", stream=capture)
    setup_logging("text", secrets=frozenset({"rotated-secret"}), stream=capture)
    logging.getLogger("newswatch.test").info("key rotated-secret")
    assert capture.getvalue().count("key") == 1
    assert "rotated-secret" not in capture.getvalue()


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log format 'xml'"):
        setup_logging("xml")
