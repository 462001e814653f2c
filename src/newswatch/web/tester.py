"""Backtests for the dashboard: the rule tester page and ``POST /api/backtest``.

The same stages as ``newswatch backtest`` (:mod:`newswatch.backtest`), so the page lists
exactly what the command prints for the same query and period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from newswatch.backtest import Hit, backtest
from newswatch.config import Config, RuleConfig
from newswatch.config.durations import parse_duration
from newswatch.errors import QueryError
from newswatch.ruleset import RuleSet
from newswatch.store import Store

MAX_PERIOD_DAYS = 90


class TesterInputError(ValueError):
    """A query, rule or period the tester cannot run; the message is shown as is."""


@dataclass(frozen=True)
class Result:
    query: str
    hits: list[Hit]

    def urls(self) -> set[str]:
        return {h.stored.article.canonical_url or h.stored.article.url for h in self.hits}

    def per_day(self) -> list[tuple[str, int]]:
        days = Counter(f"{h.stored.seen_at:%Y-%m-%d}" for h in self.hits)
        return sorted(days.items())


def period(text: str, now: datetime) -> datetime:
    try:
        span = parse_duration(text)
    except ValueError as exc:
        raise TesterInputError(f"period: {exc}") from None
    if span.days > MAX_PERIOD_DAYS:
        raise TesterInputError(f"period: at most {MAX_PERIOD_DAYS} days")
    return now - span


def config_rule(config: Config, name: str) -> RuleConfig:
    for rule in config.rules:
        if rule.name == name:
            return rule
    raise TesterInputError(f"no rule named {name!r}")


def run(store: Store, rules: RuleSet, rule: RuleConfig, since: datetime) -> Result:
    """What ``rule`` matches among the articles seen since ``since``, newest first, as
    ``newswatch backtest`` finds it (``sources:`` and ``near:`` of a config rule included)."""
    try:
        ruleset = rules.only([rule])
    except QueryError as exc:
        raise TesterInputError(f"query: {exc}") from None
    return Result(rule.query, list(backtest(store.archive, ruleset, since)))
