"""Rendering and timing rules as tables: escaping per dialect, payloads, quiet hours,
digest periods, back-off, message splitting, template overrides."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.config.schema import ChannelConfig, DeliveryConfig, QuietHours
from newswatch.model import Highlight, Snippet
from newswatch.notify import Batch, alert_payload, message_from_payload, render
from newswatch.notify.escape import DIALECTS, safe_url
from newswatch.notify.policy import backoff, digest_due, next_retry, quiet_until, rate_interval
from newswatch.notify.render import split_body
from tests.receivers import make_message

HOSTILE = "<!channel> @everyone <b>x</b> [a](https://evil.example) **y** \x1b[31m\u202e"


@pytest.mark.parametrize(
    ("dialect", "present", "absent"),
    [
        ("email", ["&lt;!channel&gt;", "&lt;b&gt;x&lt;/b&gt;"], ["<!channel>", "<b>x</b>", "\x1b"]),
        (
            "chat",
            ["&lt;!channel&gt;", "@\u200beveryone"],
            ["<!channel>", "https://evil", "@everyone"],
        ),
        ("markdown", ["\\[a\\]", "\\*\\*y\\*\\*"], ["[a](", "**y**", "@everyone"]),
        ("text", ["<!channel>", "[a](https:\u200b//evil\u200b.example)"], ["\x1b", "@everyone"]),
        ("console", ["<!channel>"], ["\x1b", "\u202e"]),
    ],
)
def test_article_text_is_inert_in_every_dialect(
    dialect: str, present: list[str], absent: list[str]
) -> None:
    message = make_message(HOSTILE, text=HOSTILE + " near Aleppo")
    body = render(Batch("c", "alert", (message,)), dialect).bodies[0]
    for fragment in present:
        assert fragment in body
    for fragment in absent:
        assert fragment not in body


@pytest.mark.parametrize(
    ("dialect", "bold"),
    [
        ("email", "<b>Aleppo</b>"),
        ("chat", "<b>Aleppo</b>"),
        ("markdown", "**Aleppo**"),
        ("text", "**Aleppo**"),
        ("console", "**Aleppo**"),
        ("console-ansi", "\x1b[1mAleppo\x1b[0m"),
    ],
)
def test_matched_terms_are_emphasised(dialect: str, bold: str) -> None:
    assert bold in render(Batch("c", "alert", (make_message(),)), dialect).bodies[0]


def test_overlapping_or_out_of_range_highlights_are_ignored() -> None:
    snippet = Snippet("near Aleppo", (Highlight(5, 11), Highlight(6, 9), Highlight(20, 30)))
    assert DIALECTS["text"].snippet(snippet) == "near **Aleppo**"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?y=1&z=2", "https://a.example/x?y=1&z=2"),
        ('https://a.example/"><script>', "https://a.example/%22%3E%3Cscript%3E"),
        ("https://a.example/a b", "https://a.example/a%20b"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("ftp://a.example/", None),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_payload_round_trip() -> None:
    message = make_message(also_reported_by=("bbc",), feed_only=True, extra={"k": 1})
    assert message_from_payload(alert_payload(message)) == message


def test_subject_and_list_headers_for_email() -> None:
    rendered = render(Batch("mail", "alert", (make_message("A\nmulti-line   title"),)), "email")
    assert rendered.title == "[newswatch] aleppo: A multi-line title"
    assert dict(rendered.headers)["List-Id"] == "newswatch aleppo <aleppo.newswatch.invalid>"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ alerts[0].title }} / {{ alerts[0].source }}", "&lt;i&gt;T&lt;/i&gt; / example-news"),
        ("{% for a in alerts %}[{{ a.rule }}]{% endfor %} {{ count }}", "[aleppo] 1"),
    ],
)
def test_channel_template_override_sees_escaped_values(template: str, expected: str) -> None:
    rendered = render(Batch("c", "alert", (make_message("<i>T</i>"),)), "chat", template)
    assert rendered.bodies == (expected,)


def test_channel_template_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.j2"
    path.write_text("ALERT {{ alerts[0].title }}", encoding="utf-8")
    rendered = render(Batch("c", "alert", (make_message(),)), "text", str(path))
    assert rendered.bodies == ("ALERT Warplanes strike near Aleppo",)


@pytest.mark.parametrize(
    ("body", "limit", "pieces"),
    [
        ("a\nb\nc", 3, ("a\nb", "c")),
        ("abc", 10, ("abc",)),
        ("aaaa\nbb", 3, ("aaa", "a", "bb")),
    ],
)
def test_split_body(body: str, limit: int, pieces: tuple[str, ...]) -> None:
    assert split_body(body, limit) == pieces


def _utc(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "start", "end", "tz", "until"),
    [
        (_utc(23), "22:00", "07:00", "UTC", _utc(7, day=3)),
        (_utc(3), "22:00", "07:00", "UTC", _utc(7)),
        (_utc(12), "22:00", "07:00", "UTC", None),
        (_utc(7), "22:00", "07:00", "UTC", None),  # the end is exclusive
        (_utc(13), "12:00", "14:00", "UTC", _utc(14)),
        (_utc(21, 30), "22:00", "07:00", "Europe/Istanbul", _utc(4, day=3)),  # 00:30 local
        (_utc(12), "09:00", "09:00", "UTC", None),
    ],
)
def test_quiet_until(now: datetime, start: str, end: str, tz: str, until: datetime | None) -> None:
    assert quiet_until(now, QuietHours(start=start, end=end, timezone=tz)) == until


@pytest.mark.parametrize(
    ("at", "period", "due"),
    [
        (_utc(10, 5), timedelta(minutes=30), _utc(10, 30)),
        (_utc(10, 30), timedelta(minutes=30), _utc(11, 0)),
        (_utc(10, 59), timedelta(hours=1), _utc(11, 0)),
    ],
)
def test_digest_periods_are_aligned(at: datetime, period: timedelta, due: datetime) -> None:
    assert digest_due(at, period) == due


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    cfg = DeliveryConfig(initial_backoff=timedelta(seconds=30), max_backoff=timedelta(minutes=5))
    rng = random.Random(1)
    waits = [backoff(n, cfg, rng).total_seconds() for n in range(1, 8)]
    for n, wait in enumerate(waits, start=1):
        ceiling = min(30 * 2 ** (n - 1), 300)
        assert ceiling / 2 <= wait <= ceiling


def test_last_retry_lands_on_max_age() -> None:
    cfg = DeliveryConfig(
        max_age=timedelta(hours=1),
        initial_backoff=timedelta(minutes=50),
        max_backoff=timedelta(hours=2),
    )
    created = _utc(10)
    assert next_retry(created, _utc(10, 30), 3, cfg, random.Random(1)) == _utc(11)
    assert next_retry(created, _utc(11), 4, cfg, random.Random(1)) is None


@pytest.mark.parametrize(
    ("urls", "rate_limit", "interval"),
    [
        (["slack://a/b/c"], None, 1.0),
        (["tgram://bot/chat"], None, 3.0),
        (["slack://a/b/c", "tgram://bot/chat"], None, 3.0),
        (["json://localhost"], None, 0.0),
        (["json://localhost"], 30, 2.0),
    ],
)
def test_rate_interval_defaults(urls: list[str], rate_limit: int | None, interval: float) -> None:
    assert rate_interval(ChannelConfig(urls=urls, rate_limit=rate_limit)) == interval


@pytest.mark.parametrize(
    "template",
    ["{{ alerts[0].nope }}", "{% for %}", "/no/such/template.j2", "{{ ''.__class__.__mro__ }}"],
)
def test_broken_user_template_falls_back_to_the_built_in_one(
    template: str, caplog: pytest.LogCaptureFixture
) -> None:
    rendered = render(Batch("c", "alert", (make_message(),)), "text", template)
    assert "**Aleppo**" in rendered.bodies[0]
    assert "template unusable" in caplog.text


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ alerts[0].title }}", None),
        ("{% for %}", "template: "),
        ("/no/such/file.j2", "template: "),
    ],
)
def test_template_problem_for_check(template: str, problem: str | None) -> None:
    from newswatch.notify import template_problem

    found = template_problem(template)
    assert found == problem if problem is None else (found or "").startswith(problem)
