"""A story carried by several sources: "also reported by" in digests and in ``status``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.commands.status import collect
from newswatch.config import state_path
from newswatch.demo.server import SampleSite
from newswatch.ruleset import parse_rules

from .conftest import aleppo_config, article, json_url
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY


def test_digest_names_the_other_sources_of_the_story(
    tmp_path: Path, receiver: HttpReceiver
) -> None:
    title = "Warplanes strike villages near Aleppo"
    with SampleSite([]) as a, SampleSite([]) as b:
        a.publish(article("strike", title, ALEPPO_BODY))
        b.publish(article("strike-copy", title, ALEPPO_BODY.replace("Thursday", "Thursday,")))
        feeds = {"wire-a": a.base_url, "wire-b": b.base_url}
        text = aleppo_config(tmp_path / "state.db", feeds, hook=json_url(receiver), digest="30m")
        rules = parse_rules(text, {})
        config = rules.config
        app = App(rules, clock=FakeClock(datetime.now(UTC)))
        try:
            for source in config.sources:
                assert app.pipeline.run_source(source).ok
            assert app.delivery.deliver_due().sent == 0  # the digest period is not over
            app.clock.advance(31 * 60)  # type: ignore[attr-defined]
            assert app.delivery.deliver_due().sent == 1
        finally:
            app.close()
    [body] = receiver.bodies()
    assert "also reported by: wire-b" in body["message"]
    report = collect(config, state_path(config), datetime.now(UTC))
    assert report["recent_alerts"][0]["also_reported_by"] == ["wire-b"]
