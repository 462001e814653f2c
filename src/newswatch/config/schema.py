"""The typed configuration: what the YAML file may say, with defaults.

Each component receives its own slice (``SourceConfig``, ``ChannelConfig``, ``RuleConfig``,
``DeliveryConfig`` …), never the raw dict. Unknown keys are errors (``extra="forbid"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from newswatch.config.durations import parse_duration

NAME_PATTERN = r"^[a-z0-9_-]+$"
# The words a source's kind is given by, in the order messages list them; each has a parser
# in ``newswatch.sources.KINDS`` (a test checks the two agree).
SOURCE_KINDS = ("feed", "page", "sitemap")


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class Strict(BaseModel):
    # The string under each field is its description: docs/configuration.md is generated
    # from the models and these strings (scripts/gen_config_reference.py, checked by a
    # test), so the reference cannot drift. Not pydantic's use_attribute_docstrings: it
    # parses this file's source at import, 0.4 s more for every command.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(Strict):
    """Either a fixed period (with jitter) or a cron expression."""

    every: timedelta | None = None
    cron: str | None = None

    @classmethod
    def parse(cls, value: Any) -> Interval:
        if isinstance(value, Interval):
            return value
        if isinstance(value, str) and value.strip().lower().startswith("cron:"):
            expr = value.split(":", 1)[1].strip()
            if len(expr.split()) != 5:
                raise ValueError(f"cron needs 5 fields (min hour day month weekday), got {expr!r}")
            return cls(cron=expr)
        every = parse_duration(value)
        if every < timedelta(seconds=1):
            raise ValueError("interval must be at least 1s")
        return cls(every=every)


IntervalField = Annotated[Interval, BeforeValidator(Interval.parse)]


class Defaults(Strict):
    """Settings every source takes unless it sets its own."""

    interval: IntervalField = Interval(every=timedelta(minutes=5))
    """How often to poll: a duration (`5m`; up to 10 % jitter, at most 30 s) or `"cron: */10 * * *
    *"` (UTC).
    """
    timeout: Duration = timedelta(seconds=20)
    """Total deadline of one request (connect, redirects and body)."""
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    """The User-Agent header; put a contact address in it."""
    max_bytes: int = Field(default=5_000_000, gt=0)
    """Largest body read, after decompression; a bigger answer is an error for that request."""
    headers: dict[str, str] = {}
    """Extra request headers (a cookie, an API key)."""
    proxy: str | None = None
    """An HTTP or SOCKS5 proxy URL (`socks5h://127.0.0.1:9050`)."""
    robots: bool = True
    """Obey robots.txt (cached per origin)."""
    fetch_articles: bool = True
    """Fetch each new entry's article page; `false` matches the feed's title and summary only."""
    first_poll: Literal["alert-recent", "baseline"] | None = None
    """What the first poll of a new source does: `alert-recent` (alert on entries of the story
    window) or `baseline` (record them without alerting). Unset: the top-level `first_poll`.
    """


class SourceConfig(Strict):
    """One news source: exactly one of `feed`, `page` or `sitemap`. Any key of `defaults` may be
    set here too, for this source alone.
    """

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Unique; lower-case letters, digits, `-` and `_`."""
    feed: str | None = None
    """An RSS or Atom feed URL."""
    page: str | None = None
    """An HTML listing page URL; article links are found by `links`, else by heuristics."""
    sitemap: str | None = None
    """A (news) sitemap URL, or a sitemap index."""
    links: str | None = None
    """CSS selector for the article links of a `page` source (`article h2 a`)."""
    interval: IntervalField | None = None
    """As in `defaults`."""
    timeout: Duration | None = None
    """As in `defaults`."""
    user_agent: str | None = None
    """As in `defaults`."""
    max_bytes: int | None = Field(default=None, gt=0)
    """As in `defaults`."""
    headers: dict[str, str] | None = None
    """As in `defaults`."""
    proxy: str | None = None
    """As in `defaults`."""
    robots: bool | None = None
    """As in `defaults`."""
    fetch_articles: bool | None = None
    """As in `defaults`."""
    first_poll: Literal["alert-recent", "baseline"] | None = None
    """As in `defaults`."""
    stale_after: Duration | None = None
    """The source turns unhealthy (one ops alert) when it publishes nothing new for this long."""
    max_items: int = Field(default=100, gt=0)
    """At most this many entries are read per poll, in the order the source lists them (sitemaps:
    newest first).
    """
    enabled: bool = True
    """`false` keeps the source in the config without polling it."""

    @model_validator(mode="after")
    def _one_kind(self) -> SourceConfig:
        problem = source_kind_problem(self.__dict__)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator(*SOURCE_KINDS)
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def kind(self) -> str:
        return next(kind for kind in SOURCE_KINDS if getattr(self, kind))

    @property
    def url(self) -> str:
        return self.feed or self.page or self.sitemap or ""


