"""Config loading: every example parses, every mistake names its key path."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.config import default_config_path, parse_duration, read_config
from newswatch.errors import ConfigError
from newswatch.rulecheck import check_file
from newswatch.ruleset import load_rules, parse_rules

REPO = Path(__file__).resolve().parent.parent


def problems_of(text: str, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_rules(text, environ or {})
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
    config = load_rules(REPO / "config" / "newswatch.example.yaml").config
    assert {s.name for s in config.sources} >= {"aljazeera", "bbc-middle-east"}
    assert "aleppo-airstrikes" in {r.name for r in config.rules}


def test_readme_config_example_loads() -> None:
    """The README's YAML block is a working config (with its ${VAR}s set)."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Configuration\n\n```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    names = set(re.findall(r"\$\{(\w+)\}", block.group(1)))
    config = parse_rules(block.group(1), {n: f"secret-{n}-value" for n in names}).config
    assert config.rules[1].digest == timedelta(minutes=30)
    assert config.sources[0].interval is not None


def test_contract_defaults() -> None:
    config = parse_rules("sources:\n  - name: a\n    feed: https://example.org/rss\n", {}).config
    assert config.defaults.interval.every == timedelta(minutes=5)
    assert config.sources[0].kind == "feed"
    assert config.setting(config.sources[0], "timeout") == timedelta(seconds=20)


def test_cron_interval() -> None:
    config = parse_rules("defaults:\n  interval: 'cron: */10 * * * *'\n", {}).config
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
        parse_rules(text, {})
    assert len(info.value.problems) >= 1


def test_env_vars_are_expanded_and_remembered_as_secrets() -> None:
    rules = parse_rules(
        "channels:\n  c: 'json://u:${PW}@127.0.0.1:8000/x'\n", {"PW": "hunter2-very-secret"}
    )
    assert rules.config.channels["c"].urls == ["json://u:hunter2-very-secret@127.0.0.1:8000/x"]
    assert "hunter2-very-secret" in rules.secrets


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_rules(tmp_path / "nope.yaml")
    assert "not found" in info.value.problems[0]


def test_default_config_path_prefers_environment(tmp_path: Path) -> None:
    assert default_config_path({"NEWSWATCH_CONFIG": "/x/y.yaml"}) == Path("/x/y.yaml")


def test_the_matcher_reuses_the_queries_checking_compiled() -> None:
    from newswatch.match import Matcher

    checked = check_file(read_config(REPO / "config" / "newswatch.example.yaml"))
    config, compiled = checked.config, checked.compiled
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


def test_shape_and_rule_problems_come_together_in_file_order() -> None:
    """The shape's problems (config/), then the checks that need match and notify
    (rulecheck), in one list, each with its line: what ``check`` printed before they split."""
    text = (
        "channels:\n  c:\n    urls: ['json://127.0.0.1/x']\n    template: '{{ broken'\n"
        "  d: 'json://${NOPE_X}'\nops_channel: zz\nhttp: bad\n"
        "rules:\n  - name: r\n    query: '(x'\n    notify: [c, e]\n    sources: [q]\n"
        "  - name: r2\n    query: '@nolist'\n  - name: r2\n    query: 'a'\n"
        "sources:\n  - name: s\n    page: https://x.org/\n    links: 'a['\n"
        "  - name: s\n    feed: https://x.org/g\n"
    )
    assert problems_of(text) == [
        "channels.d: environment variable ${NOPE_X} is not set "
        "(write ${NOPE_X:-default} if a default is meant) (line 5)",
        "sources[1].name: duplicate name 's' (also sources[0]) (line 21)",
        "rules[2].name: duplicate name 'r2' (also rules[1]) (line 15)",
        "sources[0].links: invalid CSS selector: Malformed attribute selector at position 1 "
        "(line 20)",
        "rules[0].notify[1]: unknown channel 'e' (channels: c, d) (line 11)",
        "rules[0].sources[0]: unknown source 'q' (line 12)",
        'rules[0].query: col 1: unbalanced "(" (line 10)',
        'rules[1].query: col 1: unknown term list "@nolist" (known: none defined) (line 14)',
        "channels.c.template: unexpected end of template, expected 'end of print statement'. "
        "(line 4)",
        "ops_channel: unknown channel 'zz' (line 6)",
        "http: expected host:port, got 'bad' (line 7)",
    ]


def test_reading_a_config_loads_no_layer_above_config() -> None:
    """config/ checks the file's shape only (issue 17): reading a config with rules,
    queries and templates imports neither match, geo nor notify."""
    code = (
        "import sys\n"
        "from newswatch.config import read_config_text\n"
        "text = \"channels:\\n  c: {urls: ['json://127.0.0.1/x'], template: '{{ x }}'}\\n"
        "rules:\\n  - {name: r, query: 'a AND @place(Aleppo)', near: {place: Aleppo, km: 5}}\\n\"\n"
        "assert read_config_text(text, {}).config is not None\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('newswatch.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = {name.split(".")[1] for name in done.stdout.split()}
    assert loaded, done.stdout
    assert not loaded & {"match", "geo", "notify", "rulecheck", "ruleset", "text"}, loaded
