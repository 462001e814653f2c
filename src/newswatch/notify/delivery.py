"""The delivery worker: sends what the outbox says is due, never loses or repeats an alert.

1. Due alerts are read channel by channel, oldest first.
2. Silences mark their rule's alerts ``silenced``; quiet hours hold non-urgent alerts
   until the window ends (each is then delivered once).
3. Alerts become messages: one per alert; one per rule and period for ``digest`` rules;
   a single summary when more than the channel's flood threshold are due at once.
4. Each message waits for the channel's rate limit, goes out, and its alerts are marked
   sent in one transaction. A failure backs the whole channel off (exponential, jittered,
   honouring a service's ``retry_after``) so its backlog later arrives in order; after
   ``delivery.max_age`` an alert is marked failed and logged as an error.

Crash safety: alerts are rows before they are messages, so ``kill -9`` loses nothing. The
one window for a duplicate is between a service accepting a message and the commit of
``mark_sent_many`` right after it — a single SQLite transaction, microseconds long. A batch
is claimed (leased for ``LEASE``) before it is sent, so two workers on one state file never
send it both; an alert whose sender died is retried when its lease ends.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import groupby

from newswatch.clock import Clock
from newswatch.config import Config, config_secrets
from newswatch.config.schema import ChannelConfig
from newswatch.notify.apprise_adapter import AppriseNotifier, Notifier, SendOutcome
from newswatch.notify.claimant import is_alive, this_process
from newswatch.notify.payload import message_from_payload
from newswatch.notify.policy import (
    FLOOD_LIST_MAX,
    flood_threshold,
    next_retry,
    quiet_until,
    rate_interval,
)
from newswatch.notify.render import Batch, BatchKind
from newswatch.ops.logfields import log_fields
from newswatch.ops.metrics import Metrics
from newswatch.redact import Redactor
from newswatch.store import OutboxAlert, Store

log = logging.getLogger(__name__)

# Waits for a rate limit up to this long happen inline (via the clock); longer ones
# leave the alerts pending for the next round so the worker never stalls.
MAX_INLINE_WAIT = 3.0
DUE_LIMIT = 1000
# A batch is leased to the worker sending it, so a second worker (a `once` run beside
# the daemon) never sends it too; after a crash it is due again when the lease ends.
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0  # alerts delivered
    messages: int = 0  # messages sent (a digest or flood summary carries several alerts)
    retrying: int = 0
    failed: int = 0
    silenced: int = 0
    held: int = 0  # waiting for quiet hours, a rate limit or a channel backing off


@dataclass(frozen=True)
class _Settings:
    """What the worker takes from the config, swapped whole on reload: a round reads it
    once at its start, so a reload never mixes two configs within one round."""

    config: Config
    notifier: Notifier
    priority: dict[str, str]
    # Channel errors are stored and logged, alert links leave the process: masked.
    redact: Redactor


class DeliveryWorker:
    """Built once per process: rate-limit clocks and the claimant identity outlive reloads,
    which hand it the new config through :meth:`configure`."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        *,
        notifier: Notifier | None = None,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        """``secrets``: masked in errors besides the URLs' own (``RuleSet.secrets``)."""
        self.outbox = store.outbox
        self.silences = store.silences
        self.stories = store.stories
        self.clock = clock
        self._own_notifier = notifier is None  # an injected one (tests) survives reloads
        notifier = notifier or AppriseNotifier(config, secrets=secrets)
        self._settings = _settings(config, notifier, secrets)
        self.rng = rng or random.Random()
        self.metrics = metrics
        # Last send per channel (monotonic): rate limits concern this process's pace.
        self._last_send: dict[str, float] = {}
        self.claimant = this_process()
        released = self.outbox.release_dead_claims(clock.now(), is_alive)
        if released:
            log.warning(
                "%d alert(s) were being sent when a newswatch process died; sending them again now",
                released,
            )

    def configure(self, config: Config, secrets: Iterable[str] = ()) -> None:
        """Use ``config`` from the next round on (SIGHUP); a round in progress finishes
        with the settings it began with."""
        own = self._own_notifier
        notifier = AppriseNotifier(config, secrets=secrets) if own else self._settings.notifier
        self._settings = _settings(config, notifier, secrets)

    @property
    def config(self) -> Config:
        return self._settings.config

    def deliver_due(self) -> DeliveryReport:
        settings = self._settings
        now = self.clock.now()
        due = self._with_story_sources(self.outbox.due(now, limit=DUE_LIMIT))
        muted = self.silences.silenced_rules(now)
        tally: Counter[str] = Counter()
        for channel, alerts in groupby(due, key=lambda a: a.channel):
            self._deliver_channel(settings, channel, list(alerts), muted, tally)
        return DeliveryReport(**tally)

    def _with_story_sources(self, alerts: list[OutboxAlert]) -> list[OutboxAlert]:
        """Name the other sources that carried each alert's story by the time it is sent:
        a digest, sent at the end of its period, often has several."""
        stories = self.stories.sources(a.cluster_id for a in alerts if a.cluster_id)
        enriched = []
        for alert in alerts:
            source = alert.payload.get("source")
            others = [s for s in stories.get(alert.cluster_id or 0, []) if s != source]
            if others:
                alert = replace(alert, payload={**alert.payload, "also_reported_by": others})
            enriched.append(alert)
        return enriched

    def _deliver_channel(
        self,
        settings: _Settings,
        channel: str,
        alerts: list[OutboxAlert],
        muted: frozenset[str],
        tally: Counter[str],
    ) -> None:
        cfg = settings.config.channels.get(channel)
        if cfg is None:
            self._give_up(alerts, f"channel {channel!r} is no longer in the config", tally)
            return
        alerts = self._apply_silences(alerts, muted, tally)
        alerts = self._apply_quiet_hours(alerts, cfg, settings.priority, tally)
        batches = make_batches(channel, alerts, flood_threshold(cfg))
        for index, (batch, members) in enumerate(batches):
            later = [a for _, group in batches[index + 1 :] for a in group]
            if not self._wait_for_rate(channel, cfg, members + later, tally):
                return
            now = self.clock.now()
            if not self.outbox.claim([a.id for a in members], now, now + LEASE, self.claimant):
                return  # another worker is delivering this channel right now
            done = frozenset.intersection(*(a.delivered for a in members))
            outcome = self._send(settings, batch, done)
            self._last_send[channel] = self.clock.monotonic()
            if outcome.ok:
                sent_at = self.clock.now()
                self.outbox.mark_sent_many([a.id for a in members], sent_at)
                self._observe(members, "sent", sent_at)
                tally["sent"] += len(members)
                tally["messages"] += 1
                log.info(
                    "delivered %s (%d alert(s), rule %s) to channel %s",
                    batch.kind,
                    len(members),
                    ", ".join(dict.fromkeys(a.rule for a in members)),
                    channel,
                    extra=log_fields(channel=channel, rule=members[0].rule),
                )
                continue
            self._on_failure(settings.config, channel, members, later, outcome, tally)
            return

    def _send(self, settings: _Settings, batch: Batch, done: frozenset[str]) -> SendOutcome:
        redact = settings.redact
        # A feed fetched with ``?apikey=`` may link its articles the same way: the links
        # and titles lose the config's secrets and credential parameters, keep their paths.
        safe = tuple(
            replace(m, url=redact.links(m.url), title=redact.links(m.title)) for m in batch.messages
        )
        try:
            outcome = settings.notifier.send(replace(batch, messages=safe), done)
        except Exception as exc:  # a bug in rendering must count as a failed try, not loop
            log.exception("channel %s: sending failed unexpectedly", batch.channel)
            outcome = SendOutcome(False, f"internal error: {type(exc).__name__}: {exc}")
        return replace(outcome, error=redact(outcome.error))

    def _apply_silences(
        self, alerts: list[OutboxAlert], muted: frozenset[str], tally: Counter[str]
    ) -> list[OutboxAlert]:
        silenced = [a.id for a in alerts if a.rule in muted]
        if silenced:
            self.outbox.mark_silenced(silenced, self.clock.now())
            tally["silenced"] += len(silenced)
        return [a for a in alerts if a.rule not in muted]

    def _apply_quiet_hours(
        self,
        alerts: list[OutboxAlert],
        cfg: ChannelConfig,
        priority: dict[str, str],
        tally: Counter[str],
    ) -> list[OutboxAlert]:
        end = quiet_until(self.clock.now(), cfg.quiet_hours) if cfg.quiet_hours else None
        if end is None:
            return alerts
        held = [a for a in alerts if not _urgent(a, priority)]
        if held:
            self.outbox.defer([a.id for a in held], end)
            tally["held"] += len(held)
        return [a for a in alerts if _urgent(a, priority)]

    def _wait_for_rate(
        self, channel: str, cfg: ChannelConfig, pending: list[OutboxAlert], tally: Counter[str]
    ) -> bool:
        last = self._last_send.get(channel)
        if last is None:
            return True
        wait = last + rate_interval(cfg) - self.clock.monotonic()
        if wait <= 0:
            return True
        if wait <= MAX_INLINE_WAIT:
            self.clock.sleep(wait)
            return True
        self.outbox.defer([a.id for a in pending], self.clock.now() + timedelta(seconds=wait))
        tally["held"] += len(pending)
        return False

    def _on_failure(
        self,
        config: Config,
        channel: str,
        members: list[OutboxAlert],
        later: list[OutboxAlert],
        outcome: SendOutcome,
        tally: Counter[str],
    ) -> None:
        self.outbox.record_delivered([a.id for a in members], list(outcome.delivered))
        now = self.clock.now()
        attempts = max(a.attempts for a in members) + 1
        earliest: datetime | None = None
        expired: list[OutboxAlert] = []
        for alert in members:
            when = next_retry(alert.created_at, now, attempts, config.delivery, self.rng)
            if when is None:
                expired.append(alert)
                continue
            if outcome.retry_after:
                when = max(when, now + timedelta(seconds=outcome.retry_after))
            self.outbox.retry_many([alert.id], outcome.error, when)
            self._observe([alert], "retry")
            tally["retrying"] += 1
            earliest = when if earliest is None else min(earliest, when)
        log.warning(
            "channel %s failed (attempt %d, %d alert(s)): %s",
            channel,
            attempts,
            len(members),
            outcome.error,
            extra=log_fields(channel=channel, rule=members[0].rule, error=outcome.error),
        )
        self._give_up(expired, outcome.error, tally)
        if earliest is not None and later:
            # Newer alerts wait behind the failed one so the backlog arrives in order.
            self.outbox.defer([a.id for a in later], earliest)
            tally["held"] += len(later)

    def _observe(
        self, alerts: list[OutboxAlert], status: str, sent_at: datetime | None = None
    ) -> None:
        """Count outcomes per channel; for sent alerts, the time from match to delivery."""
        if self.metrics is None:
            return
        for alert in alerts:
            self.metrics.alert(alert.channel, status)
            if sent_at is not None:
                self.metrics.delivery_latency((sent_at - alert.created_at).total_seconds())

    def _give_up(self, alerts: list[OutboxAlert], error: str, tally: Counter[str]) -> None:
        if not alerts:
            return
        self.outbox.fail_many([a.id for a in alerts], error)
        self._observe(alerts, "failed")
        tally["failed"] += len(alerts)
        for alert in alerts:
            log.error(
                "alert %d (rule %s, channel %s) failed for good after %d attempt(s): %s",
                alert.id,
                alert.rule,
                alert.channel,
                alert.attempts + 1,
                error,
                extra=log_fields(channel=alert.channel, rule=alert.rule, error=error),
            )


