"""Health that tells the truth: a daemon whose sources all fail is not "ok", a source that
never succeeded is not "ok", and a shared cause is said once, in words."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from newswatch.store import SourceState

from .conftest import run_cli
from .daemons import daemon, http_get, logged_port, wait_for

REFUSED = """
state: {state}
http: 127.0.0.1:{port}
defaults:
  interval: 2s
sources:
  - name: first
    feed: http://127.0.0.1:9/a/very/long/path/of/the/first/feed/that/hides/the/cause.xml
  - name: second
    feed: http://127.0.0.1:9/rss.xml
channels:
  t: "console://"
rules:
  - name: r
    query: aleppo
    notify: [t]
"""


def test_healthz_is_503_when_every_source_fails(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(REFUSED.format(state=tmp_path / "state.db", port=0))
    log = tmp_path / "daemon.log"
    with daemon(config, log):
        port = logged_port(log.read_text)
        answer = wait_for(
            lambda: (r := http_get(f"http://127.0.0.1:{port}/healthz"))[0] == 503 and r, 30
        )
        assert answer, log.read_text()
        reasons = json.loads(answer[1])["reasons"]
        assert reasons == [
            "all 2 sources are failing: connections are refused (a firewall, or nothing "
            "listens at those addresses)"
        ]
        assert wait_for(lambda: "all 2 sources are failing" in log.read_text(), 15)
    text = log.read_text()
    assert text.count("all 2 sources are failing") == 1, text  # said once, not every beat
    assert "next try at" in text


def test_a_configured_share_of_failing_sources_is_enough(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from newswatch.ops.liveness import check_liveness
    from newswatch.ruleset import parse_rules
    from newswatch.store import SourceState

    text = REFUSED.format(state=tmp_path / "s.db", port=1) + "health:\n  failing_share: 0.5\n"
    config = parse_rules(text, {}).config
    now = datetime.now(UTC)
    states = [
        SourceState(
            "first", last_poll_at=now, consecutive_failures=1, last_error="http://x.org/f: boom"
        ),
        SourceState("second", last_poll_at=now, last_success_at=now),
    ]
    report = check_liveness(
        config, states, now, scheduler_running=True, heartbeat_at=now, started_at=now
    )
    assert not report.ok
    assert report.reasons == ["1 of 2 source(s) failing (e.g. first: boom — http://x.org/f)"]


def test_status_shows_a_never_successful_source_and_its_cause_first(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(REFUSED.format(state=tmp_path / "state.db", port=0))
    assert run_cli("once", "-c", str(config)).returncode == 1
    lines = run_cli("status", "-c", str(config)).stdout.splitlines()
    first = next(line for line in lines if line.startswith("first "))
    assert "NEVER SUCCEEDED" in first
    assert "connection failed: [Errno 111] Connection refused" in first  # not cut off


def test_once_says_once_when_every_source_fails_for_one_reason(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"state: {tmp_path / 'state.db'}\nsources:\n"
        "  - name: a\n    feed: https://news-a.invalid/rss.xml\n"
        "  - name: b\n    feed: https://news-b.invalid/rss.xml\n"
    )
    result = run_cli("once", "-c", str(config))
    assert result.returncode == 1
    assert (
        "all 2 sources failed: DNS lookups fail (no network, or no DNS server reachable "
        "from this machine); nothing was fetched" in result.stderr
    )


def test_the_fetchers_own_errors_are_classified() -> None:
    from newswatch.fetch.client import TOO_SLOW
    from newswatch.ops.outage import classify

    assert classify(f"http://x.org/f: {TOO_SLOW} (fetching robots.txt)") == "timeout"
    assert classify("http://x.org/f: timed out after 20s") == "timeout"
    assert classify("connection failed: [Errno -3] Temporary failure in name resolution") == "dns"
    assert classify("connection failed: [Errno 111] Connection refused") == "refused"
    assert classify("connection failed: [Errno 101] Network is unreachable") == "unreachable"
    assert classify("HTTP 404") is None  # the source's own problem, not a shared cause
    assert classify("https://proxy-news.example/ssl/feed: HTTP 404") is None  # URL not read


def test_one_health_word_per_state_for_status_and_the_dashboard() -> None:
    """status, status --json and the Sources page all read ``SourceState.health``; before,
    the page had its own copy and showed a source that never succeeded as "failing"."""
    at = datetime(2026, 12, 4, tzinfo=UTC)
    cases = {
        "never polled": SourceState("a"),
        "never succeeded": SourceState("b", last_poll_at=at, consecutive_failures=1),
        "failing": SourceState("c", last_poll_at=at, last_success_at=at, consecutive_failures=2),
        "unhealthy": SourceState("d", last_poll_at=at, healthy=False),
        "paused": SourceState("e", last_poll_at=at, healthy=False, paused_at=at),
        "ok": SourceState("f", last_poll_at=at, last_success_at=at),
    }
    assert {word: state.health for word, state in cases.items()} == {w: w for w in cases}
    template = resources.files("newswatch.web").joinpath("templates/sources.html").read_text()
    assert "st.health" in template and "failing" not in template
