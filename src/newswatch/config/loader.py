"""Load the YAML config: read, expand ``${VAR}``, validate, cross-check.

Every problem is collected and reported at once, each prefixed with its key path
(``rules[1].query: col 9: unbalanced "("``), so one ``newswatch check`` shows them all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from newswatch.config.envvars import expand
from newswatch.config.schema import Config, RuleConfig, source_kind_problem
from newswatch.config.suggest import did_you_mean, keys_at
from newswatch.config.yamltext import KeyLines, load_yaml
from newswatch.errors import ConfigError, QueryError
from newswatch.redact import Redactor, credential_values

if TYPE_CHECKING:
    from newswatch.geo import Gazetteer
    from newswatch.match import PlaceResolver
    from newswatch.match.query import CompiledQuery

DEFAULT_PATHS = ("./newswatch.yaml", "/etc/newswatch/newswatch.yaml")


def default_config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$NEWSWATCH_CONFIG``, else ``./newswatch.yaml``, else ``/etc/newswatch/newswatch.yaml``."""
    if environ.get("NEWSWATCH_CONFIG"):
        return Path(environ["NEWSWATCH_CONFIG"])
    for candidate in DEFAULT_PATHS:
        if Path(candidate).exists():
            return Path(candidate)
    return Path(DEFAULT_PATHS[0])


def load_config(path: str | Path, environ: Mapping[str, str] = os.environ) -> Config:
    """Read and validate ``path``. Raises ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                f"config file not found: {path} (looked at -c, $NEWSWATCH_CONFIG, "
                f"{', '.join(DEFAULT_PATHS)}); start from config/newswatch.example.yaml"
            ],
            path=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read {path}: {exc}"], path=str(path)) from None
    return parse_config(text, environ, path=str(path))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line, "line L, column C: what", instead of PyYAML's multi-line report that
    names the text as "<unicode string>"."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    what = f"{context}: {problem}" if context else problem
    if mark is None:
        return f"YAML syntax error: {what}"
    return f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {what}"


def parse_config(text: str, environ: Mapping[str, str] = os.environ, *, path: str = "") -> Config:
    """Parse, validate and cross-check a config's text. Raises ConfigError listing every
    problem. (A config of thousands of rules is a million small objects: the collector's
    settings for building them are the process's, ``newswatch.gctune``.)"""
    return _parse_config(text, environ, path)


def _parse_config(text: str, environ: Mapping[str, str], path: str) -> Config:
    try:
        raw, keys = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_problem(exc)], path=path or None) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(["the top level must be a mapping (key: value)"], path=path or None)
    problems: list[str] = []
    secrets: set[str] = set()
    expanded = expand(raw, environ, "", problems, secrets)
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        problems.extend(_format_validation(exc))
        problems.extend(_raw_source_problems(expanded, exc))
        problems.extend(_raw_rule_problems(expanded))  # so one `check` shows everything
        raise ConfigError(_located(problems, keys, secrets), path=path or None) from None
    problems.extend(cross_check(config))
    if problems or keys.duplicates:
        raise ConfigError(_located(problems, keys, secrets), path=path or None)
    object.__setattr__(config, "__newswatch_secrets__", frozenset(secrets))
    return config


def _located(problems: list[str], keys: KeyLines, secrets: set[str]) -> list[str]:
    """Every problem with its line, duplicate keys first (they explain others), and no
    ``${VAR}`` value in it: ``check`` prints them, ``run`` logs them to the journal."""
    redact = Redactor(secrets)
    return [redact(problem) for problem in keys.duplicates + keys.annotate(problems)]


def config_secrets(config: Config) -> frozenset[str]:
    """Values that came from ``${VAR}``, passwords in channel URLs and credential-named
    parameters of source URLs (``feed?apikey=…``): never to be logged or sent."""
    found: set[str] = set(getattr(config, "__newswatch_secrets__", frozenset()))
    for channel in config.channels.values():
        for url in channel.urls:
            found.update(_url_secrets(url))
    for source in config.sources:
        found.update(credential_values(source.url))
    return frozenset(s for s in found if len(s) >= 3)


def _url_secrets(url: str) -> set[str]:
    """Userinfo passwords and long path tokens of an apprise URL."""
    found: set[str] = set()
    match = re.match(r"^[a-z0-9+.-]+://([^@/]*)@", url, re.I)
    if match and ":" in match.group(1):
        found.add(match.group(1).split(":", 1)[1])
    rest = url.split("://", 1)[-1].split("?", 1)[0]
    for segment in [*rest.split("/")[1:], rest.split("/")[0]]:
        token = segment.split("@")[-1]
        if len(token) >= 16 and re.fullmatch(r"[A-Za-z0-9_:\-]+", token):
            found.add(token)
    return found


