"""The whole pipeline through the real CLI: a local news site, a local SMTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.demo.server import SampleSite

from .conftest import SMTPInbox, article, run_cli
from .texts import ALEPPO_BODY, WHEAT_BODY

CONFIG = """
state: {state}
defaults:
  interval: 5m
  timeout: 5s
sources:
{sources}
channels:
  security-email: "{mail}"
rules:
  - name: aleppo-airstrikes
    query: 'Aleppo AND (airstrike* OR "air strike*" OR warplane* OR bombing)'
    notify: [security-email]
"""


def write_config(tmp_path: Path, mail: str, sources: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(CONFIG.format(state=tmp_path / "state.db", mail=mail, sources=sources))
    return path


def feed_source(site: SampleSite, name: str = "levant") -> str:
    return f"  - name: {name}\n    feed: {site.base_url}/feed.xml\n"


def test_story_alerts_once_by_email_and_unrelated_stays_quiet(
    tmp_path: Path, site: SampleSite, smtp: SMTPInbox
) -> None:
    config = write_config(tmp_path, smtp.url(), feed_source(site))
    site.publish(article("wheat-prices", "Wheat prices climb as drought grips region", WHEAT_BODY))

    first = run_cli("once", "-c", str(config))
    assert first.returncode == 0, first.stderr
    assert smtp.messages == []  # an unrelated story sends nothing

    site.publish(article("aleppo-strikes", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    second = run_cli("once", "-c", str(config))
    assert second.returncode == 0, second.stderr
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert "Warplanes strike villages near Aleppo" in mail["Subject"]
    body = _text_of(mail)
    assert f"{site.base_url}/news/aleppo-strikes.html" in body
    assert "airstrikes" in body and "Aleppo" in body  # the snippet around the match

    third = run_cli("once", "-c", str(config))
    assert third.returncode == 0, third.stderr
    assert len(smtp.messages) == 1  # seen before: no second email


def test_broken_source_is_logged_and_others_still_alert(
    tmp_path: Path, site: SampleSite, smtp: SMTPInbox
) -> None:
    site.publish(article("aleppo-strikes", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    site.failing.add("/broken-feed.xml")
    sources = (
        f"  - name: broken\n    feed: {site.base_url}/broken-feed.xml\n"
        f"  - name: unreachable\n    feed: http://127.0.0.1:9/feed.xml\n" + feed_source(site)
    )
    config = write_config(tmp_path, smtp.url(), sources)

    result = run_cli("once", "-c", str(config))

    assert result.returncode == 1  # some source failed
    assert "broken" in result.stderr and "unreachable" in result.stderr
    assert len(smtp.messages) == 1


def test_same_story_from_feed_and_listing_page_alerts_once(
    tmp_path: Path, site: SampleSite, smtp: SMTPInbox
) -> None:
    site.publish(article("aleppo-strikes", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    sources = feed_source(site) + (
        f'  - name: listing\n    page: {site.base_url}/middle-east/\n    links: "article h2 a"\n'
    )
    config = write_config(tmp_path, smtp.url(), sources)

    result = run_cli("once", "-c", str(config))

    assert result.returncode == 0, result.stderr
    assert len(smtp.messages) == 1


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        (
            "sources:\n  - name: x\n    feed: http://a.example/f\n    intervall: 5m\n",
            "sources[0].intervall: unknown key",
        ),
        ("rules:\n  - name: r\n    query: '(aleppo'\n", "rules[0].query: col"),
        (
            "rules:\n  - name: r\n    query: a\n    notify: [nowhere]\n",
            "rules[0].notify[0]: unknown channel 'nowhere'",
        ),
        (
            "channels:\n  c: 'json://${NEWSWATCH_TEST_UNSET_VAR}'\n",
            "channels.c: environment variable ${NEWSWATCH_TEST_UNSET_VAR} is not set",
        ),
        ("defaults:\n  interval: soon\n", "defaults.interval"),
        ("sources: [\n", "YAML syntax error at line 2, column 1"),
        ("sources:\n  - name: a\n   bad: 1\n", "YAML syntax error at line 3, column 4"),
    ],
)
def test_check_reports_the_key_and_exits_2(tmp_path: Path, config_text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(config_text)

    result = run_cli("check", "-c", str(path))

    assert result.returncode == 2
    assert expected in result.stderr


def test_once_refuses_an_invalid_config_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n  - name: r\n    query: 'aleppo AND'\n")
    result = run_cli("once", "-c", str(path))
    assert result.returncode == 2
    assert "rules[0].query" in result.stderr


def test_check_accepts_the_example_config() -> None:
    example = Path(__file__).resolve().parent.parent / "config" / "newswatch.example.yaml"
    result = run_cli("check", "-c", str(example))
    assert result.returncode == 0, result.stderr


def test_check_warns_about_a_rule_that_alerts_on_nearly_everything(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        'channels:\n  desk: "json://127.0.0.1:9/x"\n'
        "rules:\n  - name: place\n    query: 'aleppo -football'\n    notify: [desk]\n"
        "  - name: no-sport\n    query: 'NOT football'\n    notify: [desk]\n"
    )

    result = run_cli("check", "-c", str(path))

    assert result.returncode == 0, result.stderr  # valid, only suspicious
    assert "1 warning(s)" in result.stdout
    assert "rules[1].query (no-sport): matches any article without" in result.stderr
    assert "rules[0]" not in result.stderr


def test_demo_prints_the_aleppo_alert() -> None:
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    assert "aleppo-airstrikes" in result.stdout
    assert "Russian and Syrian warplanes strike villages near Aleppo and Idlib" in result.stdout
    assert result.stdout.count("aleppo-airstrikes") == 1  # feed + listing: one story, one alert
    assert "Aleppo club lifts the cup" not in result.stdout


def _text_of(mail: object) -> str:
    from email.message import Message

    assert isinstance(mail, Message)
    parts = [p for p in mail.walk() if p.get_content_type() in ("text/plain", "text/html")]
    return "\n".join(str(p.get_payload(decode=True).decode("utf-8", "replace")) for p in parts)
