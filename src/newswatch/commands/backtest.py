"""The stored articles of a period that a query or rule matches, with explanations.

``newswatch backtest (--query Q | --rule NAME) --since 7d [--json]``: what the rule would
have alerted on (``--rule`` honours the rule's ``sources:`` and ``near:``), newest first.
Progress goes to stderr when it is a terminal. Exit status 0 when something matched, 1
when nothing did, 2 for a bad query, rule or period.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from newswatch.backtest import Hit, backtest
from newswatch.commands.common import add_config_argument
from newswatch.commands.match import _config
from newswatch.config import RuleConfig, is_database_url, state_location
from newswatch.config.durations import parse_duration
from newswatch.ruleset import RuleSet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--rule", metavar="NAME", help="a rule of the config, or a team rule")
    which.add_argument("--query", metavar="Q", help="a query to try")
    parser.add_argument(
        "--since", default="7d", metavar="PERIOD", help="how far back, e.g. 24h, 7d (default 7d)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per article")


def main(args: argparse.Namespace) -> int:
    from newswatch.store import Store

    file_rules = _config(args)
    config = file_rules.config
    since = since_time(args.since, datetime.now(UTC))
    rule = rule_for(file_rules, query=args.query, rule=args.rule)
    ruleset = file_rules.only([rule])  # a bad --query: QueryError, exit 2 with the column
    store = Store(state_location(config), read_only=True)
    progress = _Progress() if sys.stderr.isatty() else None
    found = 0
    try:
        hits = backtest(store.archive, ruleset, since, progress=progress)
        for hit in hits:
            found += 1
            _print(hit, args.json)
    finally:
        store.close()
        if progress is not None:
            progress.finish(found)
    return 0 if found else 1


def since_time(period: str, now: datetime) -> datetime:
    try:
        return now - parse_duration(period)
    except ValueError as exc:
        raise _usage(f"--since: {exc}") from None


def rule_for(file_rules: RuleSet, *, query: str | None, rule: str | None) -> RuleConfig:
    """The rule to backtest: the named rule of the config, or an ad-hoc one for a query."""
    if query is not None:
        return RuleConfig(name="query", query=query)
    config = file_rules.config
    for candidate in config.rules:
        if candidate.name == rule:
            return candidate
    team = _team_rule(file_rules, str(rule))
    if team is not None:
        return team
    known = ", ".join(r.name for r in config.rules) or "none"
    raise _usage(f"no rule named {rule!r} (rules: {known})")


def _team_rule(file_rules: RuleSet, name: str) -> RuleConfig | None:
    """A team rule (made in the dashboard) of that name, as the daemon runs it."""
    from newswatch.rulecheck import check_added_rule
    from newswatch.store import Store

    path = state_location(file_rules.config)
    if not is_database_url(path) and not Path(path).is_file():
        return None
    store = Store(path, read_only=True)
    try:
        found = store.team_rules.get(name)
    finally:
        store.close()
    if found is None:
        return None
    rule, problems = check_added_rule(found.body, file_rules.checked(), {})
    if rule is None:
        raise _usage(f"team rule {name} is not in force: {'; '.join(problems)}")
    return rule


def _usage(message: str) -> SystemExit:
    print(f"newswatch: {message}", file=sys.stderr)
    return SystemExit(2)


class _Progress:
    """``backtest: 12,000 / 150,000 articles`` rewritten in place on the terminal."""

    def __call__(self, done: int, total: int) -> None:
        share = f" ({100 * done // total}%)" if total else ""
        print(f"\rbacktest: {done:,} / {total:,} articles{share}", end="", file=sys.stderr)

    def finish(self, found: int) -> None:
        print(f"\nbacktest: {found:,} matching article(s)", file=sys.stderr)


def hit_json(hit: Hit) -> dict[str, object]:
    """``match --json``'s object for one article, with its source and times."""
    article = hit.stored.article
    return {
        "url": article.canonical_url or article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "seen_at": hit.stored.seen_at.isoformat(),
        "matches": [
            {
                "rule": m.rule,
                "terms": list(m.terms),
                "snippet": m.snippet.marked(),
                "details": list(m.details),
            }
            for m in hit.matches
        ],
    }


def _print(hit: Hit, as_json: bool) -> None:
    if as_json:
        print(json.dumps(hit_json(hit), ensure_ascii=False), flush=True)
        return
    article = hit.stored.article
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    print(f"{hit.stored.seen_at:%Y-%m-%d %H:%M}  {article.source}  {article.title or article.url}")
    print(f"  {article.canonical_url or article.url}")
    for m in hit.matches:
        print(f"  ✔ {m.rule}: {', '.join(m.terms)}")
        print(f"      “{m.snippet.marked(bold, plain)}”")
    print()
