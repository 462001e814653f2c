"""The alert a match produces, and the follow-up an ``updates: true`` rule sends when an
alerted story changes in substance (a new number in its lead, or a newly matched term)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

from newswatch.config import RuleConfig
from newswatch.dedup import StoryDecision, substantive_change
from newswatch.model import AlertMessage, Article, Match
from newswatch.store.updates import alerted_basis

log = logging.getLogger("newswatch.followup")

UPDATE_INTERVAL = timedelta(hours=1)  # at most one follow-up per story and rule per hour


def alert_message(rule: RuleConfig, article: Article, match: Match) -> AlertMessage:
    return AlertMessage(
        rule=rule.name,
        title=article.title or article.url,
        url=article.canonical_url or article.url,
        source=article.source,
        published=article.published,
        snippet=match.snippet,
        terms=match.terms,
        feed_only=article.feed_only,
        extra={"details": list(match.details)},
    )


def follow_up(
    conn: sqlite3.Connection,
    rule: RuleConfig,
    article: Article,
    article_id: int,
    match: Match,
    story: StoryDecision,
    now: datetime,
) -> AlertMessage | None:
    """The follow-up for a story this rule already alerted on, or None when nothing
    changed in substance since the last alert, or the last follow-up is under an hour old."""
    basis = alerted_basis(conn, rule.name, story.cluster_id)
    if basis is None:
        return None
    if basis.last_update_at and now - basis.last_update_at < UPDATE_INTERVAL:
        return None
    change = _describe_change(basis.text, basis.terms, article.text, match.terms)
    if change is None:
        return None
    log.info("%s: story %d changed (%s): follow-up queued", rule.name, story.cluster_id, change)
    return replace(
        alert_message(rule, article, match),
        title=f"Update: {article.title or article.url}",
        extra={
            "details": [change, *match.details],
            "article_id": article_id,
            "all_terms": sorted({*basis.terms, *match.terms}),
        },
    )


def _describe_change(
    old_text: str, old_terms: tuple[str, ...], new_text: str, new_terms: tuple[str, ...]
) -> str | None:
    change = substantive_change(old_text, new_text)
    added = [t for t in new_terms if t not in old_terms]
    if not added:
        return change
    newly = f"newly matched: {', '.join(added)}"
    return f"{change}; {newly}" if change else newly
