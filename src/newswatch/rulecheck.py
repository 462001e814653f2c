"""The checks of a config that need more than its shape: every query compiled (with its
``@name`` term lists and ``@place(…)``), ``near:`` against the gazetteer, channel and source
names, notification templates, CSS selectors. ``config/`` checks the shape
(``newswatch.config.read_config``); this module adds its problems to the file's, so one
``newswatch check`` still reports every problem at once, in the same order, each with its
line. A team rule (kept in the state, made in the dashboard) goes through the same checks.

Here, not in ``config/``, because they call match, geo and notify: ``config/`` is a leaf.

What a valid config may say without meaning it is a warning (:func:`config_warnings`),
reported by ``check`` (exit 0) and logged by the daemon at start and on reload, never
refused:

- a rule without ``notify:`` alerts nobody. Such rules are legitimate (``newswatch match``,
  backtests, the dashboard), so this is a warning, not an error;
- a lower-case ``and``/``or``/``not``/``near`` is an ordinary word (operators are upper
  case, as in Lucene): ``idlib and (shelling or airstrike)`` asks for five words at once.
  The meaning is not changed behind the user's back; the warning gives the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from newswatch.config import Config, ConfigFile, RuleConfig, config_secrets
from newswatch.config.loader import format_validation
from newswatch.config.suggest import did_you_mean
from newswatch.errors import QueryError
from newswatch.match import PlaceResolver, compile_query
from newswatch.match.lexer import lex
from newswatch.match.query import CompiledQuery

if TYPE_CHECKING:
    from newswatch.geo import Gazetteer


@dataclass(frozen=True)
class Checked:
    """A config that passed every check, with what checking it made: the compiled queries
    (the matcher reuses them) and the gazetteer (loaded once: it costs seconds and memory)."""

    config: Config
    compiled: Mapping[str, CompiledQuery] = field(default_factory=dict)  # query text ->
    gazetteer: Gazetteer | None = None
    secrets: frozenset[str] = frozenset()  # config_secrets: ${VAR} values, URL passwords


def check_file(file: ConfigFile) -> Checked:
    """``file``'s config, checked. Raises ConfigError with the shape's problems and these."""
    config = file.config
    if config is None:
        raise file.error(_raw_rule_problems(file.raw))  # so one `check` shows everything
    compiled: dict[str, CompiledQuery] = {}
    problems, gazetteer = cross_check(config, compiled)
    if problems or file.failed:
        raise file.error(problems)
    return Checked(config, compiled, gazetteer, config_secrets(config, file.secrets))


def cross_check(
    config: Config, compiled: dict[str, CompiledQuery]
) -> tuple[list[str], Gazetteer | None]:
    """(problems, the gazetteer when a rule needs places); valid queries join ``compiled``."""
    problems: list[str] = []
    problems += _duplicates([s.name for s in config.sources], "sources")
    problems += _duplicates([r.name for r in config.rules], "rules")
    problems += _selector_problems(config)
    gazetteer = _gazetteer_if_needed(config, config.rules, problems)
    for i, rule in enumerate(config.rules):
        problems += [f"rules[{i}].{p}" for p in rule_problems(rule, config, gazetteer, compiled)]
    problems += _template_problems(config)
    if config.ops_channel and config.ops_channel not in config.channels:
        hint = did_you_mean(config.ops_channel, config.channels)
        problems.append(f"ops_channel: unknown channel {config.ops_channel!r}{hint}")
    if config.http and not re.fullmatch(r"[\w.\-\[\]:]*:\d{1,5}", config.http):
        problems.append(f"http: expected host:port, got {config.http!r}")
    return problems, gazetteer


def rule_problems(
    rule: RuleConfig,
    config: Config,
    gazetteer: Gazetteer | None,
    compiled: dict[str, CompiledQuery],
) -> list[str]:
    """``rule``'s problems beside ``config``, each prefixed by its key inside the rule."""
    problems = []
    for j, channel in enumerate(rule.notify):
        if channel not in config.channels:
            known = ", ".join(sorted(config.channels)) or "none defined"
            hint = did_you_mean(channel, config.channels)
            problems.append(f"notify[{j}]: unknown channel {channel!r}{hint} (channels: {known})")
    source_names = {s.name for s in config.sources}
    for j, source in enumerate(rule.sources or []):
        if source not in source_names:
            hint = did_you_mean(source, source_names)
            problems.append(f"sources[{j}]: unknown source {source!r}{hint}")
    places = gazetteer.names_for if gazetteer is not None else None
    found = _query_problems(rule.query, config.terms, places, compiled)
    problems += [f"query: {p}" for p in found]
    if rule.near is not None and gazetteer is not None:
        from newswatch.geo import near_problem  # late: only rules with places need geo

        problem = near_problem(rule.near, gazetteer)
        if problem:
            problems.append(f"near: {problem}")
    return problems


def _template_problems(config: Config) -> list[str]:
    problems = []
    for name, channel in config.channels.items():
        if channel.template:
            # late: the renderer's import costs 0.2 s, and only templates need it
            from newswatch.notify.render import template_problem

            problem = template_problem(channel.template)
            if problem:
                problems.append(f"channels.{name}.{problem}")
    return problems


def _selector_problems(config: Config) -> list[str]:
    """A broken ``links:`` CSS selector is a config error, not a failure at 3 a.m."""
    selectors = [(i, source.links) for i, source in enumerate(config.sources) if source.links]
    if not selectors:
        return []  # soupsieve (and bs4 with it) costs ~0.08 s of ``check``'s start-up
    import soupsieve

    problems = []
    for i, links in selectors:
        try:
            soupsieve.compile(links)
        except soupsieve.SelectorSyntaxError as exc:
            reason = str(exc).splitlines()[0]
            problems.append(f"sources[{i}].links: invalid CSS selector: {reason}")
    return problems


