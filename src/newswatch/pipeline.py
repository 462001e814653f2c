"""One poll of one source: the pipeline's stages, in order.

1. discover  — fetch the feed, listing page or sitemap (conditional GET) → entries
2. seen?     — skip entries already known by canonical URL or feed GUID
3. extract   — fetch the article page and extract it; fall back to the feed's title and
               summary when the page cannot be fetched or read (the alert says so)
4. dedup     — skip pages whose canonical URL or content is known; put the article in a
               story cluster (near-duplicates across sources join one story)
5. match     — every rule through the indexed matcher; ``near:`` rules also need a place
6. record    — article, matches and outbox alerts in one transaction: an alert exists
               before any attempt to send it, and a rule alerts once per story

With PostgreSQL workers (``runtime.articles`` set), a poll runs 2.-6. for the new entries
on its own site and makes each link to another site an article job (``workers.queue``)
that runs 2.-6. through :meth:`run_entry` on whichever worker is free (``handover``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newswatch.config import SourceConfig
from newswatch.dedup import article_keys, identity_keys
from newswatch.errors import (
    ExtractError,
    FetchError,
    Interrupted,
    SourceError,
    StoreConflict,
    StoreError,
)
from newswatch.fetch import FetchSettings, is_private_url
from newswatch.followup import AlertPlan, alerted_on, plan_alerts
from newswatch.handover import HandOver
from newswatch.model import Article, Entry, Match
from newswatch.notify import enqueue_alerts
from newswatch.ops.logfields import log_fields
from newswatch.ruleset import RuleSet
from newswatch.runtime import ArticleQueue, Runtime
from newswatch.sources import Discovery, article_from_entry, discover, with_entry_metadata
from newswatch.store import Unit

log = logging.getLogger("newswatch.pipeline")


@dataclass(frozen=True)
class PollReport:
    source: str
    ok: bool
    entries: int = 0
    new_articles: int = 0
    alerts: int = 0
    not_modified: bool = False
    skipped: bool = False  # in back-off after failures, or paused
    paused: bool = False  # paused from the dashboard: not polled at all
    error: str | None = None
    status: int | None = None


MAX_BACKOFF = timedelta(hours=1)


def backoff_delay(failures: int, retry_after: float | None = None) -> timedelta:
    """Exponential back-off after consecutive failures: 0 after the first (the source's
    own interval applies), then 1, 2, 4 … minutes up to an hour; Retry-After wins if longer."""
    delay = timedelta(0) if failures <= 1 else timedelta(minutes=2 ** (failures - 2))
    delay = min(delay, MAX_BACKOFF)
    if retry_after:
        delay = max(delay, timedelta(seconds=min(retry_after, 86400)))
    return delay


class Pipeline:
    """The stages wired to the process's runtime and one rule set. A poll builds one at
    its start (cheap: references only), so it reads the rule set once and a reload in
    the middle of it changes nothing for it. ``run_source`` is safe to call from several
    threads at once (one source per thread)."""

    def __init__(self, runtime: Runtime, rules: RuleSet) -> None:
        self.ruleset = rules
        self.config = rules.config
        self.rules = rules.by_name
        self.store = runtime.store
        self.fetcher = runtime.fetcher
        self.stories = runtime.stories
        self.clock = runtime.clock
        self.metrics = runtime.metrics
        self.stopping = runtime.stopping
        self.extract = runtime.extract
        self.articles = runtime.articles  # workers: links to other sites become jobs
        # Errors are stored and reported (status, ops alerts): never with a secret in them.
        self.redact = rules.redact

    def run_source(
        self, source: SourceConfig, *, respect_backoff: bool = True, baseline: bool = False
    ) -> PollReport:
        """Poll ``source`` once. A paused source (the state, read at each poll) is skipped;
        so is a source in back-off unless told otherwise.
        A baseline poll (``baseline``, or a first poll under ``first_poll: baseline``)
        records what it finds as seen without alerting."""
        if self.store.sources.get(source.name).paused_at is not None:
            return PollReport(source.name, ok=True, skipped=True, paused=True)
        if respect_backoff and self._backing_off(source):
            return PollReport(source.name, ok=True, skipped=True)
        quiet = baseline or self._first_poll_is_baseline(source)
        settings = FetchSettings.for_source(self.config, source)
        started = self.clock.monotonic()
        # 1. discover
        try:
            discovery = discover(source, self.fetcher, settings)
        except (FetchError, SourceError) as exc:
            return self._failed(source, exc, started)
        outcome = "not_modified" if discovery.not_modified else "ok"
        self.metrics.fetch(source.name, outcome, discovery.bytes, self.clock.monotonic() - started)
        # 2.-6. for each entry: here, or (workers, other sites) in an article job
        if self.articles is not None:
            new, alerts = self._hand_over(self.articles).run(source, discovery, quiet), 0
        else:
            new, alerts = self._entries(source, settings, discovery, quiet)
        # A queued article counts as new (or seen) when its job has run.
        counted = 0 if self.articles is not None else new
        self.metrics.articles(source.name, counted, len(discovery.entries) - new)
        self.store.sources.record_success(
            source.name, self.clock.now(), len(discovery.entries), new
        )
        self._log_poll(source, new, alerts, quiet)
        return PollReport(
            source.name,
            ok=True,
            entries=len(discovery.entries),
            new_articles=new,
            alerts=alerts,
            not_modified=discovery.not_modified,
        )

    def run_entry(self, source: SourceConfig, entry: Entry, quiet: bool) -> int | None:
        """One entry a worker's poll queued (``newswatch.article``), as the poll's own loop
        does it (2.-6.). Returns the alerts queued, None when it was not new. Raises
        ``Interrupted`` when a shutdown cut its fetch off: the job goes back to the queue."""
        settings = FetchSettings.for_source(self.config, source)
        created = self._guarded_entry(source, settings, entry, quiet)
        self.metrics.articles(source.name, int(created is not None), int(created is None))
        if created is not None:
            what = "recorded as seen (baseline)" if quiet else f"{created} alert(s) queued"
            log.info("%s: new article %s: %s", source.name, entry.url, what,
                     extra=log_fields(source=source.name))  # fmt: skip
        return created

    def _entries(
        self, source: SourceConfig, settings: FetchSettings, discovery: Discovery, quiet: bool
    ) -> tuple[int, int]:
        """2.-6. for each entry, in this poll: (new articles, alerts queued)."""
        new = alerts = 0
        for entry in discovery.entries[: source.max_items]:
            if self.stopping.is_set():
                # Shutting down: leave the rest for the next start. Forget the listing's
                # validators, or a 304 would hide the entries not yet processed.
                self.store.fetch_state.forget(discovery.url)
                log.info("%s: stopping mid-poll; the rest waits for the next start", source.name)
                break
            created = self._guarded_entry(source, settings, entry, quiet)
            if created is not None:
                new += 1
                alerts += created
        return new, alerts

    def _hand_over(self, articles: ArticleQueue) -> HandOver:
        # Per poll, not in __init__: its bound methods would make a cycle with self.
        return HandOver(articles, self.store, self.stopping, self._seen, self.run_entry)

    def _seen(self, keys: list[str], entry: Entry) -> bool:
        """2. seen? Known by its URL or GUID, or too old to be news."""
        return self.store.articles.find_by_keys(keys) is not None or self._too_old(entry)

    def _log_poll(self, source: SourceConfig, new: int, alerts: int, quiet: bool) -> None:
        fields = log_fields(source=source.name)
        if self.articles is not None and new:
            log.info("%s: %d new article(s)", source.name, new, extra=fields)
        elif new and quiet:
            log.info("%s: baseline: %d article(s) recorded as seen, no alerts; new ones alert",
                     source.name, new, extra=fields)  # fmt: skip
        elif new:
            log.info("%s: %d new article(s), %d alert(s) queued", source.name, new, alerts,
                     extra=fields)  # fmt: skip

    def _failed(self, source: SourceConfig, exc: Exception, started: float) -> PollReport:
        if self.stopping.is_set():
            # Cut short by the shutdown, not the source's fault: no failure, no back-off.
            log.info("%s: poll cut short by shutdown: %s", source.name, exc)
            return PollReport(source.name, ok=True, skipped=True)
        self.metrics.fetch(source.name, "error", 0, self.clock.monotonic() - started)
        error = self.redact(str(exc))
        failures, until = self.record_failure(source, error, getattr(exc, "retry_after", None))
        retry = f"; in back-off until {until:%H:%M:%S} UTC" if until > self.clock.now() else ""
        log.error(
            "%s: %s (failure %d in a row%s)",
            source.name,
            error,
            failures,
            retry,
            # Strings: the log handler's redactor masks them like the message.
            extra=log_fields(source=source.name, url=source.url, error=exc),
        )
        status = getattr(exc, "status", None)
        return PollReport(source.name, ok=False, error=error, status=status)

    def record_failure(
        self, source: SourceConfig, error: str, retry_after: float | None = None
    ) -> tuple[int, datetime]:
        """The one way a failed poll is recorded (a fetch error here, an unexpected one in
        ``App.poll``): the error, the failures in a row, and the back-off they earn.
        Returns (failures in a row, end of the back-off)."""
        now = self.clock.now()
        failures = self.store.sources.get(source.name).consecutive_failures + 1
        until = now + backoff_delay(failures, retry_after)
        self.store.sources.record_failure(source.name, now, error, backoff_until=until)
        return failures, until

    def _first_poll_is_baseline(self, source: SourceConfig) -> bool:
        """``first_poll: baseline`` (the source's, else the defaults', else the top
        level's) and the source never polled successfully."""
        mode = self.config.setting(source, "first_poll") or self.config.first_poll
        if mode != "baseline":
            return False
        return self.store.sources.get(source.name).last_success_at is None

    def _backing_off(self, source: SourceConfig) -> bool:
        until = self.store.sources.get(source.name).backoff_until
        return until is not None and self.clock.now() < until

    def _guarded_entry(
        self, source: SourceConfig, settings: FetchSettings, entry: Entry, quiet: bool
    ) -> int | None:
        """One entry, whatever it holds: a poisoned entry costs that entry only.

        An unexpected error (a parser bug, RecursionError on a hostile page) skips the
        entry and the poll goes on; a broken store is not the entry's fault and fails
        the poll.
        """
        try:
            return self._process_entry(source, settings, entry, quiet)
        except (StoreError, Interrupted):
            raise
        except Exception:
            self.metrics.entry_failed(source.name)
            log.exception("%s: entry %s skipped after an unexpected error", source.name, entry.url)
            return None

    def _process_entry(
        self, source: SourceConfig, settings: FetchSettings, entry: Entry, quiet: bool = False
    ) -> int | None:
        """Returns the number of alerts queued for a new article, None if it was not new."""
        # 2. seen?
        keys = identity_keys(entry.url, entry.guid)
        if self._seen(keys, entry):
            return None
        # 3. extract
        article = self._article_for(source, settings, entry)
        if article is None:
            return None
        # 4. dedup (by canonical URL and content; near-duplicates are clustered below)
        keys = _unique(keys + article_keys(article, entry.guid))
        # 5. match (a baseline poll records the article, story included, without alerting)
        # 6. record
        try:
            known = self.store.articles.find_by_keys(keys)
            if known is not None:
                self._record_copy(article, keys, known)
                return None
            matches = [] if quiet else self.ruleset.match(article)
            return self._record(article, keys, matches)
        except StoreConflict:
            return None  # another source stored the same article a moment ago

    def _record_copy(self, article: Article, keys: list[str], known_id: int) -> None:
        """An article already known by its content or GUID: no new match, but a copy on
        another page joins the story, so alerts can say "also reported by"."""
        url_key = identity_keys(article.canonical_url)[0]
        with self.store.unit() as tx:
            known = tx.articles.get(known_id)
            if (
                known is None
                or known.canonical_url == article.canonical_url
                or (tx.articles.find_by_keys([url_key]) is not None)
            ):
                tx.articles.add_keys(known_id, keys)
                return
            # The copy's own URL key is new; the shared content/GUID keys stay with the first.
            tx.articles.add(article, [url_key], self.clock.now(), cluster_id=known.cluster_id)

    def _too_old(self, entry: Entry) -> bool:
        """Entries published before the dedup window are history, not news: no alert."""
        if entry.published is None:
            return False
        return entry.published < self.clock.now() - self.config.dedup.window

    def _article_for(
        self, source: SourceConfig, settings: FetchSettings, entry: Entry
    ) -> Article | None:
        if self.config.setting(source, "fetch_articles"):
            try:
                page = self.fetcher.fetch(
                    entry.url,
                    settings,
                    allow_private=is_private_url(source.url),
                    expect_html=True,  # a PDF or image is refused before it is downloaded
                )
                article = self.extract(page.text(), page.url, source.name)
                if article.text.strip():
                    return with_entry_metadata(article, entry)
                log.info("%s: no article text in %s; using the feed entry", source.name, entry.url)
            except (FetchError, ExtractError) as exc:
                if self.articles is not None and self.stopping.is_set():
                    # A stopping worker cut the fetch off, not the page's fault: no
                    # feed-text fallback; the job goes back to the queue for another worker.
                    raise Interrupted(f"{entry.url}: cut off by the shutdown") from exc
                log.warning("%s: article %s: %s; using the feed entry", source.name, entry.url, exc)
            except Exception:  # a hostile page must not cost the entry its feed text
                log.exception(
                    "%s: article %s: extraction failed; using the feed entry",
                    source.name,
                    entry.url,
                )
        return article_from_entry(source.name, entry)

    def _record(self, article: Article, keys: list[str], matches: Sequence[Match]) -> int:
        """6. record: the article, its story and its alerts in one unit of work."""
        now = self.clock.now()
        with self.store.unit() as tx:
            article_id = tx.articles.add(article, keys, now)
            story = self.stories.assign(tx, article_id, article)
            alerted = alerted_on(tx, story, matches)
            plans = plan_alerts(self.rules, article, story, matches, alerted, now)
            return sum(self._write(tx, plan, article_id, story.cluster_id, now) for plan in plans)

    def _write(
        self, tx: Unit, plan: AlertPlan, article_id: int, cluster_id: int, now: datetime
    ) -> int:
        """One planned alert into the unit; returns how many outbox rows it made. An
        article's alerts share ``now``: delivery groups one story's alerts by it."""
        rule = plan.rule
        if plan.follow_up:
            tx.matches.followed_up(rule.name, cluster_id, article_id, list(plan.terms), now)
            ids = enqueue_alerts(
                tx.outbox,
                rule,
                plan.message,
                now,
                cluster_id=cluster_id,
                match_id=None,
                kind="update",
            )
            return len(ids)
        shown = plan.match.snippet.text
        snippet: dict[str, object] = {"text": shown, "highlights": _spans(plan.match)}
        terms = list(plan.match.terms)
        match_id = tx.matches.record(rule.name, article_id, cluster_id, terms, snippet, now)
        if match_id is None:  # this rule alerted for this story a moment ago
            return 0
        self.metrics.matched(rule.name)
        ids = enqueue_alerts(
            tx.outbox, rule, plan.message, now, cluster_id=cluster_id, match_id=match_id
        )
        return len(ids)


def _spans(match: Match) -> list[list[int]]:
    return [[h.start, h.end] for h in match.snippet.highlights]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = ["Pipeline", "PollReport", "backoff_delay"]
