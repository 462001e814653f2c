"""Config loading: every example parses, every mistake names its key path."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.config import config_secrets, load_config, parse_config, parse_duration
from newswatch.config.loader import default_config_path
from newswatch.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def problems_of(text: str, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, environ or {})
    return info.value.problems


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("5m", 300),
        ("1h", 3600),
        ("2d", 172800),
        ("1h30m", 5400),
        (45, 45),
        ("90", 90),
        ("1.5h", 5400),
    ],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "soon", "5x", "-5m", "0s", "m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_example_config_loads() -> None:
    config = load_config(REPO / "config" / "newswatch.example.yaml")
    assert {s.name for s in config.sources} >= {"aljazeera", "bbc-middle-east"}
    assert "aleppo-airstrikes" in {r.name for r in config.rules}


def test_readme_config_example_loads() -> None:
    """The README's YAML block is a working config (with its ${VAR}s set)."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Configuration\n\n```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    names = set(re.findall(r"\$\{(\w+)\}", block.group(1)))
    config = parse_config(block.group(1), {name: f"secret-{name}-value" for name in names})
    assert config.rules[1].digest == timedelta(minutes=30)
    assert config.sources[0].interval is not None


def test_contract_defaults() -> None:
    config = parse_config("sources:\n  - name: a\n    feed: https://example.org/rss\n", {})
    assert config.defaults.interval.every == timedelta(minutes=5)
    assert config.sources[0].kind == "feed"
    assert config.setting(config.sources[0], "timeout") == timedelta(seconds=20)


def test_cron_interval() -> None:
    config = parse_config("defaults:\n  interval: 'cron: */10 * * * *'\n", {})
    assert config.defaults.interval.cron == "*/10 * * * *"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - name: a\n    feed: https://x.org/f\n    intervall: 5m\n",
            "sources[0].intervall: unknown key",
        ),
        ("sources:\n  - name: A b\n    feed: https://x.org/f\n", "sources[0].name:"),
        (
            "sources:\n  - name: a\n",
            "sources[0]: a source needs exactly one of feed, page or sitemap",
        ),
        ("sources:\n  - name: a\n    feed: ftp://x.org/f\n", "sources[0].feed:"),
        (
            "sources:\n  - name: a\n    feed: https://x.org/f\n  - name: a\n    feed: https://y.org/f\n",
            "sources[1].name: duplicate name 'a' (also sources[0])",
        ),
        (
            "sources:\n  - name: a\n    feed: https://x.org/f\n    links: 'a'\n",
            "'links' only applies to a 'page' source",
        ),
        (
            "rules:\n  - name: r\n    query: x\n    notify: [mail]\n",
            "rules[0].notify[0]: unknown channel 'mail' (channels: none defined)",
        ),
        (
            "rules:\n  - name: r\n    query: x\n    sources: [nope]\n",
            "rules[0].sources[0]: unknown source 'nope'",
        ),
        ("rules:\n  - name: r\n", "rules[0].query: required key is missing"),
        (
            "channels:\n  c: 'json://${UNSET_FOR_TEST}'\n",
            "channels.c: environment variable ${UNSET_FOR_TEST} is not set",
        ),
        ("channels:\n  c: 'not a url'\n", "channels.c.urls"),
        ("defaults:\n  interval: 'cron: * *'\n", "defaults.interval: cron needs 5 fields"),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("http: nonsense\n", "http: expected host:port"),
        (
            "sources:\n  - name: a\n    page: https://x.org/\n    links: 'article h2 >> a['\n",
            "sources[0].links: invalid CSS selector",
        ),
        (
            "channels:\n  c:\n    urls: ['json://127.0.0.1/x']\n    template: '{{ broken'\n",
            "channels.c.template: unexpected end of template",
        ),
        (
            "rules:\n  - name: r\n    query: x\n    near: {km: 5}\n",
            "rules[0].near: near needs either 'place' or both 'lat' and 'lon'",
        ),
    ],
)
def test_problems_name_their_key(text: str, expected: str) -> None:
    problems = problems_of(text)
    assert any(expected in p for p in problems), problems


def test_query_and_channel_problems_show_even_when_the_schema_fails() -> None:
    text = (
        "sources:\n  - name: Bad Name\n    feed: https://x.org/f\n"
        "rules:\n  - name: r\n    query: 'Aleppo NEAR airstrike'\n    notify: [mail]\n"
    )
    problems = problems_of(text)
    assert problems == [
        "sources[0].name: names are lowercase letters, digits, '-' and '_' (line 2)",
        "rules[0].query: col 8: NEAR needs a number of words, e.g. NEAR/5 (line 6)",
        "rules[0].notify[0]: unknown channel 'mail' (line 7)",
    ]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        "sources:\n  - name: a\n    feed: https://x.org/f\n    bogus: 1\n"
        "rules:\n  - name: r\n    query: x\n    notify: [nope]\n  - name: r\n    query: y\n"
    )
    with pytest.raises(ConfigError) as info:
        parse_config(text, {})
    assert len(info.value.problems) >= 1


def test_env_vars_are_expanded_and_remembered_as_secrets() -> None:
    config = parse_config(
        "channels:\n  c: 'json://u:${PW}@127.0.0.1:8000/x'\n", {"PW": "hunter2-very-secret"}
    )
    assert config.channels["c"].urls == ["json://u:hunter2-very-secret@127.0.0.1:8000/x"]
    assert "hunter2-very-secret" in config_secrets(config)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert "not found" in info.value.problems[0]


def test_default_config_path_prefers_environment(tmp_path: Path) -> None:
    assert default_config_path({"NEWSWATCH_CONFIG": "/x/y.yaml"}) == Path("/x/y.yaml")


def test_the_matcher_reuses_the_queries_checking_compiled() -> None:
    from newswatch.config.loader import compiled_queries
    from newswatch.match import Matcher

    config = load_config(REPO / "config" / "newswatch.example.yaml")
    compiled = compiled_queries(config)
    assert set(compiled) == {rule.query for rule in config.rules}
    matcher = Matcher(config.rules, config.terms, compiled=compiled)
    assert all(q is compiled[r.query] for q, r in zip(matcher.queries, config.rules, strict=True))


def test_yaml_errors_name_the_offending_character() -> None:
    # The fast libyaml parser reads the file; a broken one is read again by PyYAML's Python
    # parser, whose message says which character is wrong.
    assert problems_of("k: @bad\n") == [
        "YAML syntax error at line 1, column 4: while scanning for the next token: "
        "found character '@' that cannot start any token"
    ]
