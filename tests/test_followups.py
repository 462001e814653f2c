"""``updates: true``: one short follow-up when an alerted story changes in substance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.demo.server import SampleSite
from newswatch.notify import message_from_payload
from newswatch.ruleset import parse_rules
from newswatch.store.dashboard import AlertFilter, DashboardRepo

from .conftest import aleppo_config, article
from .texts import ALEPPO_BODY


@pytest.fixture
def sites() -> Iterator[list[SampleSite]]:
    with SampleSite([]) as a, SampleSite([]) as b, SampleSite([]) as c:
        yield [a, b, c]


def make_app(tmp_path: Path, sites: list[SampleSite], updates: bool) -> App:
    feeds = {f"wire-{name}": site.base_url for name, site in zip("abc", sites, strict=True)}
    text = aleppo_config(tmp_path / "state.db", feeds, updates=str(updates).lower())
    return App(parse_rules(text, {}), clock=FakeClock(datetime.now(UTC)))


def queued(app: App) -> list[tuple[str, str]]:
    due = app.store.outbox.due(app.clock.now() + timedelta(days=1))
    return [(a.kind, message_from_payload(a.payload).title) for a in due]


def poll(app: App, index: int) -> None:
    assert app.pipeline.run_source(app.config.sources[index]).ok


@pytest.mark.parametrize("updates", [True, False])
def test_a_rising_toll_sends_one_follow_up(
    tmp_path: Path, sites: list[SampleSite], updates: bool
) -> None:
    app = make_app(tmp_path, sites, updates)
    title = "Warplanes strike villages near Aleppo"
    sites[0].publish(article("strike", title, ALEPPO_BODY))
    risen = ALEPPO_BODY.replace("at least nine civilians", "at least 14 civilians")
    sites[1].publish(article("strike-update", title, risen))
    sites[2].publish(article("strike-copy", title, risen))

    poll(app, 0)
    poll(app, 1)  # same story, new number in the lead
    poll(app, 2)  # same story, nothing new since the follow-up

    expected = [("match", title)]
    if updates:
        expected.append(("update", f"Update: {title}"))
    assert queued(app) == expected
    if updates:
        update = app.store.outbox.due(app.clock.now() + timedelta(days=1))[1]
        details = message_from_payload(update.payload).extra["details"]
        assert details[0] == "new in the lead: 14 civilians"
    # The story page lists it (one per rule and moment, with its delivery per channel).
    repo = DashboardRepo(app.store.db)
    story = repo.alerts(AlertFilter())[0].story
    assert story is not None
    shown = [(f.rule, f.title, f.change, f.deliveries) for f in repo.follow_ups(story)]
    if updates:
        assert shown == [
            ("aleppo", f"Update: {title}", "new in the lead: 14 civilians", {"hook": "pending"})
        ]
    else:
        assert shown == []
    app.close()