def source_kind_problem(entry: Mapping[str, Any]) -> str | None:
    """What is wrong with a source's choice of kind; also run on the raw entry when its
    fields failed, so both problems show at once."""
    given = [k for k in SOURCE_KINDS if entry.get(k)]
    if len(given) != 1:
        return f"a source needs exactly one of {', '.join(SOURCE_KINDS[:-1])} or {SOURCE_KINDS[-1]}"
    if entry.get("links") and not entry.get("page"):
        return "'links' only applies to a 'page' source"
    return None


class QuietHours(Strict):
    """Alerts to this channel wait until the end of this daily window (`urgent` rules excepted)."""

    start: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
    """`HH:MM`, local to `timezone`."""
    end: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
    """`HH:MM`; may be earlier than `start` (a window over midnight)."""
    timezone: str = "UTC"
    """An IANA time zone name (`Europe/Istanbul`)."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name like Europe/Istanbul)"
            ) from None
        return value


class ChannelConfig(Strict):
    """Where alerts go. Written as one apprise URL, a list of them, or this mapping."""

    urls: list[str]
    """apprise URLs (`mailtos://…`, `slack://…`, `tgram://…`, `json://…`); `${VAR}` reads the
    environment.
    """
    rate_limit: int | None = Field(default=None, gt=0)  # messages per minute
    """Messages per minute at most (unset: the service's known limit: Slack 60, Telegram 20, email
    30).
    """
    flood_threshold: int | None = Field(default=None, gt=0)
    """More alerts than this due at once become one summary message (unset: 10)."""
    quiet_hours: QuietHours | None = None
    """Hold non-urgent alerts during these hours."""
    format: Literal["auto", "text", "markdown", "html"] = "auto"
    """The message dialect; `auto` picks the service's own (HTML email, Slack markup, Telegram
    HTML).
    """
    template: str | None = None
    """A Jinja2 template for the message body (see docs/notify.md)."""

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"urls": [value]}
        if isinstance(value, list):
            return {"urls": value}
        return value

    @field_validator("urls")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a channel needs at least one apprise URL")
        for url in value:
            if "://" not in url:
                raise ValueError("not an apprise URL (expected scheme://...)")
        return value


ChannelField = Annotated[ChannelConfig, BeforeValidator(ChannelConfig.parse)]


class Near(Strict):
    """Also require a recognised place within `km` of a place or of coordinates (docs/geo.md)."""

    place: str | None = None
    """A gazetteer place name (`Gaziantep`)."""
    lat: float | None = Field(default=None, ge=-90, le=90)
    """Latitude, with `lon`, instead of `place`."""
    lon: float | None = Field(default=None, ge=-180, le=180)
    """Longitude, with `lat`."""
    km: float = Field(gt=0)
    """The radius in kilometres."""

    @model_validator(mode="after")
    def _place_or_coords(self) -> Near:
        has_coords = self.lat is not None and self.lon is not None
        if bool(self.place) == has_coords:
            raise ValueError("near needs either 'place' or both 'lat' and 'lon'")
        return self


class RuleConfig(Strict):
    """A watch rule: a query, and the channels its alerts go to."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Unique; lower-case letters, digits, `-` and `_`."""
    query: str
    """The query (README: Query language; docs/matching.md). Operators are upper case."""
    notify: list[str] = []
    """Channel names. Empty: the rule alerts nobody (`check` warns; fine for `newswatch match`)."""
    sources: list[str] | None = None
    """Only articles from these sources (unset: all)."""
    digest: Duration | None = None
    """Batch this rule's alerts per channel: one message per period."""
    priority: Literal["normal", "urgent"] = "normal"
    """`urgent` alerts are delivered during a channel's quiet hours."""
    near: Near | None = None
    """Also require a place within a radius."""
    updates: bool = False
    """One short follow-up when an alerted story changes in substance (a new number, a newly
    matched term), at most once an hour.
    """
    lang: Literal["ar", "ru", "uk", "tr", "fr", "es", "de", "en"] | None = None
    """The language the query's words are in, when the author knows better than the
    article's declared or detected one: they are read in it, and so is every article
    (docs/matching.md, "Languages"). Unset: each word in every language its script allows.
    """


