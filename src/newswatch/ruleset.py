"""The rule set: everything that lives as long as one config, made by one ``prepare``.

A ``RuleSet`` is immutable. ``check``, ``match``, ``once`` and ``run`` all build theirs with
:func:`prepare` (:func:`load_rules` for a file): the file's shape checked by ``config/``,
everything else by ``newswatch.rulecheck``, every problem reported together. The daemon
builds a new one on SIGHUP and swaps it in one assignment, and each poll reads the
current one once, at its start. What lives as long as the process (store, HTTP session,
story index, delivery worker, source health) is the ``Runtime``'s (``newswatch.app``),
never rebuilt on reload.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newswatch.config import Config, ConfigFile, RuleConfig, read_config, read_config_text
from newswatch.match import Matcher
from newswatch.match.matcher import UNCONDITIONAL
from newswatch.model import Article, Match
from newswatch.redact import Redactor
from newswatch.rulecheck import Checked, check_file, uses_places

if TYPE_CHECKING:
    from newswatch.geo import Gazetteer
    from newswatch.geo.filter import GeoFilter
    from newswatch.match.query import CompiledQuery

log = logging.getLogger("newswatch.ruleset")


@dataclass(frozen=True)
class RuleSet:
    """One config, checked, with its rules compiled and indexed."""

    config: Config
    matcher: Matcher
    geo: GeoFilter | None = None
    gazetteer: Gazetteer | None = None
    secrets: frozenset[str] = frozenset()
    # Masks ``secrets`` (and credential-looking URL parts) in whatever leaves the process.
    redact: Redactor = field(default_factory=Redactor)
    by_name: Mapping[str, RuleConfig] = field(default_factory=dict)
    # Positions (in ``matcher.rules``) of rules that match an article holding none of
    # their words: valid, but almost certainly not meant (``UNCONDITIONAL``).
    unconditional: tuple[int, ...] = ()

    def warnings(self) -> list[str]:
        """``check``'s lines for what is valid but almost certainly not meant."""
        rules = self.matcher.rules
        return [f"rules[{n}].query ({rules[n].name}): {UNCONDITIONAL}" for n in self.unconditional]

    def match(self, article: Article) -> list[Match]:
        """Every matching rule, ``near:`` applied."""
        matches = self.matcher.match(article)
        if self.geo is None:
            return matches
        return self.geo.filter(article, matches, self.by_name)

    def split(self, article: Article) -> tuple[list[Match], list[tuple[Match, str]]]:
        """(matches kept, matches a ``near:`` dropped with the reason): for ``match``."""
        matches = self.matcher.match(article)
        if self.geo is None:
            return matches, []
        return self.geo.split(article, matches, self.by_name)

    def only(self, rules: Sequence[RuleConfig]) -> RuleSet:
        """This config with ``rules`` in force instead of its own (``newswatch match
        --rule/--query``, backtests): the gazetteer and compiled queries are reused. A bad
        ad-hoc query raises QueryError (with its column)."""
        return _build(self.checked(), rules)

    def plus(self, extra: Sequence[RuleConfig]) -> RuleSet:
        """This rule set with ``extra`` (checked team rules) after the config's own rules.
        The config is copied, never changed."""
        merged = self.config.model_copy(update={"rules": [*self.config.rules, *extra]})
        base = self.checked()
        return _build(Checked(merged, base.compiled, base.gazetteer, base.secrets), merged.rules)

    def checked(self) -> Checked:
        """What checking this config made, to check a team rule beside it or to build
        another rule set from it without compiling or loading again."""
        rules, queries = self.matcher.rules, self.matcher.queries
        compiled: dict[str, CompiledQuery] = {
            r.query: q for r, q in zip(rules, queries, strict=True)
        }
        return Checked(self.config, compiled, self.gazetteer, self.secrets)


def load_rules(path: str | Path, environ: Mapping[str, str] = os.environ) -> RuleSet:
    """The rule set of the config file at ``path``: what ``check`` checks and ``run`` runs.
    Raises ConfigError listing every problem of the file, each with its line."""
    return prepare(read_config(path, environ))


def parse_rules(text: str, environ: Mapping[str, str] = os.environ, *, path: str = "") -> RuleSet:
    """:func:`load_rules` for a config's text."""
    return prepare(read_config_text(text, environ, path=path))


def prepare(source: ConfigFile | Config) -> RuleSet:
    """Check ``source`` (a file as ``read_config`` read it, or a Config made in code) and
    build its rule set. Raises ConfigError with every problem; the caller keeps what it had.
    """
    file = source if isinstance(source, ConfigFile) else ConfigFile(source)
    checked = check_file(file)
    return _build(checked, checked.config.rules)


def _build(checked: Checked, rules: Sequence[RuleConfig]) -> RuleSet:
    """Raises QueryError for a query the check did not see (``only``), OSError/ValueError
    for a gazetteer that cannot be loaded."""
    config, chosen = checked.config, list(rules)
    gazetteer = _gazetteer(checked, chosen)
    places = gazetteer.names_for if gazetteer is not None else None
    matcher = Matcher(chosen, config.terms, places, checked.compiled)
    return RuleSet(
        config=config,
        matcher=matcher,
        geo=_geo_filter(gazetteer, chosen),
        gazetteer=gazetteer,
        secrets=checked.secrets,
        redact=Redactor(checked.secrets),
        by_name={rule.name: rule for rule in chosen},
        unconditional=tuple(matcher.unconditional()),
    )


def _gazetteer(checked: Checked, rules: Sequence[RuleConfig]) -> Gazetteer | None:
    """The gazetteer only when a rule needs places (it costs memory and time), and only
    once: the one the check loaded, when it loaded one."""
    if not uses_places(rules):
        return None
    if checked.gazetteer is not None:
        return checked.gazetteer
    from newswatch.geo import Gazetteer

    return Gazetteer.load(checked.config.places)


def _geo_filter(gazetteer: Gazetteer | None, rules: Sequence[RuleConfig]) -> GeoFilter | None:
    if gazetteer is None or not any(rule.near for rule in rules):
        return None
    from newswatch.geo import PlaceRecognizer
    from newswatch.geo.filter import GeoFilter

    return GeoFilter(PlaceRecognizer(gazetteer), gazetteer)


__all__ = ["RuleSet", "load_rules", "parse_rules", "prepare", "uses_places"]
