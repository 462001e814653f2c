"""Stage 6's plan: which alerts an article's matches produce, decided by a pure function.

A rule's first match on a story is an alert; a later one is nothing, unless the rule has
``updates: true`` and the story changed in substance since what the rule last alerted on
(a new number in its lead, or a newly matched term): then a follow-up, at most one per
story and rule per hour. The pipeline reads what each rule last alerted on, plans with
:func:`plan_alerts`, and writes the plans in the same unit as the article.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newswatch.config import RuleConfig
from newswatch.dedup import StoryDecision, substantive_change
from newswatch.model import AlertMessage, Article, Match
from newswatch.store import Unit
from newswatch.store.matches import AlertedBasis

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


@dataclass(frozen=True)
class AlertPlan:
    """One alert to write: a rule's first alert on a story, or a follow-up."""

    rule: RuleConfig
    match: Match
    message: AlertMessage
    follow_up: bool = False
    # A follow-up's terms: the earlier alert's and this article's (the next one compares).
    terms: tuple[str, ...] = ()


def plan_alerts(
    rules: Mapping[str, RuleConfig],
    article: Article,
    story: StoryDecision,
    matches: Sequence[Match],
    alerted: Mapping[str, AlertedBasis],
    now: datetime,
) -> list[AlertPlan]:
    """The alerts of one article. ``alerted`` holds, per rule that already alerted on
    this story, what it alerted on; a rule absent from it alerts now."""
    plans = []
    for match in matches:
        rule = rules[match.rule]
        basis = alerted.get(rule.name)
        if basis is None:
            plans.append(AlertPlan(rule, match, alert_message(rule, article, match)))
            continue
        if not rule.updates or story.new_story:
            continue
        update = follow_up(rule, article, match, story, basis, now)
        if update is not None:
            terms = tuple(sorted({*basis.terms, *match.terms}))
            plans.append(AlertPlan(rule, match, update, follow_up=True, terms=terms))
    return plans


def follow_up(
    rule: RuleConfig,
    article: Article,
    match: Match,
    story: StoryDecision,
    basis: AlertedBasis,
    now: datetime,
) -> AlertMessage | None:
    """The follow-up for a story this rule already alerted on, or None when nothing
    changed in substance since the last alert, or the last follow-up is under an hour old."""
    if basis.last_update_at and now - basis.last_update_at < UPDATE_INTERVAL:
        return None
    change = _describe_change(basis.text, basis.terms, article.text, match.terms)
    if change is None:
        return None
    log.info("%s: story %d changed (%s): follow-up queued", rule.name, story.cluster_id, change)
    return replace(
        alert_message(rule, article, match),
        title=f"Update: {article.title or article.url}",
        extra={"details": [change, *match.details]},
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


def alerted_on(tx: Unit, story: StoryDecision, matches: Sequence[Match]) -> dict[str, AlertedBasis]:
    """What each matching rule last alerted on for this story (none for a new story)."""
    if story.new_story:
        return {}
    found = {}
    for rule in dict.fromkeys(m.rule for m in matches):
        basis = tx.matches.alerted_basis(rule, story.cluster_id)
        if basis is not None:
            found[rule] = basis
    return found