def uses_places(rules: Sequence[RuleConfig]) -> bool:
    """Whether a rule needs the gazetteer (``near:`` or ``@place(…)``); loading it costs time."""
    return any(r.near is not None or "@place(" in r.query for r in rules)


def _gazetteer_if_needed(
    config: Config, rules: Sequence[RuleConfig], problems: list[str]
) -> Gazetteer | None:
    if not uses_places(rules):
        return None
    from newswatch.geo import Gazetteer

    try:
        return Gazetteer.load(config.places)
    except (OSError, ValueError) as exc:
        problems.append(f"places: cannot load {config.places}: {exc}")
        return None


def _query_problems(
    query: str,
    terms: Mapping[str, Sequence[str]],
    places: PlaceResolver | None = None,
    compiled: dict[str, CompiledQuery] | None = None,
) -> list[str]:
    """The query's syntax errors; a valid query is kept in ``compiled``."""
    try:
        result = compile_query(query, terms, places)
    except (QueryError, TypeError) as exc:
        return [str(exc)]
    if compiled is not None:
        compiled[query] = result
    return []


def _raw_rule_problems(raw: Mapping[str, Any]) -> list[str]:
    """Query and channel checks on the unvalidated rules, for when the schema check failed
    elsewhere: the user still learns about every broken query in one run."""
    rules, channels = raw.get("rules"), raw.get("channels")
    if not isinstance(rules, list):
        return []
    known_channels = set(channels) if isinstance(channels, dict) else set()
    raw_terms = raw.get("terms")
    terms: dict[str, Sequence[str]] = raw_terms if isinstance(raw_terms, dict) else {}
    problems = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        query = rule.get("query")
        if isinstance(query, str) and "@place(" not in query:
            problems += [f"rules[{i}].query: {p}" for p in _query_problems(query, terms)]
        notify = rule.get("notify")
        for j, channel in enumerate(notify if isinstance(notify, list) else []):
            if isinstance(channel, str) and channel not in known_channels:
                hint = did_you_mean(channel, known_channels)
                problems.append(f"rules[{i}].notify[{j}]: unknown channel {channel!r}{hint}")
    return problems


def _duplicates(names: list[str], section: str) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        if name in seen:
            problems.append(
                f"{section}[{i}].name: duplicate name {name!r} (also {section}[{seen[name]}])"
            )
        seen.setdefault(name, i)
    return problems


_PREFIX = re.compile(r"^rules\[0\]\.?:?\s*")


def check_added_rule(
    raw: Any, checked: Checked, taken: Mapping[str, str]
) -> tuple[RuleConfig | None, list[str]]:
    """A rule kept outside the file (a team rule), checked as ``check`` checks the file's:
    (the rule, []) when ``raw`` (a ``rules:`` entry's mapping) is valid beside ``checked``'s
    rules, else (None, its problems), each prefixed by its key inside the rule
    (``query: col 9: …``). ``taken``: names already used, each with where
    (``"rules[2] of the config"``), for the duplicate-name message."""
    try:
        rule = Config.model_validate({"rules": [raw]}).rules[0]
    except ValidationError as exc:
        return None, [_PREFIX.sub("", p) for p in format_validation(exc)]
    problems: list[str] = []
    if rule.name in taken:
        problems.append(f"name: duplicate name {rule.name!r} (also {taken[rule.name]})")
    config, gazetteer = checked.config, checked.gazetteer
    if gazetteer is None:
        gazetteer = _gazetteer_if_needed(config, [rule], problems)
    compiled = dict(checked.compiled)  # this rule's query joins a copy
    problems += rule_problems(rule, config, gazetteer, compiled)
    return (None, problems) if problems else (rule, [])


_LOWER_OPERATOR = re.compile(r"(?:and|or|not|near(?:/\d+)?)", re.IGNORECASE)


def config_warnings(config: Config) -> list[str]:
    """One ``rules[i].key (name): what and the fix`` per finding, in rule order."""
    found: list[str] = []
    for i, rule in enumerate(config.rules):
        where = f"rules[{i}]"
        if not rule.notify:
            found.append(
                f"{where}.notify ({rule.name}): no notify: list, so this rule alerts nobody "
                "(fine for a rule used only with `newswatch match`; add notify: [channel] "
                "to be alerted)"
            )
        found += [f"{where}.query ({rule.name}): {w}" for w in lowercase_operators(rule)]
    return found


def lowercase_operators(rule: RuleConfig) -> list[str]:
    """A warning per lower- or mixed-case operator word outside phrases."""
    try:
        lexemes = lex(rule.query)
    except QueryError:
        return []  # a syntax error is reported as an error already
    found = []
    for lexeme in lexemes:
        word = lexeme.text
        if lexeme.kind == "WORD" and _LOWER_OPERATOR.fullmatch(word) and not word.isupper():
            fix = word.upper()
            if fix == "NEAR":
                fix = "NEAR/5"
            found.append(
                f"col {lexeme.col}: {word!r} is read as a word to find, not as an operator "
                f"(operators are upper case): write {fix} to combine terms, or "
                f'"{word}" to search for the word'
            )
    return found


__all__ = [
    "Checked",
    "check_added_rule",
    "check_file",
    "config_warnings",
    "cross_check",
    "uses_places",
]