def _format_validation(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        loc = _key_path(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key" + did_you_mean(
                str(error["loc"][-1]), keys_at(Config, error["loc"])
            )
        elif error["type"] == "string_pattern_mismatch" and "a-z0-9_-" in str(error["ctx"]):
            message = "names are lowercase letters, digits, '-' and '_'"
        elif error["type"] == "missing":
            message = "required key is missing"
        problems.append(f"{loc}: {message}" if loc else message)
    return problems


def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith("function-") or str(part) in {
            "str",
            "list[str]",
            "dict[str,any]",
        }:
            continue  # pydantic's union-branch labels mean nothing to users
        else:
            path += f".{part}" if path else str(part)
    return path


def cross_check(config: Config) -> list[str]:
    """Checks that span sections: unique names, known channels/sources, valid queries."""
    problems: list[str] = []
    problems += _duplicates([s.name for s in config.sources], "sources")
    problems += _duplicates([r.name for r in config.rules], "rules")
    problems += _selector_problems(config)
    gazetteer = _gazetteer_if_needed(config, problems)
    if gazetteer is not None:
        # Kept with the config it checked: the daemon needs the same one, and loading it
        # again cost a second start-up delay and, for a while, a second copy in memory.
        config._gazetteer = gazetteer
    compiled: dict[str, CompiledQuery] = {}
    for i, rule in enumerate(config.rules):
        problems += [f"rules[{i}].{p}" for p in _rule_problems(rule, config, gazetteer, compiled)]
    # Kept like the gazetteer: the matcher reuses them instead of parsing every query again.
    config._compiled = compiled
    problems += _template_problems(config)
    if config.ops_channel and config.ops_channel not in config.channels:
        hint = did_you_mean(config.ops_channel, config.channels)
        problems.append(f"ops_channel: unknown channel {config.ops_channel!r}{hint}")
    if config.http and not re.fullmatch(r"[\w.\-\[\]:]*:\d{1,5}", config.http):
        problems.append(f"http: expected host:port, got {config.http!r}")
    return problems


def _rule_problems(
    rule: RuleConfig,
    config: Config,
    gazetteer: Gazetteer | None,
    compiled: dict[str, CompiledQuery],
) -> list[str]:
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
        from newswatch.geo import near_problem

        problem = near_problem(rule.near, gazetteer)
        if problem:
            problems.append(f"near: {problem}")
    return problems


def _template_problems(config: Config) -> list[str]:
    problems = []
    for name, channel in config.channels.items():
        if channel.template:
            from newswatch.notify.render import template_problem

            problem = template_problem(channel.template)
            if problem:
                problems.append(f"channels.{name}.{problem}")
    return problems


def _selector_problems(config: Config) -> list[str]:
    """A broken ``links:`` CSS selector is a config error, not a failure at 3 a.m."""
    import soupsieve

    problems = []
    for i, source in enumerate(config.sources):
        if source.links:
            try:
                soupsieve.compile(source.links)
            except soupsieve.SelectorSyntaxError as exc:
                reason = str(exc).splitlines()[0]
                problems.append(f"sources[{i}].links: invalid CSS selector: {reason}")
    return problems


def compiled_queries(config: Config) -> Mapping[str, CompiledQuery]:
    """The rules' queries as checking ``config`` compiled them (query text -> compiled)."""
    found: Mapping[str, CompiledQuery] = config._compiled or {}
    return found


def checked_gazetteer(config: Config) -> Gazetteer | None:
    """The gazetteer loaded while checking ``config`` (when its rules use places)."""
    found: Gazetteer | None = config._gazetteer
    return found


def uses_places(config: Config) -> bool:
    """Whether a rule needs the gazetteer (``near:`` or ``@place(…)``); loading it costs time."""
    return any(r.near is not None or "@place(" in r.query for r in config.rules)


def _gazetteer_if_needed(config: Config, problems: list[str]) -> Gazetteer | None:
    if not uses_places(config):
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
    from newswatch.match import compile_query  # late import: match depends on config types

    try:
        result = compile_query(query, terms, places)
    except (QueryError, TypeError) as exc:
        return [str(exc)]
    if compiled is not None:
        compiled[query] = result
    return []


def _raw_rule_problems(raw: dict[str, Any]) -> list[str]:
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


def _raw_source_problems(raw: dict[str, Any], exc: ValidationError) -> list[str]:
    """The whole-entry check of each source whose fields failed: pydantic skips an entry's
    own validator once a field is wrong, which hid "needs exactly one of feed, page or
    sitemap" behind a bad name."""
    sources = raw.get("sources")
    if not isinstance(sources, list):
        return []
    failed = {
        e["loc"][1] for e in exc.errors() if e["loc"][:1] == ("sources",) and len(e["loc"]) > 2
    }
    problems = []
    for i in sorted(n for n in failed if isinstance(n, int) and n < len(sources)):
        entry = sources[i]
        problem = source_kind_problem(entry) if isinstance(entry, dict) else None
        if problem:
            problems.append(f"sources[{i}]: {problem}")
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
