"""Each channel kind end to end: real apprise plugins talking to receivers on 127.0.0.1."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from newswatch.clock import FakeClock
from newswatch.notify import AppriseNotifier, Batch, DeliveryWorker, enqueue_alerts
from newswatch.store import Store
from tests.receivers import (
    Request,
    http_receiver,
    make_config,
    make_message,
    point_apprise_at,
    smtp_receiver,
)

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk"
TELEGRAM = "tgram://123456789:abcdefghij_klmnopqrstuvwxyz12345/-100123456/"

HOSTILE_TITLE = (
    "<!channel> <!here> @everyone <b>boom</b> [click](https://evil.example/x) "
    "<https://evil.example|here> **bold** _it_ `code` &amp; 🔥 حلب تحت القصف \u202eevil"
)
HOSTILE_TEXT = (
    "Hi <@U123> and @here: visit https://evil.example/p, www.evil.example or evil.com now! "
    "<script>alert(1)</script> warplanes struck Aleppo \x1b[31mred\x1b[0m [x](javascript:1)"
)
OUR_LINK = "https://news.example.org/2026/aleppo-strikes?id=1&x=2"


@pytest.fixture
def store(tmp_path: Any) -> Iterator[Store]:
    s = Store(tmp_path / "state.db")
    yield s
    s.close()


def deliver(store: Store, config: Any, *messages: Any, notifier: Any = None) -> Any:
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    for message in messages:
        with store.unit() as tx:
            enqueue_alerts(
                tx.outbox, config.rules[0], message, clock.now(), cluster_id=None, match_id=None
            )
    return DeliveryWorker(store, config, clock, notifier=notifier).deliver_due()


def test_email_is_multipart_with_subject_and_list_headers(store: Store) -> None:
    with smtp_receiver() as smtp:
        config = make_config({"mail": smtp.url()})
        report = deliver(store, config, make_message(also_reported_by=("bbc", "reuters")))
        (msg,) = smtp.messages
    assert report.sent == 1
    assert msg["Subject"] == "[newswatch] aleppo: Warplanes strike near Aleppo"
    assert msg["Date"] and msg["Message-ID"]
    assert msg["List-Id"] == "newswatch aleppo <aleppo.newswatch.invalid>"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    rich = msg.get_body(("html",))
    assert isinstance(plain, EmailMessage) and isinstance(rich, EmailMessage)
    text, markup = plain.get_content(), rich.get_content()
    assert "<b>Aleppo</b>" in markup and f'href="{html.escape(OUR_LINK)}"' in markup
    assert "Aleppo" in text and "example-news" in text and "2026-01-01 09:30 UTC" in text
    assert "also reported by: bbc, reuters" in markup.lower()


def test_email_escapes_hostile_article_text(store: Store) -> None:
    with smtp_receiver() as smtp:
        config = make_config({"mail": smtp.url()})
        deliver(store, config, make_message(HOSTILE_TITLE + " x" * 5000, text=HOSTILE_TEXT))
        (msg,) = smtp.messages
    assert len(msg["Subject"]) < 250 and msg["Subject"].endswith("…")
    markup = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "<b>boom</b>" not in markup
    assert 'href="javascript' not in markup and 'evil.example/x"' not in markup
    assert "\x1b" not in markup and "\u202e" not in markup
    assert "حلب" in markup and "🔥" in markup


def _slack_text(request: Request) -> str:
    return str(request.json()["attachments"][0]["text"])


def test_slack_gets_inert_mrkdwn(store: Store) -> None:
    with http_receiver(lambda n, r: (200, b"ok", {})) as rx, point_apprise_at(rx.url):
        config = make_config({"slack": SLACK})
        report = deliver(store, config, make_message(HOSTILE_TITLE, text=HOSTILE_TEXT))
        (request,) = rx.requests
    text = _slack_text(request)
    assert report.sent == 1 and request.path.startswith("/slack/")
    # The only <…> Slack will interpret is our own link to the article.
    assert re.findall(r"<([^>]*)>", text) == [f"{OUR_LINK.replace('&', '&amp;')}|Open article"]
    for mention in ("<!channel>", "<!here>", "<@U123>", "@everyone", "@here"):
        assert mention not in text
    assert "*Aleppo*" in text and "حلب" in text and "🔥" in text
    assert "evil.com" not in text and "evil\u200b.com" in text


def test_telegram_gets_escaped_html(store: Store) -> None:
    with http_receiver() as rx, point_apprise_at(rx.url):
        config = make_config({"tg": TELEGRAM})
        long_title = HOSTILE_TITLE + " x" * 5000
        report = deliver(store, config, make_message(long_title, text=HOSTILE_TEXT))
        (request,) = rx.requests
    body = request.json()
    assert report.sent == 1 and body["parse_mode"] == "HTML"
    text = body["text"]
    tags = set(re.findall(r"</?[a-z][^>]*>", text))
    assert tags <= {"<b>", "</b>", "<i>", "</i>", f'<a href="{html.escape(OUR_LINK)}">', "</a>"}
    assert "@everyone" not in text and "https://evil" not in text and "www.evil" not in text
    assert "evil.com" not in text
    assert len(text) < 1000 and "…" in text  # a 10,000-character title is cut to fit
    assert "<b>Aleppo</b>" in text and "حلب" in text


def test_telegram_splits_long_digest_below_4096(store: Store) -> None:
    with http_receiver() as rx, point_apprise_at(rx.url):
        rules = [{"name": "aleppo", "query": "aleppo", "notify": ["tg"], "digest": "30m"}]
        config = make_config({"tg": TELEGRAM}, rules)
        notifier = AppriseNotifier(config, tty=False)
        messages = tuple(make_message(f"story {n} " + "long " * 50) for n in range(40))
        outcome = notifier.send(Batch("tg", "digest", messages))
        texts = [r.json()["text"] for r in rx.requests]
    assert outcome.ok and len(texts) > 1
    assert all(len(t) <= 4096 for t in texts)
    assert all(t.count("<b>") == t.count("</b>") for t in texts)
    joined = "".join(texts)
    assert all(f"story {n} " in joined for n in range(40))


def test_telegram_429_retry_after_is_honoured(store: Store) -> None:
    limited = (
        b'{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 120",'
        b'"parameters":{"retry_after":120}}'
    )

    def respond(number: int, _: Request) -> tuple[int, bytes, dict[str, str]]:
        return (429, limited, {}) if number == 0 else (200, b'{"ok":true,"result":{}}', {})

    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    with http_receiver(respond) as rx, point_apprise_at(rx.url):
        config = make_config({"tg": TELEGRAM})
        with store.unit() as tx:
            enqueue_alerts(
                tx.outbox,
                config.rules[0],
                make_message(),
                clock.now(),
                cluster_id=None,
                match_id=None,
            )
        worker = DeliveryWorker(store, config, clock)
        first = worker.deliver_due()
        clock.advance(100)  # the plain back-off (≤ 30 s) would already have retried
        early = worker.deliver_due()
        clock.advance(21)
        later = worker.deliver_due()
    assert (first.retrying, early.sent, later.sent) == (1, 0, 1)
    assert len(rx.requests) == 2


@pytest.mark.parametrize(("tty", "bold"), [(False, "**Aleppo**"), (True, "\x1b[1mAleppo\x1b[0m")])
def test_console_prints_a_readable_alert(
    store: Store, capsys: pytest.CaptureFixture[str], tty: bool, bold: str
) -> None:
    from newswatch.notify import register_console_plugin

    register_console_plugin()
    config = make_config({"console": "console://"})
    message = make_message("Warplanes \x1b[2Jstrike near Aleppo", feed_only=True)
    deliver(store, config, message, notifier=AppriseNotifier(config, tty=tty))
    out = capsys.readouterr().out
    assert bold in out
    assert "Warplanes strike near Aleppo" in out and "\x1b[2J" not in out
    assert "example-news · 2026-01-01 09:30 UTC" in out
    assert OUR_LINK in out
    assert "(matched on the feed summary; the article page could not be read)" in out
    assert ("\x1b[" in out) is tty


def test_discord_gets_markdown_without_pings(store: Store) -> None:
    from apprise.plugins.discord import NotifyDiscord

    saved = NotifyDiscord.notify_url
    with http_receiver(lambda n, r: (204, b"", {})) as rx:
        NotifyDiscord.notify_url = f"{rx.url}/discord"
        try:
            config = make_config({"discord": "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"})
            report = deliver(store, config, make_message(HOSTILE_TITLE, text=HOSTILE_TEXT))
        finally:
            NotifyDiscord.notify_url = saved
        (request,) = rx.requests
    raw = request.body.decode()
    assert report.sent == 1
    assert "@everyone" not in raw and "@here" not in raw and "<@U123>" not in raw
    assert "https://evil" not in raw
    assert "**Aleppo**" in raw or "__Aleppo__" in raw or "Aleppo" in raw


def test_failures_never_reveal_the_channel_secrets(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    token = "123456789:abcdefghij_klmnopqrstuvwxyz12345"
    refuse = lambda n, r: (500, b'{"ok":false,"description":"boom"}', {})  # noqa: E731
    with http_receiver(refuse) as rx, point_apprise_at(rx.url), caplog.at_level("DEBUG"):
        config = make_config({"tg": TELEGRAM})
        report = deliver(store, config, make_message())
    (row,) = store.outbox.by_status("pending")
    assert report.retrying == 1 and row.last_error
    assert token not in row.last_error and "abcdefghij" not in row.last_error
    assert "boom" in row.last_error
    newswatch_logs = [r.getMessage() for r in caplog.records if r.name.startswith("newswatch")]
    assert newswatch_logs and not any("abcdefghij" in m for m in newswatch_logs)


def test_a_service_answer_quoting_a_credential_url_is_masked_like_a_log_line(
    store: Store,
) -> None:
    """The adapter masks with the one Redactor: a token the config does not know (a service
    quoting some webhook back) goes too, not only the config's own secrets."""
    echoed = "https://api.example.org/bot987654321:ZZxxYYwwVVuu11223344/sendMessage"
    body = f'{{"ok":false,"description":"bad request for {echoed}"}}'.encode()
    with http_receiver(lambda n, r: (400, body, {})) as rx, point_apprise_at(rx.url):
        config = make_config({"tg": TELEGRAM})
        outcome = AppriseNotifier(config).send(Batch("tg", "alert", (make_message(),)))
    assert not outcome.ok and "bad request for https://api.example.org/" in outcome.error
    for text in (outcome.error, *outcome.transcript):
        assert "ZZxxYYwwVVuu11223344" not in text, text


def test_slack_429_without_a_stated_delay_waits_a_minute(store: Store) -> None:
    def respond(number: int, _: Request) -> tuple[int, bytes, dict[str, str]]:
        return (429, b"rate_limited", {"Retry-After": "30"}) if number == 0 else (200, b"ok", {})

    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    with http_receiver(respond) as rx, point_apprise_at(rx.url):
        config = make_config({"slack": SLACK})
        with store.unit() as tx:
            enqueue_alerts(
                tx.outbox,
                config.rules[0],
                make_message(),
                clock.now(),
                cluster_id=None,
                match_id=None,
            )
        worker = DeliveryWorker(store, config, clock)
        reports = [worker.deliver_due()]
        for step in (45, 16):
            clock.advance(step)
            reports.append(worker.deliver_due())
    assert [r.sent for r in reports] == [0, 0, 1]
    assert len(rx.requests) == 2
