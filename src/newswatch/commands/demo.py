"""Run one full cycle offline against a bundled sample news site and print the alerts.

Starts a small news site on 127.0.0.1 (an RSS feed, a listing page, four articles), polls
it as two sources with two rules, and delivers through the console:// channel. The Aleppo
story appears in both sources and alerts once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from newswatch.commands.common import add_log_format_argument
from newswatch.ops.logsetup import setup_logging

DEMO_CONFIG = """
state: {state}
defaults:
  interval: 5m
  timeout: 10s
sources:
  - name: levant-daily-feed
    feed: {base}/feed.xml
  - name: levant-daily-middle-east
    page: {base}/middle-east/
    links: "article.story h2 a"
channels:
  terminal: "console://"
terms:
  aleppo: [Aleppo, Halab, حلب, Алеппо]
rules:
  - name: aleppo-airstrikes
    query: '@aleppo AND (airstrike* OR "air strike*" OR warplane* OR bombing)'
    notify: [terminal]
  - name: idlib-civilians
    query: 'Idlib NEAR/15 (civilian* OR casualt*) NOT title:opinion'
    notify: [terminal]
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_log_format_argument(parser)


def main(args: argparse.Namespace) -> int:
    from newswatch.app import App
    from newswatch.demo.server import SampleSite
    from newswatch.ruleset import parse_rules

    setup_logging(args.log_format, verbose=args.verbose)
    with SampleSite() as site, tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp:
        print(f"Sample news site on {site.base_url} — polling it once.\n", file=sys.stderr)
        text = DEMO_CONFIG.format(base=site.base_url, state=Path(tmp) / "demo.db")
        app = App(parse_rules(text, {}, path="<demo>"))
        try:
            report = app.run_cycle()
        finally:
            app.close()
    new = sum(p.new_articles for p in report.polls)
    print(
        f"\nDemo done: {len(report.polls)} sources, {new} new articles, "
        f"{report.sent} alert(s) delivered, {report.failed} failed.",
        file=sys.stderr,
    )
    return 0 if report.sent and not report.failed_sources else 1
