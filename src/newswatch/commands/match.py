"""Say which rules match the given article(s) and why (highlighted terms).

Inputs are pages (URL, FILE or -) or already-extracted articles as JSON lines (a .jsonl
file, or - carrying JSON), so ``newswatch extract --json URL | newswatch match -`` works.
Exit status 0 when something matched, 1 when nothing did, 2 for a bad query or config.
"""

from __future__ import annotations

import argparse
import json
import sys

from newswatch.commands.common import add_config_argument, add_page_url_argument, config_path
from newswatch.config import Config, RuleConfig
from newswatch.model import Article, Match
from newswatch.ruleset import RuleSet, load_rules, prepare


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--rule", metavar="NAME", help="only this rule of the config")
    which.add_argument("--query", metavar="Q", help="this query instead of the config's rules")
    parser.add_argument("inputs", nargs="+", metavar="URL|FILE|-")
    parser.add_argument("--json", action="store_true", help="one JSON object per article")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also say which language each article was read in, and with which analysers",
    )
    add_page_url_argument(parser)


def main(args: argparse.Namespace) -> int:
    from newswatch.commands.inputs import load_inputs

    file_rules = _config(args)
    rules = _rules(args, file_rules.config)
    # A broken --query raises QueryError here (exit 2, with the column): ``only`` compiles
    # every query the config's check did not.
    ruleset = file_rules.only(rules)
    matched_any = False
    for loaded in load_inputs(args.inputs, args.url, allow_jsonl=True):
        if loaded.article is None:
            print(f"newswatch: {loaded.label}: {loaded.error}", file=sys.stderr)
            continue
        matches, dropped = ruleset.split(loaded.article)
        matched_any = matched_any or bool(matches)
        analysers = _analysers(loaded.article, rules) if args.explain else None
        _print(loaded.article, matches, dropped, args.json, analysers)
    return 0 if matched_any else 1


def _rules(args: argparse.Namespace, config: Config) -> list[RuleConfig]:
    if args.query:
        rules = [RuleConfig(name="query", query=args.query)]
    elif args.rule:
        rules = [r for r in config.rules if r.name == args.rule]
        if not rules:
            known = ", ".join(r.name for r in config.rules) or "none"
            print(f"newswatch: no rule named {args.rule!r} (rules: {known})", file=sys.stderr)
            raise SystemExit(2)
    else:
        rules = list(config.rules)
    # Outside the daemon, `sources:` filters would hide matches the user asked to see.
    return [r.model_copy(update={"sources": None}) for r in rules]


def _config(args: argparse.Namespace) -> RuleSet:
    """The config file's rule set; with ``--query`` and no config file, an empty one."""
    path = config_path(args)
    if args.query and not args.config and not path.exists():
        return prepare(Config())
    return load_rules(path)


def _analysers(article: Article, rules: list[RuleConfig]) -> str:
    from newswatch.text.analysis import describe, pinned

    return describe(article.language, tuple(sorted({pinned(r.lang) for r in rules if r.lang})))


def _print(
    article: Article,
    matches: list[Match],
    dropped: list[tuple[Match, str]],
    as_json: bool,
    analysers: str | None = None,
) -> None:
    if as_json:
        out: dict[str, object] = {
            "url": article.canonical_url or article.url,
            "title": article.title,
            "matches": [
                {
                    "rule": m.rule,
                    "terms": list(m.terms),
                    "snippet": m.snippet.marked(),
                    "details": list(m.details),
                }
                for m in matches
            ],
        }
        if dropped:
            out["not_near"] = [{"rule": m.rule, "reason": reason} for m, reason in dropped]
        if analysers is not None:
            out["language"] = article.language
            out["analysers"] = analysers
        print(json.dumps(out, ensure_ascii=False), flush=True)
        return
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    print(f"{article.title or article.url}")
    print(f"  {article.canonical_url or article.url}")
    if analysers is not None:
        print(f"  language: {analysers}")
    if not matches:
        print("  no rule matches")
    for m in matches:
        print(f"  ✔ {m.rule}: {', '.join(m.terms)}")
        for line in m.details:
            print(f"      {line}")
        print(f"      “{m.snippet.marked(bold, plain)}”")
    for m, reason in dropped:
        print(f"  ✘ {m.rule}: the query matches ({', '.join(m.terms)}) but {reason}")
    print()
