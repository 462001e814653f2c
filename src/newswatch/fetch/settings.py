"""One source's slice of the fetch configuration, resolved against ``defaults``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newswatch.config.schema import Config, Defaults, SourceConfig

DEFAULT_USER_AGENT = Defaults().user_agent


def _frozen(headers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(headers))


@dataclass(frozen=True)
class FetchSettings:
    """How to fetch one source's URLs. Times are seconds."""

    # Total deadline for one request, body included: a server dripping a byte a second
    # must not hold a worker for longer than this.
    timeout: float = 20.0
    connect_timeout: float = 10.0
    user_agent: str = DEFAULT_USER_AGENT
    # Applies to the decoded body too, so a gzip bomb stops at this many bytes.
    max_bytes: int = 5_000_000
    headers: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    proxy: str | None = None  # http://host:port or socks5://host:port
    robots: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", _frozen(self.headers))

    @classmethod
    def for_source(cls, config: Config, source: SourceConfig) -> FetchSettings:
        timeout = float(config.setting(source, "timeout").total_seconds())
        return cls(
            timeout=timeout,
            connect_timeout=min(cls.connect_timeout, timeout),
            user_agent=config.setting(source, "user_agent"),
            max_bytes=config.setting(source, "max_bytes"),
            # Per-source headers add to the default ones rather than replace them all.
            headers={**config.defaults.headers, **(source.headers or {})},
            proxy=config.setting(source, "proxy"),
            robots=config.setting(source, "robots"),
        )
