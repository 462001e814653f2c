"""Read the YAML config and check its shape: YAML, ``${VAR}``, the schema, duplicate keys.

Every problem is collected, each prefixed with its key path (``sources[1].feed: …``) and
given its line. What needs the layers above (queries, ``@name`` term lists, places, channel
and source names, templates) is checked by ``newswatch.rulecheck``, which adds its problems
to the file's (:meth:`ConfigFile.error`) so one ``newswatch check`` still shows them all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from newswatch.config.envvars import expand
from newswatch.config.schema import Config, source_kind_problem
from newswatch.config.suggest import did_you_mean, keys_at
from newswatch.config.yamltext import KeyLines, load_yaml
from newswatch.errors import ConfigError
from newswatch.redact import Redactor, credential_values

DEFAULT_PATHS = ("./newswatch.yaml", "/etc/newswatch/newswatch.yaml")


@dataclass(frozen=True)
class ConfigFile:
    """A config file read and its shape checked, problems or not: the checks of the layers
    above add theirs (:meth:`error`), so every problem is reported at once, in file order
    of the checks, each with its line. Lives only until the rule set is built."""

    config: Config | None  # None when the schema refused the file
    # The mapping after ${VAR}: what the checks above can still read when ``config`` is None.
    raw: Mapping[str, Any] = field(default_factory=dict)
    lines: KeyLines = field(default_factory=KeyLines)
    secrets: frozenset[str] = frozenset()  # the values read from ${VAR}
    problems: tuple[str, ...] = ()  # the shape's, without their lines
    path: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.lines.duplicates)

    def error(self, more: Sequence[str] = ()) -> ConfigError:
        """Every problem, the shape's then ``more``: duplicate keys first (they explain
        others), each with its line, and no ``${VAR}`` value in it (``check`` prints them,
        ``run`` logs them to the journal)."""
        redact = Redactor(self.secrets)
        located = self.lines.duplicates + self.lines.annotate([*self.problems, *more])
        return ConfigError([redact(problem) for problem in located], path=self.path or None)


def default_config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$NEWSWATCH_CONFIG``, else ``./newswatch.yaml``, else ``/etc/newswatch/newswatch.yaml``."""
    if environ.get("NEWSWATCH_CONFIG"):
        return Path(environ["NEWSWATCH_CONFIG"])
    for candidate in DEFAULT_PATHS:
        if Path(candidate).exists():
            return Path(candidate)
    return Path(DEFAULT_PATHS[0])


def read_config(path: str | Path, environ: Mapping[str, str] = os.environ) -> ConfigFile:
    """Read ``path`` and check its shape. Raises ConfigError only when there is nothing
    more to check (no file, not YAML, not a mapping); other problems are in the result."""
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
    return read_config_text(text, environ, path=str(path))


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


def read_config_text(
    text: str, environ: Mapping[str, str] = os.environ, *, path: str = ""
) -> ConfigFile:
    """:func:`read_config` for a config's text. (A config of thousands of rules is a million
    small objects: the collector's settings for building them are the process's,
    ``newswatch.gctune``.)"""
    try:
        raw, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_problem(exc)], path=path or None) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(["the top level must be a mapping (key: value)"], path=path or None)
    problems: list[str] = []
    secrets: set[str] = set()
    expanded = expand(raw, environ, "", problems, secrets)
    config: Config | None = None
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        problems.extend(format_validation(exc))
        problems.extend(_raw_source_problems(expanded, exc))
    return ConfigFile(config, expanded, lines, frozenset(secrets), tuple(problems), path)


def config_secrets(config: Config, from_env: Iterable[str] = ()) -> frozenset[str]:
    """``from_env`` (the values that came from ``${VAR}``, :attr:`ConfigFile.secrets`),
    passwords in channel URLs and credential-named parameters of source URLs
    (``feed?apikey=…``): never to be logged or sent."""
    found: set[str] = set(from_env)
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


def format_validation(exc: ValidationError) -> list[str]:
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
