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
    PrivateAttr,
    field_validator,
    model_validator,
)

from newswatch.config.durations import parse_duration

NAME_PATTERN = r"^[a-z0-9_-]+$"


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class Strict(BaseModel):
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
    interval: IntervalField = Interval(every=timedelta(minutes=5))
    timeout: Duration = timedelta(seconds=20)
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    max_bytes: int = Field(default=5_000_000, gt=0)
    headers: dict[str, str] = {}
    proxy: str | None = None
    robots: bool = True
    fetch_articles: bool = True


class SourceConfig(Strict):
    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    feed: str | None = None
    page: str | None = None
    sitemap: str | None = None
    links: str | None = None
    interval: IntervalField | None = None
    timeout: Duration | None = None
    user_agent: str | None = None
    max_bytes: int | None = Field(default=None, gt=0)
    headers: dict[str, str] | None = None
    proxy: str | None = None
    robots: bool | None = None
    fetch_articles: bool | None = None
    stale_after: Duration | None = None
    max_items: int = Field(default=100, gt=0)
    enabled: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> SourceConfig:
        problem = source_kind_problem(self.__dict__)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator("feed", "page", "sitemap")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def kind(self) -> str:
        return "feed" if self.feed else "page" if self.page else "sitemap"

    @property
    def url(self) -> str:
        return self.feed or self.page or self.sitemap or ""


def source_kind_problem(entry: Mapping[str, Any]) -> str | None:
    """What is wrong with a source's choice of kind; also run on the raw entry when its
    fields failed, so both problems show at once."""
    given = [k for k in ("feed", "page", "sitemap") if entry.get(k)]
    if len(given) != 1:
        return "a source needs exactly one of feed, page or sitemap"
    if entry.get("links") and not entry.get("page"):
        return "'links' only applies to a 'page' source"
    return None


class QuietHours(Strict):
    start: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
    end: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
    timezone: str = "UTC"

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
    urls: list[str]
    rate_limit: int | None = Field(default=None, gt=0)  # messages per minute
    flood_threshold: int | None = Field(default=None, gt=0)
    quiet_hours: QuietHours | None = None
    format: Literal["auto", "text", "markdown", "html"] = "auto"
    template: str | None = None

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
    place: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    km: float = Field(gt=0)

    @model_validator(mode="after")
    def _place_or_coords(self) -> Near:
        has_coords = self.lat is not None and self.lon is not None
        if bool(self.place) == has_coords:
            raise ValueError("near needs either 'place' or both 'lat' and 'lon'")
        return self


class RuleConfig(Strict):
    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    query: str
    notify: list[str] = []
    sources: list[str] | None = None
    digest: Duration | None = None
    priority: Literal["normal", "urgent"] = "normal"
    near: Near | None = None
    updates: bool = False


class DeliveryConfig(Strict):
    max_age: Duration = timedelta(hours=24)
    initial_backoff: Duration = timedelta(seconds=30)
    max_backoff: Duration = timedelta(minutes=30)


class DedupConfig(Strict):
    window: Duration = timedelta(hours=72)
    threshold: float = Field(default=0.5, gt=0, lt=1)


class RetentionConfig(Strict):
    articles: Duration = timedelta(days=30)
    alerts: Duration = timedelta(days=365)


class HealthConfig(Strict):
    # /healthz answers 503 when at least this share of the enabled sources failed their
    # last poll. 1.0: only when all fail (a server without network); 0.5: half of them.
    failing_share: float = Field(default=1.0, gt=0, le=1)


class Config(Strict):
    state: str | None = None
    defaults: Defaults = Defaults()
    sources: list[SourceConfig] = []
    channels: dict[Annotated[str, Field(pattern=NAME_PATTERN)], ChannelField] = {}
    terms: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")], list[str]] = {}
    rules: list[RuleConfig] = []
    http: str | None = None
    workers: int = Field(default=8, gt=0, le=256)
    delivery: DeliveryConfig = DeliveryConfig()
    dedup: DedupConfig = DedupConfig()
    retention: RetentionConfig = RetentionConfig()
    health: HealthConfig = HealthConfig()
    ops_channel: str | None = None
    places: str | None = None  # optional user gazetteer file
    # Not configuration: the gazetteer the config check loaded (rules with places), kept so
    # the daemon does not load it a second time. A pydantic private attribute: never
    # validated or dumped.
    _gazetteer: Any = PrivateAttr(default=None)
    _compiled: Any = PrivateAttr(default=None)  # query text -> CompiledQuery, from the check

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def setting(self, source: SourceConfig, key: str) -> Any:
        """A per-source setting, falling back to ``defaults``."""
        value = getattr(source, key)
        return getattr(self.defaults, key) if value is None else value
