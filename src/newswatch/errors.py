"""The exceptions newswatch raises on purpose.

Every one derives from :class:`NewswatchError`, so the CLI can turn any of them into a
message and an exit status::

    NewswatchError
    ├── ConfigError          config file unreadable or invalid (exit 2); carries every problem
    ├── QueryError           a watch-rule query that does not parse (column + message)
    ├── FetchError           one URL could not be fetched (timeout, size cap, HTTP status, …)
    │   └── BlockedURLError  a URL newswatch refuses to visit (scheme, private address)
    ├── SourceError          a source answered but its content is unusable (bad feed, no links)
    ├── ExtractError         nothing could be extracted from a page
    ├── StoreError           the state database is unusable (locked, corrupt, too new)
    │   └── StoreConflict    a write lost to another's (a unique key taken a moment ago)
    ├── Interrupted          work cut short by a shutdown, to be done again (a worker's job)
    └── ServiceError         ``run`` cannot start (port in use, state file held): own exit status

A channel's failure is not an exception: the delivery worker records it on the alert
(``last_error``) and retries, so no caller ever has one to catch.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Root of newswatch's exceptions; ``hint`` tells the user what to do next."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class ConfigError(NewswatchError):
    """The configuration is invalid; ``problems`` holds one ``key.path: message`` per error."""

    def __init__(self, problems: list[str], *, path: str | None = None) -> None:
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{len(problems)} configuration error(s)")
        self.problems = problems
        self.path = path


# EX_CONFIG: the configured address cannot be used; restarting cannot fix that, so the
# unit lists it in RestartPreventExitStatus= instead of looping every RestartSec.
EXIT_CANNOT_LISTEN = 78


class ServiceError(NewswatchError):
    """The daemon cannot start here; ``exit_status`` tells systemd whether a restart can
    help (``RestartPreventExitStatus=`` lists the ones where it cannot)."""

    def __init__(self, message: str, *, exit_status: int) -> None:
        super().__init__(message)
        self.exit_status = exit_status


class QueryError(NewswatchError):
    """A query failed to parse; ``col`` is 1-based."""

    def __init__(self, col: int, problem: str) -> None:
        super().__init__(f"col {col}: {problem}")
        self.col = col
        self.problem = problem


class FetchError(NewswatchError):
    """One URL could not be fetched."""

    def __init__(
        self, url: str, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        # Seconds the server asked us to wait (Retry-After on 429/503); the caller backs off.
        self.retry_after = retry_after


class BlockedURLError(FetchError):
    """A URL newswatch will not visit (non-http scheme, private or loopback address)."""


class SourceError(NewswatchError):
    """A source's content is unusable."""


class ExtractError(NewswatchError):
    """Nothing could be extracted from a page."""


class StoreError(NewswatchError):
    """The state database is unusable."""


class Interrupted(NewswatchError):
    """A shutdown cut this work short; it is not a failure of what it worked on, and it is
    done again later (a worker's article job goes back to the queue for another worker)."""


class StoreConflict(StoreError):
    """A write found its unique key taken by another writer a moment ago (the same
    article from two sources at once): the unit rolled back, the item is already known."""
