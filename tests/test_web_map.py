"""The map's radius circles: every near: rule, its centre from the gazetteer or its
coordinates, its radius in km (the browser test covers the markers and the page)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from newswatch.ruleset import parse_rules
from newswatch.store import Store
from newswatch.store.team_rules import TeamRuleRepo
from newswatch.teamrules import LiveRules
from newswatch.web.geomap import _circles
from newswatch.web.places import StoryPlaces

CONFIG = """
rules:
  - name: gaziantep-office
    query: 'attack* OR shelling'
    near: {place: Gaziantep, km: 50}
  - name: coordinates
    query: explosion
    near: {lat: 36.2, lon: 37.16, km: 25}
  - name: anywhere
    query: Aleppo
"""


def test_every_near_rule_is_a_circle_around_its_centre(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    live = LiveRules(TeamRuleRepo(store.db), parse_rules(CONFIG, {}))
    circles = _circles(SimpleNamespace(live=live, places=StoryPlaces(live)))  # type: ignore[arg-type]
    store.close()
    assert [(c["rule"], c["km"], c["centre"]) for c in circles] == [
        ("gaziantep-office", 50, "Gaziantep"),
        ("coordinates", 25, "36.2,37.16"),
    ]
    assert abs(circles[0]["lat"] - 37.06) < 0.05 and abs(circles[0]["lon"] - 37.38) < 0.05