class DeliveryConfig(Strict):
    """Retries of alerts a channel refused."""

    max_age: Duration = timedelta(hours=24)
    """An alert still undelivered this long after it was created is marked failed."""
    initial_backoff: Duration = timedelta(seconds=30)
    """The first retry's delay; each next one doubles (with jitter)."""
    max_backoff: Duration = timedelta(minutes=30)
    """The longest delay between two tries."""


class DedupConfig(Strict):
    """Recognising the same story across sources."""

    window: Duration = timedelta(hours=72)
    """The story window: an article joins a story of this period; older entries are history and
    never alert.
    """
    threshold: float = Field(default=0.5, gt=0, lt=1)
    """Text similarity (0-1) from which two articles are one story."""


class RetentionConfig(Strict):
    """How long the state file keeps things (pruned every 6 hours)."""

    articles: Duration = timedelta(days=30)
    """Articles and fetch records."""
    alerts: Duration = timedelta(days=365)
    """Alert history."""


class HealthConfig(Strict):
    """What `/healthz` calls unhealthy, beyond a stopped scheduler or overdue polls."""

    failing_share: float = Field(default=1.0, gt=0, le=1)
    """`/healthz` answers 503 when at least this share of the enabled sources failed their last
    poll: 1.0 only when all fail (a server without network), 0.5 when half do.
    """


class WebConfig(Strict):
    """The dashboard (``newswatch web``; ``run`` serves it too when ``web:`` is set)."""

    listen: Annotated[str, Field(pattern=r"^(\[[0-9a-fA-F:]+\]|[^\s:]+):\d{1,5}$")] = (
        "127.0.0.1:8080"
    )
    """`host:port`; loopback by default (it shows what security teams watch): reach it from
    elsewhere through a TLS reverse proxy (docs/dashboard.md)."""


class Config(Strict):
    """The top level of the file."""

    state: str | None = None
    """The SQLite file (default `$STATE_DIRECTORY/newswatch.db`, else
    `~/.local/state/newswatch/newswatch.db`) or `postgresql://user:${PGPASSWORD}@host/db`.
    """
    defaults: Defaults = Defaults()
    """Settings every source takes unless it sets its own."""
    sources: list[SourceConfig] = []
    """The sources to poll."""
    channels: dict[Annotated[str, Field(pattern=NAME_PATTERN)], ChannelField] = {}
    """Channel name -> where alerts go."""
    terms: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")], list[str]] = {}
    """Named term lists, used in queries as `@name` (`aleppo: [Aleppo, Halab, حلب]`)."""
    rules: list[RuleConfig] = []
    """The watch rules."""
    first_poll: Literal["alert-recent", "baseline"] = "alert-recent"
    """The first poll of a new source: `alert-recent` alerts on entries of the story window
    (`dedup.window`); `baseline` records them without alerting, so only what is published later
    alerts.
    """
    http: str | None = None
    """`host:port` for `/healthz` and `/metrics` while `run` runs (`127.0.0.1:9464`)."""
    web: WebConfig | None = None
    """The dashboard and its JSON API (`newswatch web`; `run` serves it too when this is set)."""
    workers: int = Field(default=32, gt=0, le=256)
    """Polls making requests or extracting at once. A poll waiting out its site's politeness
    delay does not count, and polls of one site queue behind each other, so this rarely
    needs raising (docs/fetching.md).
    """
    delivery: DeliveryConfig = DeliveryConfig()
    """Retries of refused alerts."""
    dedup: DedupConfig = DedupConfig()
    """Story recognition."""
    retention: RetentionConfig = RetentionConfig()
    """Pruning of the state file."""
    health: HealthConfig = HealthConfig()
    """`/healthz` thresholds."""
    ops_channel: str | None = None
    """A channel for newswatch's own alerts: a source turning unhealthy or recovering."""
    places: str | None = None  # optional user gazetteer file
    """A gazetteer file of your own places (docs/geo.md)."""

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def setting(self, source: SourceConfig, key: str) -> Any:
        """A per-source setting, falling back to ``defaults``."""
        value = getattr(source, key)
        return getattr(self.defaults, key) if value is None else value