def _settings(config: Config, notifier: Notifier, secrets: Iterable[str]) -> _Settings:
    redact = Redactor(config_secrets(config, secrets))
    return _Settings(config, notifier, _priorities(config), redact)


def _priorities(config: Config) -> dict[str, str]:
    return {rule.name: rule.priority for rule in config.rules}


def _urgent(alert: OutboxAlert, priorities: dict[str, str]) -> bool:
    priority = alert.payload.get("priority") or priorities.get(alert.rule, "normal")
    return bool(priority == "urgent")


def make_batches(
    channel: str, alerts: Iterable[OutboxAlert], flood_at: int
) -> list[tuple[Batch, list[OutboxAlert]]]:
    """Messages to send, in the order of their oldest alert."""
    alerts = list(alerts)
    batches: list[tuple[Batch, list[OutboxAlert]]] = []
    digests: dict[str, list[OutboxAlert]] = {}
    singles: list[OutboxAlert] = []
    for alert in alerts:
        if alert.kind == "digest":
            digests.setdefault(alert.rule, []).append(alert)
        else:
            singles.append(alert)
    kind: BatchKind
    for group in digests.values():
        messages = tuple(message_from_payload(a.payload) for a in group)
        kind = "digest" if len(group) > 1 else "alert"
        batches.append((Batch(channel, kind, messages), group))
    if len(singles) > flood_at:
        listed = tuple(message_from_payload(a.payload) for a in singles[:FLOOD_LIST_MAX])
        omitted = len(singles) - len(listed)
        batches.append((Batch(channel, "flood", listed, omitted), singles))
    else:
        for group in _story_groups(singles):
            messages = tuple(message_from_payload(a.payload) for a in group)
            kind = "story" if len(group) > 1 else "alert"
            batches.append((Batch(channel, kind, messages), group))
    batches.sort(key=lambda pair: pair[1][0].id)
    return batches


def _story_groups(alerts: list[OutboxAlert]) -> list[list[OutboxAlert]]:
    """The alerts several rules raised for one article at one moment (same story, same
    creation time: the pipeline writes an article's alerts in one transaction) go out as
    one message, as Alertmanager groups; each keeps its own row, so every rule still
    alerts once per story. Follow-ups and ops alerts stay on their own."""
    groups: dict[object, list[OutboxAlert]] = {}
    for alert in alerts:
        key: object = alert.id
        if alert.kind == "match" and alert.cluster_id is not None:
            key = (alert.cluster_id, alert.created_at)
        groups.setdefault(key, []).append(alert)
    return list(groups.values())
