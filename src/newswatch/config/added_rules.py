"""Rules kept outside the file (team rules, made in the dashboard), checked as ``check``
checks the file's own: the same schema, the same query, channel, source and ``near:``
checks and the same messages, each prefixed by its key inside the rule
(``query: col 9: unbalanced "("``) instead of ``rules[N].``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from newswatch.config.loader import (
    _format_validation,
    _gazetteer_if_needed,
    _rule_problems,
    checked_gazetteer,
    compiled_queries,
)
from newswatch.config.schema import Config, RuleConfig

_PREFIX = re.compile(r"^rules\[0\]\.?:?\s*")


def check_added_rule(
    raw: Any, config: Config, taken: Mapping[str, str]
) -> tuple[RuleConfig | None, list[str]]:
    """(the rule, []) when ``raw`` (a ``rules:`` entry's mapping) is valid beside
    ``config``'s rules, else (None, its problems). ``taken``: names already used, each
    with where (``"rules[2] of the config"``), for the duplicate-name message."""
    try:
        rule = Config.model_validate({"rules": [raw]}).rules[0]
    except ValidationError as exc:
        return None, [_PREFIX.sub("", p) for p in _format_validation(exc)]
    problems: list[str] = []
    if rule.name in taken:
        problems.append(f"name: duplicate name {rule.name!r} (also {taken[rule.name]})")
    gazetteer = checked_gazetteer(config)
    if gazetteer is None and (rule.near is not None or "@place(" in rule.query):
        gazetteer = _gazetteer_if_needed(with_rules(config, [rule]), problems)
    compiled = dict(compiled_queries(config))  # this rule's query joins a copy
    problems += _rule_problems(rule, config, gazetteer, compiled)
    return (None, problems) if problems else (rule, [])


def with_rules(config: Config, extra: Sequence[RuleConfig]) -> Config:
    """``config`` with ``extra`` after its own rules (what the daemon runs). What checking
    ``config`` kept (compiled queries, the gazetteer) comes along, copied: the file's
    config is never changed."""
    merged = config.model_copy(update={"rules": [*config.rules, *extra]})
    merged._compiled = dict(compiled_queries(config))
    merged._gazetteer = checked_gazetteer(config)
    return merged


__all__ = ["check_added_rule", "with_rules"]
