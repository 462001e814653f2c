"""Several rules matching one story for one channel at one moment: one message naming each."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.demo.server import SampleSite
from newswatch.ruleset import parse_rules

from .conftest import article, json_url
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY

CONFIG = """
state: {state}
sources:
  - name: wire
    feed: {base}/feed.xml
channels:
  hook: "{hook}"
  other: "{other}"
rules:
  - name: aleppo
    query: 'Aleppo AND airstrike*'
    notify: [hook]
  - name: atarib-market
    query: 'Atarib AND market'
    notify: [hook, other]
"""


def test_two_rules_one_story_one_channel_make_one_message_naming_both(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    site.publish(article("strike", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    hook = json_url(receiver)
    text = CONFIG.format(
        state=tmp_path / "state.db", base=site.base_url, hook=hook, other=hook + "-other"
    )
    app = App(parse_rules(text, {}), clock=FakeClock(datetime.now(UTC)))
    try:
        report = app.run_cycle()
        counts = app.store.outbox.counts()
    finally:
        app.close()
    assert report.sent == 3  # three alert rows: aleppo→hook, atarib-market→hook and →other
    assert counts == {"sent": 3}  # each rule's own bookkeeping, per channel
    by_path: dict[str, list[dict[str, str]]] = {}
    for request in receiver.requests:
        by_path.setdefault(request.path, []).append(request.json())
    [combined] = by_path["/alerts"]  # the hook: one message for both rules
    assert combined["title"].startswith("[newswatch] aleppo, atarib-market: Warplanes strike")
    assert "rules aleppo (" in combined["message"]
    assert "atarib-market (" in combined["message"]
    for term in ("Aleppo", "airstrike", "Atarib", "market"):
        assert term.lower() in combined["message"].lower()
    [alone] = by_path["/alerts-other"]  # the other channel: the one rule that notifies it
    assert alone["title"].startswith("[newswatch] atarib-market: ")
