"""Delivery timing as pure functions of ``now``: back-off, digests, quiet hours, rates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from newswatch.config.schema import ChannelConfig, DeliveryConfig, QuietHours

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Messages per minute when a channel sets no ``rate_limit``: Slack allows about one
# message per second per webhook, Telegram about 20 per minute into one group chat.
DEFAULT_RATES = {"slack": 60, "tgram": 20, "mailto": 30, "mailtos": 30}
DEFAULT_FLOOD_THRESHOLD = 10
FLOOD_LIST_MAX = 50


def backoff(attempts: int, cfg: DeliveryConfig, rng: random.Random) -> timedelta:
    """Exponential back-off with jitter: the n-th failure waits between half and all of
    ``initial · 2ⁿ⁻¹`` (capped), so channels failing together do not retry in lockstep."""
    base = cfg.initial_backoff.total_seconds() * 2 ** max(attempts - 1, 0)
    capped = min(base, cfg.max_backoff.total_seconds())
    return timedelta(seconds=capped * rng.uniform(0.5, 1.0))


def next_retry(
    created: datetime, now: datetime, attempts: int, cfg: DeliveryConfig, rng: random.Random
) -> datetime | None:
    """When to try again after the ``attempts``-th failure, or None to give up. The last
    try lands exactly at ``created + max_age`` rather than being skipped."""
    deadline = created + cfg.max_age
    if now >= deadline:
        return None
    return min(now + backoff(attempts, cfg, rng), deadline)


def digest_due(at: datetime, period: timedelta) -> datetime:
    """The end of the digest period holding ``at``; periods are aligned to the epoch so
    every alert of one period shares one due time."""
    seconds = period.total_seconds()
    elapsed = (at - EPOCH).total_seconds()
    periods = int(elapsed // seconds) + 1
    return EPOCH + timedelta(seconds=periods * seconds)


def _clock_time(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour) % 24, int(minute))


def quiet_until(now: datetime, quiet: QuietHours) -> datetime | None:
    """The end of the quiet window ``now`` falls in (UTC), or None outside quiet hours.
    A window may cross midnight (22:00–07:00)."""
    zone = ZoneInfo(quiet.timezone)
    local = now.astimezone(zone)
    start, end = _clock_time(quiet.start), _clock_time(quiet.end)
    t = local.time().replace(tzinfo=None)
    if start == end:
        return None
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date()
    if start > end and t >= start:
        end_day += timedelta(days=1)
    end_local = datetime.combine(end_day, end, tzinfo=zone)
    return end_local.astimezone(UTC)


def rate_interval(channel: ChannelConfig) -> float:
    """Seconds between two messages on one channel (0 for no limit)."""
    if channel.rate_limit:
        return 60.0 / channel.rate_limit
    rates = [DEFAULT_RATES[s] for s in map(_scheme, channel.urls) if s in DEFAULT_RATES]
    return 60.0 / min(rates) if rates else 0.0


def flood_threshold(channel: ChannelConfig) -> int:
    return channel.flood_threshold or DEFAULT_FLOOD_THRESHOLD


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()
