"""The rule set: everything that lives as long as one config, made by one ``prepare``.

A ``RuleSet`` is immutable. ``check``, ``match``, ``once`` and ``run`` all build theirs with
:func:`prepare`; the daemon builds a new one on SIGHUP and swaps it in one assignment, and
each poll reads the current one once, at its start. What lives as long as the process
(store, HTTP session, story index, delivery worker, source health) is the ``Runtime``'s
(``newswatch.app``), never rebuilt on reload.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newswatch.config import Config, RuleConfig, config_secrets
from newswatch.config.loader import checked_gazetteer, compiled_queries
from newswatch.match import Matcher
from newswatch.match.matcher import UNCONDITIONAL
from newswatch.model import Article, Match
from newswatch.redact import Redactor

if TYPE_CHECKING:
    from newswatch.geo import Gazetteer
    from newswatch.geo.filter import GeoFilter

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


def prepare(config: Config, rules: Sequence[RuleConfig] | None = None) -> RuleSet:
    """Build the rule set of ``config`` (a config from ``load_config``/``parse_config``).

    ``rules``: a subset or variant of the config's rules (``newswatch match --rule``).
    Raises NewswatchError (or OSError/ValueError for an unreadable gazetteer) when the
    set cannot be built; the caller keeps what it had.
    """
    chosen = list(config.rules if rules is None else rules)
    gazetteer = _gazetteer(config, chosen)
    places = gazetteer.names_for if gazetteer is not None else None
    matcher = Matcher(chosen, config.terms, places, compiled_queries(config))
    return RuleSet(
        config=config,
        matcher=matcher,
        geo=_geo_filter(gazetteer, chosen),
        gazetteer=gazetteer,
        secrets=config_secrets(config),
        redact=Redactor(config_secrets(config)),
        by_name={rule.name: rule for rule in chosen},
        unconditional=tuple(matcher.unconditional()),
    )


def uses_places(rules: Sequence[RuleConfig]) -> bool:
    """Whether a rule needs the gazetteer (``near:`` or ``@place(…)``); loading it costs time."""
    return any(r.near is not None or "@place(" in r.query for r in rules)


def _gazetteer(config: Config, rules: Sequence[RuleConfig]) -> Gazetteer | None:
    """Load the gazetteer only when a rule needs places (it costs memory and time), and
    only once: a config from ``load_config`` brings the one its check loaded."""
    if not uses_places(rules):
        return None
    checked = checked_gazetteer(config)
    if checked is not None:
        return checked
    from newswatch.geo import Gazetteer

    return Gazetteer.load(config.places)


def _geo_filter(gazetteer: Gazetteer | None, rules: Sequence[RuleConfig]) -> GeoFilter | None:
    if gazetteer is None or not any(rule.near for rule in rules):
        return None
    from newswatch.geo import PlaceRecognizer
    from newswatch.geo.filter import GeoFilter

    return GeoFilter(PlaceRecognizer(gazetteer), gazetteer)


__all__ = ["RuleSet", "prepare", "uses_places"]
